"""Many readers posting at once through real gunicorn workers: each accepted comment is
stored exactly once, no refused one is, and every thread stays intact.

The larger version (2,000 submissions from 32 clients) is in bench/; this one is sized to
run in the test suite.
"""

import http.client
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest

from comments.models import Comment
from comments.services import comment_create_as_is
from comments.tree import check_trees
from moderation.models import PolicySettings
from tests.config.test_backup import database_url
from tests.factories import PostFactory

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 32
PER_CLIENT = 10
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


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
    hot = [
        comment_create_as_is(
            post=post, parent=None, body=f"Hot thread {n}", status="approved",
            submitted_at=post.published_at, source="test",
        )
        for n in range(3)
    ]  # fmt: skip
    deep = []
    for root in hot:  # a chain three deep under each hot thread
        parent = root
        for level in range(3):
            parent = comment_create_as_is(
                post=post, parent=parent, body=f"Level {level + 1}", status="approved",
                submitted_at=post.published_at, source="test",
            )  # fmt: skip
            deep.append(parent)
    targets = [None] * 3 + [c.pk for c in hot] + [c.pk for c in deep]
    outcomes: dict[str, int] = {}
    errors: list[str] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        rng = random.Random(number)
        conn = http.client.HTTPConnection("127.0.0.1", server, timeout=60)
        try:
            conn.request("GET", post.get_absolute_url(), headers={"User-Agent": "Mozilla/5.0"})
            page = conn.getresponse()
            body = page.read()
            cookie = page.getheader("Set-Cookie", "").split(";")[0]
            token = TOKEN.search(body).group(1).decode()
            for _ in range(PER_CLIENT):
                marker = uuid.uuid4().hex
                parent = rng.choice(targets)
                fields = {"csrfmiddlewaretoken": token, "body": f"Load {marker}"}
                if parent:
                    fields["parent"] = parent
                conn.request(
                    "POST", f"/comments/post/{post.pk}/", body=urlencode(fields),
                    headers={"Content-Type": "application/x-www-form-urlencoded",
                             "Cookie": cookie, "User-Agent": "Mozilla/5.0",
                             "Referer": f"http://127.0.0.1:{server}/"},
                )  # fmt: skip
                response = conn.getresponse()
                response.read()
                with lock:
                    outcomes[marker] = response.status
        except Exception as error:  # noqa: BLE001 - reported with the test's failure
            errors.append(f"client {number}: {error!r}")
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    assert not errors, errors[:5]
    assert len(outcomes) == CLIENTS * PER_CLIENT
    stored = {}
    for body in Comment.objects.filter(body__startswith="Load ").values_list("body", flat=True):
        marker = body.removeprefix("Load ")
        stored[marker] = stored.get(marker, 0) + 1
    accepted = {m for m, status in outcomes.items() if 200 <= status < 400}
    refused = set(outcomes) - accepted
    assert len(accepted) > CLIENTS * PER_CLIENT * 0.95, sorted(set(outcomes.values()))
    assert all(stored.get(marker) == 1 for marker in accepted)
    assert not any(marker in stored for marker in refused)
    assert set(stored) <= set(outcomes)
    assert check_trees() == []
