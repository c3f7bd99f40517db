"""Many readers posting at once through real gunicorn workers: each accepted comment is
stored exactly once, no refused one is, and every thread stays intact.

The larger version (2,000 submissions from 32 clients) is in bench/; this one is sized to
run in the test suite.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.loadtest import seed_hot_threads, submit_concurrently, verify
from moderation.models import PolicySettings
from tests.config.test_backup import database_url
from tests.factories import PostFactory

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 32
PER_CLIENT = 10


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(*, workers: int = 3, extra_env: dict | None = None):
    """A gunicorn serving the test database; returns (process, port) once it listens."""
    from django.db import connections

    connections.close_all()
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        **(extra_env or {}),
    }
    process = subprocess.Popen(  # noqa: S603 - our own server
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("gunicorn did not start: " + process.stdout.read().decode()[-2000:])
    return process, port


def stop(process) -> None:
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture
def server(transactional_db):
    process, port = start_gunicorn()
    yield port
    stop(process)


def test_concurrent_submissions_are_stored_exactly_once(server):
    rules = PolicySettings.current()
    rules.comments_per_minute = 0  # one address sends everything here
    rules.save()
    post = PostFactory()
    run = submit_concurrently(
        server, post_id=post.pk, post_path=post.get_absolute_url(),
        parents=seed_hot_threads(post), clients=CLIENTS, per_client=PER_CLIENT, read_every=3,
    )  # fmt: skip
    assert not run["errors"], run["errors"][:5]
    assert len(run["outcomes"]) == CLIENTS * PER_CLIENT
    assert all(status == 200 for status in run["reads"])
    checked = verify(run["outcomes"])
    assert checked["accepted"] > CLIENTS * PER_CLIENT * 0.95, set(run["outcomes"].values())
    assert checked["stored_once"] == checked["accepted"]
    assert checked["lost"] == checked["duplicated"] == 0
    assert checked["stored_but_refused"] == checked["unknown_stored"] == 0
    assert checked["tree_problems"] == []
