"""PostgreSQL goes away for a few seconds while four readers and four writers keep going,
through gunicorn with production settings, two workers sharing Redis: nobody gets a 500.

Readers get 200 (the cached page, or its last good copy when a new comment had just retired
it) or the site's 503 page; writers get a 503 with Retry-After and their text back; once the
database answers, everything works again at once and every accepted comment is stored once.

The shared PostgreSQL server is never stopped (other people use it): the web processes reach
it through a proxy in this test, and "stopping the database" is the proxy cutting every
connection and refusing new ones.
"""

import contextlib
import http.client
import json
import re
import socket
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

import environ
import pytest
from django.db import connection

from comments.models import Comment
from comments.services import comment_create_as_is
from config.cache import with_reused_clients
from core import pagecache
from moderation.models import PolicySettings
from tests.factories import PostFactory
from tests.faults.test_load import start_gunicorn, stop
from tests.services import REDIS, needs_redis

pytestmark = [needs_redis, pytest.mark.django_db(transaction=True)]

REDIS_DB = 11  # this test's own Redis database (5 and 7 are other process tests')
HEADERS = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) crowd", "Host": "localhost"}
BEFORE, OUTAGE, AFTER = 2.0, 6.0, 3.0  # seconds; each client also goes on until it has
# had an answer to a request sent a second after the database came back (bounded: 120 s)


class PostgresProxy:
    """A TCP relay to the test database's server that can play dead: ``down()`` cuts every
    relayed connection and refuses new ones (they are accepted and closed at once), as a
    stopped server would; ``up()`` relays again."""

    def __init__(self, settings_dict: dict) -> None:
        socket_dir = settings_dict["OPTIONS"].get("host") or settings_dict["HOST"]
        if socket_dir.startswith("/"):  # the embedded server listens on a Unix socket
            port = settings_dict["PORT"] or 5432
            self.upstream = (socket.AF_UNIX, f"{socket_dir}/.s.PGSQL.{port}")
        else:
            self.upstream = (socket.AF_INET, (socket_dir, int(settings_dict["PORT"] or 5432)))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.is_down = False
        self.links: set[socket.socket] = set()
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.is_down:
                client.close()
                continue
            family, address = self.upstream
            server = socket.socket(family, socket.SOCK_STREAM)
            try:
                server.connect(address)
            except OSError:
                client.close()
                server.close()
                continue
            with self.lock:
                self.links.update((client, server))
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def down(self) -> None:
        self.is_down = True
        with self.lock:
            links, self.links = self.links, set()
        for sock in links:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def up(self) -> None:
        self.is_down = False

    def close(self) -> None:
        self.closed = True
        self.down()
        self.listener.close()


@dataclass
class Outcome:
    started: float
    ended: float
    kind: str  # "read <post>" or "write"
    status: int
    text: str = ""
    headers: dict = field(default_factory=dict)
    marker: str = ""


def request(port: int, method: str, path: str, *, body=None, cookie: str = ""):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = dict(HEADERS)
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read().decode(), dict(response.getheaders())
    finally:
        conn.close()


@pytest.fixture
def site(settings, static_root):
    """Two gunicorn workers that reach PostgreSQL through the proxy and share Redis with
    this process (so a comment written here retires their cached pages)."""
    import redis

    redis.Redis(*REDIS, db=REDIS_DB).flushdb()
    cache_url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    settings.CACHES = {"default": with_reused_clients(environ.Env.cache_url_config(cache_url))}
    settings.POST_PAGE_CACHE_SECONDS = 300
    proxy = PostgresProxy(connection.settings_dict)
    database = connection.settings_dict
    user = quote(database["USER"] or "")
    password = f":{quote(database['PASSWORD'])}" if database["PASSWORD"] else ""
    url = f"postgres://{user}{password}@127.0.0.1:{proxy.port}/{database['NAME']}"
    process, port = start_gunicorn(
        workers=2,
        extra_env={
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "SECRET_KEY": "crowd-test-" + uuid.uuid4().hex,
            "DATABASE_URL": url,
            "CACHE_URL": cache_url,
            "ALLOWED_HOSTS": "localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SITE_URL": "http://localhost",
            # Production serves hashed static names from collectstatic's manifest.
            "STATIC_ROOT": str(static_root),
            "EMAIL_URL": "smtp://127.0.0.1:9",  # nothing is mailed here
            "GUNICORN_ACCESS_LOG": "off",  # its output goes to a pipe nobody reads
            "LOG_LEVEL": "ERROR",
        },
    )
    yield port, proxy
    stop(process)
    proxy.close()
    redis.Redis(*REDIS, db=REDIS_DB).flushdb()


