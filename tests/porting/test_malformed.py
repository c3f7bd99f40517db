"""Malformed files are refused with their line and column, and nothing of them is stored."""

import pytest
from django.core.management.base import CommandError

from blog.models import AuthorProfile, Post, Series
from comments.models import Comment
from moderation.models import ModerationEvent
from porting.models import ImportedItem

from .conftest import FIXTURES, TESTDATA, TTY, run


def nothing_stored() -> bool:
    return not any(
        model.objects.exists()
        for model in (Post, Comment, ModerationEvent, ImportedItem, Series, AuthorProfile)
    )


@pytest.mark.parametrize(
    ("command", "path", "where", "what"),
    [
        ("import_wxr", FIXTURES / "wxr-malformed.xml", "line 23, column 23", "mismatched tag"),
        ("import_wxr", FIXTURES / "wxr-invalid-utf-8.xml", "line 7, column 11", "invalid token"),
        ("import_wxr", FIXTURES / "wxr-doctype.xml", "line 2, column 1", "DOCTYPE"),
        (
            "import_disqus",
            TESTDATA / "disqus" / "remark42-testdata-disqus-malformed.xml",
            "line 1, column 1",
            "invalid token",
        ),
    ],
    ids=["mismatched-tag", "invalid-utf-8", "entities", "disqus-backtick"],
)
def test_refused_with_line_and_column_and_nothing_stored(db, command, path, where, what):
    with pytest.raises(CommandError) as error:
        run(command, path)
    message = str(error.value)
    assert message.startswith(f"{path.name}, {where}: ")
    assert what in message
    assert message.endswith("Nothing was imported.")
    assert nothing_stored()


def test_refused_before_progress_is_shown_too(db):
    with pytest.raises(CommandError, match="line 23, column 23"):
        run("import_wxr", FIXTURES / "wxr-malformed.xml", stdout=TTY())
    assert nothing_stored()


def test_a_failure_after_the_file_is_read_rolls_everything_back(db, monkeypatch):
    """Comments go in after every post: an error there must take the posts with it."""
    from porting.writer import batch, comments

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(comments, "comment_insert_as_is", broken)  # one at a time
    monkeypatch.setattr(batch, "comments_create_as_is", broken)  # new threads together
    with pytest.raises(RuntimeError):
        run("import_wxr", FIXTURES / "wxr-1.2-https.xml")
    assert nothing_stored()


def test_missing_file(db):
    with pytest.raises(CommandError, match="no such file"):
        run("import_wxr", FIXTURES / "nope.xml")
