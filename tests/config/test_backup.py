"""make backup / make restore: a dump of the database brings everything back."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection, connections

from blog.models import Post
from comments.models import Comment
from comments.services import comment_create_as_is
from comments.tree import check_trees
from tests.factories import PostFactory

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The test database as a DATABASE_URL, socket or TCP."""
    settings = connection.settings_dict
    user = quote(settings["USER"] or "")
    password = f":{quote(settings['PASSWORD'])}" if settings["PASSWORD"] else ""
    socket = settings["OPTIONS"].get("host")
    if socket:
        return f"postgres://{user}{password}@/{settings['NAME']}?host={quote(socket)}"
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgres://{user}{password}@{settings['HOST']}{port}/{settings['NAME']}"


def run_backup(*args: str) -> subprocess.CompletedProcess:
    connections.close_all()  # pg_restore needs the tables to itself
    return subprocess.run(
        [sys.executable, "-m", "config.backup", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url()},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip(tmp_path):
    post = PostFactory(title="Kept safe")
    root = comment_create_as_is(
        post=post, parent=None, body="First", status="approved",
        submitted_at=post.published_at, source="test",
    )  # fmt: skip
    comment_create_as_is(
        post=post, parent=root, body="A reply", status="approved",
        submitted_at=post.published_at, source="test",
    )  # fmt: skip
    dump = tmp_path / "site.dump"
    made = run_backup("dump", str(dump))
    assert made.returncode == 0, made.stderr
    assert dump.stat().st_size > 0

    Comment.objects.filter(post=post).delete()
    Post.objects.filter(pk=post.pk).update(title="Changed after the backup")

    restored = run_backup("restore", str(dump))
    assert restored.returncode == 0, restored.stderr
    assert Post.objects.get(pk=post.pk).title == "Kept safe"
    assert sorted(Comment.objects.filter(post=post).values_list("body", flat=True)) == [
        "A reply",
        "First",
    ]
    assert check_trees() == []


def test_restore_of_a_missing_file_is_a_clear_error(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "config.backup", "restore", str(tmp_path / "nope.dump")],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "No such backup file" in result.stdout + result.stderr