def test_a_database_outage_under_a_crowd_costs_no_one_their_words(site):
    port, proxy = site
    rules = PolicySettings.current()
    rules.comments_per_minute = 0  # every writer sends from 127.0.0.1
    rules.save()
    retired, cached = PostFactory(title="Post A"), PostFactory(title="Post B")
    for post in (retired, cached):  # in the shared cache
        assert request(port, "GET", post.get_absolute_url())[0] == 200
    token_status, token_text, token_headers = request(port, "GET", "/comments/token/")
    token = json.loads(token_text)["token"]
    cookie = token_headers["Set-Cookie"].split(";")[0]

    outcomes: list[Outcome] = []
    lock = threading.Lock()
    start = time.monotonic()
    finish = start + BEFORE + OUTAGE + AFTER
    recovered: list[float] = []  # when the database came back

    def going(last_started: float) -> bool:
        now = time.monotonic()
        if now < finish:
            return True
        answered_after = bool(recovered) and last_started > recovered[0] + 1.0
        return not answered_after and now < finish + 120

    def reader(number: int) -> None:
        # Post A (retired just before the outage), post B (cached), the list of posts
        # (made for every request: nothing to serve while the database is down).
        pages = [("A", retired.get_absolute_url()), ("B", cached.get_absolute_url()), ("list", "/")]
        index, began = number, 0.0
        while going(began):
            name, path = pages[index % 3]
            index += 1
            began = time.monotonic()
            status, text, headers = request(port, "GET", path)
            with lock:
                outcomes.append(
                    Outcome(began, time.monotonic(), f"read {name}", status, text, headers)
                )
            time.sleep(0.02)

    def writer(number: int) -> None:
        began = 0.0
        while going(began):
            marker = uuid.uuid4().hex
            fields = {
                "csrfmiddlewaretoken": token,
                "author_name": f"Writer {number}",
                "body": f"Words that must not be lost {marker}",
            }
            began = time.monotonic()
            status, text, headers = request(
                port, "POST", f"/comments/post/{cached.pk}/", body=urlencode(fields),
                cookie=cookie,
            )  # fmt: skip
            with lock:
                outcomes.append(
                    Outcome(began, time.monotonic(), "write", status, text, headers, marker)
                )
            time.sleep(0.1)

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(4)]
    threads += [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(BEFORE)
    comment_create_as_is(
        post=retired, parent=None, body="Posted just before the outage.", status="approved",
        submitted_at=retired.published_at, source="test",
    )  # fmt: skip  # retires post A's cached page
    went_down = time.monotonic()
    proxy.down()
    # A page made between the new comment and the cut would be current: retire it too, so
    # every read of post A below needs the last good copy.
    pagecache.bump(retired.pk)
    time.sleep(OUTAGE)
    proxy.up()
    came_back = time.monotonic()
    recovered.append(came_back)
    for thread in threads:
        thread.join(timeout=120)

    tally = Counter(
        ("before" if o.ended < went_down else "during" if o.ended < came_back else "after",
         o.kind, o.status)
        for o in outcomes
    )  # fmt: skip
    print(sorted(tally.items()))  # for the record: pytest -s shows it
    statuses = [outcome.status for outcome in outcomes]
    assert 500 not in statuses, [o.text[:300] for o in outcomes if o.status == 500][:2]
    assert set(statuses) <= {200, 302, 503}, sorted(set(statuses))
    during = [o for o in outcomes if o.started > went_down + 0.2 and o.ended < came_back]
    after = [o for o in outcomes if o.started > came_back + 1.0]
    assert during and after

    # Readers: the cached page, the last good copy of the retired one, or the 503 page.
    kinds = {o.kind for o in during}
    assert {"read A", "read B", "read list", "write"} <= kinds, kinds
    for outcome in during:
        if outcome.kind == "read A":
            assert outcome.status == 200 and "Post A" in outcome.text
            assert outcome.headers.get("X-Stale-If-Error") == "1"  # the last good copy
        elif outcome.kind == "read B":
            assert outcome.status == 200 and "Post B" in outcome.text
        elif outcome.kind == "read list":
            assert outcome.status == 503
            assert "We are briefly unavailable" in outcome.text
    # Writers: a 503 with Retry-After and their words in the form, never a stored comment.
    refused = [o for o in during if o.kind == "write"]
    assert refused
    for outcome in refused:
        assert outcome.status == 503 and outcome.headers.get("Retry-After") == "30"
        assert re.search(rf"Words that must not be lost {outcome.marker}</textarea>", outcome.text)
        assert 'value="Writer ' in outcome.text

    # Back at once: pages are made afresh and comments accepted.
    assert {o.status for o in after if o.kind == "write"} == {302}
    assert {o.status for o in after if o.kind.startswith("read")} == {200}
    assert any("Posted just before the outage." in o.text for o in after if o.kind == "read A")

    bodies = list(Comment.objects.filter(post=cached).values_list("body", flat=True))
    stored = {
        marker: sum(marker in body for body in bodies) for o in outcomes if (marker := o.marker)
    }
    accepted = [o.marker for o in outcomes if o.kind == "write" and o.status == 302]
    assert all(stored[marker] == 1 for marker in accepted)
    assert all(count <= 1 for count in stored.values())
    assert not any(stored[o.marker] for o in refused)
