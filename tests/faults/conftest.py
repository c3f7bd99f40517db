"""Shared by the tests that run the site as production does (gunicorn, production
settings)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def static_root(tmp_path_factory) -> Path:
    """collectstatic, as the image runs it: production serves hashed names from a manifest."""
    root = tmp_path_factory.mktemp("static")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": "collectstatic-placeholder",
        "DATABASE_URL": "postgres://collectstatic@localhost/unused",
        "STATIC_ROOT": str(root),
    }
    result = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return root
