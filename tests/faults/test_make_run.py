"""``make run`` holds a crowd: 32 readers posting and reading at once against the very
command it serves with (``python -m config.serve``: migrate, seed, Django's development
server), no 5xx, and PostgreSQL's connections back to their idle level afterwards even
while the readers' browsers keep their connections open, as browsers do."""

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from urllib.parse import urlencode

import pytest
from django.db import connection, connections

from comments.models import Comment
from comments.services import comment_create_as_is
from moderation.models import PolicySettings
from tests.config.test_backup import database_url
from tests.factories import PostFactory
from tests.faults.test_load import ROOT, free_port

CLIENTS = 32
POSTS_EACH = 4
READS_EACH = 3
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
HEADERS = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Firefox/128.0"}


def backends() -> int:
    """Connections to the test database, other than this test's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.fixture
def crowded(transactional_db):
    """A post with three threads, stored before the server starts (so its seed_demo
    --if-empty finds content and leaves the database alone)."""
    rules = PolicySettings.current()
    rules.comments_per_minute = 0  # every reader here comes from 127.0.0.1
    rules.save()
    post = PostFactory(title="A crowded thread")
    parents = [
        comment_create_as_is(
            post=post, parent=None, body=f"Thread {n}", status=Comment.Status.APPROVED,
            submitted_at=post.published_at, source="test",
        ).pk
        for n in range(3)
    ]  # fmt: skip
    return post, parents


@pytest.fixture
def make_run(crowded):
    """``python -m config.serve`` as ``make run`` starts it, on the test database."""
    connections.close_all()
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env |= {"DATABASE_URL": database_url(), "PORT": str(port), "CACHE_URL": "locmemcache://"}
    process = subprocess.Popen(  # noqa: S603 - our own server
        [sys.executable, "-m", "config.serve"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: Ctrl-C reaches every process in it
    )  # fmt: skip
    output = []
    threading.Thread(target=lambda: output.extend(process.stdout), daemon=True).start()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/robots.txt", headers=HEADERS)
            if conn.getresponse().status == 200:
                conn.close()
                break
        except OSError:
            time.sleep(0.3)
        if process.poll() is not None:
            break
    else:
        process.kill()
    if process.poll() is not None:
        pytest.fail("make run's server did not start: " + b"".join(output).decode()[-3000:])
    yield port
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def reader(port, post, parents, statuses, lock, open_connections) -> None:
    """A browser: one keep-alive connection, kept open at the end (as browsers keep theirs)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    with lock:
        open_connections.append(conn)

    def send(method, path, body=None, headers=None):
        conn.request(method, path, body=body, headers={**HEADERS, **(headers or {})})
        response = conn.getresponse()
        content = response.read()
        with lock:
            statuses.append(response.status)
        return response, content

    send("GET", post.get_absolute_url())
    # The post page holds no token (the same bytes for every reader): fetch it as
    # comments.js does.
    response, answer = send("GET", "/comments/token/")
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = json.loads(answer)["token"]
    for number in range(POSTS_EACH):
        fields = {"csrfmiddlewaretoken": token, "body": f"Crowd {uuid.uuid4().hex}"}
        if number % 2:
            fields["parent"] = parents[number % len(parents)]
        send(
            "POST", f"/comments/post/{post.pk}/", urlencode(fields),
            {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        )  # fmt: skip
        if number < READS_EACH:
            send("GET", post.get_absolute_url(), headers={"Cookie": cookie})


def test_make_run_serves_a_crowd_and_lets_its_connections_go(make_run, crowded):
    post, parents = crowded
    idle = backends()
    statuses, errors, open_connections = [], [], []
    lock = threading.Lock()

    def run(number):
        try:
            reader(make_run, post, parents, statuses, lock, open_connections)
        except Exception as error:  # noqa: BLE001 - reported below
            with lock:
                errors.append(f"reader {number}: {error!r}")

    threads = [threading.Thread(target=run, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    try:
        assert errors == []
        assert len(statuses) == CLIENTS * (2 + POSTS_EACH + READS_EACH)  # page, token, …
        assert [status for status in statuses if status >= 500] == []
        assert Comment.objects.filter(body__startswith="Crowd ").count() == CLIENTS * POSTS_EACH

        # The readers' connections are still open; PostgreSQL's go back to idle.
        deadline = time.monotonic() + 15
        while backends() > idle + 2 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert backends() <= idle + 2, f"{backends()} connections, {idle} before the crowd"

        after = http.client.HTTPConnection("127.0.0.1", make_run, timeout=30)
        after.request("GET", post.get_absolute_url(), headers=HEADERS)
        response = after.getresponse()
        assert response.status == 200
        assert b"A crowded thread" in response.read()
        after.close()
    finally:
        for conn in open_connections:
            conn.close()
