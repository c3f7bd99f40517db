"""Shared pieces for the import and export tests.

``TESTDATA`` holds exports from public projects (see its SOURCES.md), used where they are;
``FIXTURES`` holds our own small files for the edge cases those miss.
"""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from comments.tree import check_trees

TESTDATA = Path(__file__).resolve().parents[2].parent / "shared" / "testdata"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


class TTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(command: str, *args, stdout=None) -> str:
    """Run a management command; return what it printed."""
    out = stdout if stdout is not None else io.StringIO()
    call_command(command, *[str(arg) for arg in args], stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def trees_intact(db):
    """Assert, after the test, that every comment thread passes check_comment_trees."""
    yield
    assert check_trees() == []
