"""A moderation or publication decision reaches every gunicorn worker before it returns.

Gunicorn runs with the production settings and three workers, once with the default
production cache (a table in PostgreSQL, CACHE_URL unset) and once with Redis. Readers
first warm every worker (their caches, their copies of pages, their view of the reserved
names and the policy's rules); then a decision is taken; then 60 GETs and 20 conditional
GETs with the old ETag, several at a time so that every worker answers some, must all get
the new answer: no old text, no 304 for a page that changed or is gone. For the reserved
names and the rules, 40 comments are posted the same way and none gets past the decision.
The decisions are taken through the same services the admin calls, in this process, with
this process pointed at the same shared cache as the workers.
"""

import http.client
import json
import os
import secrets
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.test import override_settings

from blog.models import Post
from comments.models import Comment, ReservedName
from comments.services import comment_create_as_is
from core import localpages
from moderation.models import BlockedTerm, PolicySettings
from moderation.services import comment_edit, comment_erase, comment_remove
from tests.config.test_backup import database_url
from tests.factories import PostFactory, SuperuserFactory
from tests.faults.test_load import ROOT, free_port
from tests.services import absent, redis_up

WORKERS = 3
GETS, CONDITIONAL_GETS, POSTS = 60, 20, 40
AT_ONCE = 6  # requests in flight together, so every worker takes some
SECRET = "my address is 12 Elm Road"
HEADERS = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", "Host": "localhost"}
# A cache namespace of this run's own: nothing left by an earlier run, nobody else's keys.
RUN = uuid.uuid4().hex[:10]
REDIS_URL = f"redis://127.0.0.1:6379/5?key_prefix=colloquy-workers-{RUN}"
DATABASE_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "colloquy_cache",
}
REDIS_CACHE = {
    "BACKEND": "config.cache.RedisCache",
    "LOCATION": "redis://127.0.0.1:6379/5",
    "KEY_PREFIX": f"colloquy-workers-{RUN}",
}


def request(port: int, method: str, path: str, *, headers=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(method, path, body=body, headers={**HEADERS, **(headers or {})})
    response = conn.getresponse()
    text = response.read().decode()
    conn.close()
    return response.status, text, response


def many(port: int, calls: list[tuple]) -> list[tuple[int, str, object]]:
    with ThreadPoolExecutor(AT_ONCE) as pool:
        return list(pool.map(lambda call: request(port, *call[:2], **call[2]), calls))


def spread(server: "Gunicorn", call, marker: str, at_least: int) -> list[tuple[int, str, object]]:
    """At least ``at_least`` requests (``call(n)`` makes the n-th, its query carrying
    ``marker``), more until every worker has answered some: a worker that just answered
    often wins the next connection too."""
    answers: list[tuple[int, str, object]] = []
    while len(answers) < at_least or len(server.workers_seen(f"?{marker}=")) < WORKERS:
        assert len(answers) < 20 * at_least, f"only {server.workers_seen(f'?{marker}=')} answered"
        answers += many(server.port, [call(len(answers) + n) for n in range(2 * AT_ONCE)])
    return answers


class Gunicorn:
    """Production settings, WORKERS workers, an access log that names the worker (pid)."""

    def __init__(self, cache_url: str | None, tmp: Path, static_root: Path):
        self.port = free_port()
        self.access_log = tmp / "access.log"
        self.output = tmp / "output.log"
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "TEST_", "CACHE_", "SITE_", "EMAIL_"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.prod",
            DATABASE_URL=database_url(),
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="localhost,127.0.0.1",
            SECURE_SSL_REDIRECT="false",
            SITE_URL="https://blog.example.org",
            # Decisions are taken in the test process: the workers send no mail here.
            EMAIL_URL=f"smtp://127.0.0.1:{free_port()}",
            WEB_CONCURRENCY=str(WORKERS),
            POST_PAGE_CACHE_SECONDS="300",
            LOG_LEVEL="WARNING",
            STATIC_ROOT=str(static_root),
        )
        if cache_url:
            env["CACHE_URL"] = cache_url
        self.process = subprocess.Popen(  # noqa: S603 - our own server
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(WORKERS),
             "--bind", f"127.0.0.1:{self.port}", "--access-logfile", str(self.access_log),
             "--access-logformat", "%(p)s %(m)s %(U)s?%(q)s %(s)s"],
            cwd=ROOT, env=env, stdout=self.output.open("wb"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if request(self.port, "GET", "/readyz")[0] == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.3)
        self.stop()
        pytest.fail("gunicorn did not get ready: " + self.log()[-3000:])

    def log(self) -> str:
        return self.output.read_text(errors="replace")

    def workers_seen(self, marker: str) -> set[str]:
        lines = self.access_log.read_text().splitlines()
        return {line.split()[0] for line in lines if marker in line}

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="module", params=["database", "redis"])
def backend(request, django_db_setup, django_db_blocker, tmp_path_factory, static_root):
    if request.param == "redis" and not redis_up():
        absent("no Redis on 127.0.0.1:6379 (apt-get install redis-server)")
    shared = DATABASE_CACHE if request.param == "database" else REDIS_CACHE
    with django_db_blocker.unblock(), override_settings(CACHES={"default": shared}):
        if request.param == "database":
            # What migrate does under production settings (config.apps), for this database
            # the test run migrated with the test settings' cache.
            call_command("createcachetable", verbosity=0)
        from django.core.cache import cache

        cache.clear()
        server = Gunicorn(None if request.param == "database" else REDIS_URL,
                          tmp_path_factory.mktemp(request.param), static_root)  # fmt: skip
        try:
            yield server, shared
        finally:
            server.stop()
            cache.clear()


@pytest.fixture
def site(backend, transactional_db):
    """(the server, a superuser) with this process sharing the workers' cache."""
    server, shared = backend
    localpages._kept.clear()
    with override_settings(CACHES={"default": shared}, POST_PAGE_CACHE_SECONDS=300):
        rules = PolicySettings.current()
        rules.comments_per_minute = 0  # every reader here comes from 127.0.0.1
        rules.save()
        yield server, SuperuserFactory(username=f"root-{uuid.uuid4().hex[:6]}")
    localpages._kept.clear()


def discussed_post() -> tuple[Post, Comment]:
    post = PostFactory(title=f"Discussed {uuid.uuid4().hex[:6]}")
    comment = comment_create_as_is(
        post=post, parent=None, body=f"Thank you for this. {SECRET}, if anyone is near.",
        status="approved", submitted_at=post.published_at, source="test",
    )  # fmt: skip
    return post, comment


def warm(server: Gunicorn, post: Post) -> str:
    """Every worker serves the page from its cache; returns the page's ETag."""
    url = post.get_absolute_url()
    answers = spread(server, lambda n: ("GET", f"{url}?warm={n}", {}), "warm", 30)
    assert {status for status, _, _ in answers} == {200}
    assert all(SECRET in text for _, text, _ in answers)
    tags = {response.headers["ETag"] for _, _, response in answers}
    assert len(tags) == 1, tags  # one cached page, the same for everyone
    tag = tags.pop()
    again = many(server.port, [("GET", url, {"headers": {"If-None-Match": tag}})] * 6)
    assert {status for status, _, _ in again} == {304}  # the cache is in play
    return tag


def read_after(server: Gunicorn, post: Post, old_tag: str, marker: str):
    """GETS plain and CONDITIONAL_GETS conditional GETs (with the old ETag), in that
    proportion, over every worker."""
    url = post.get_absolute_url()
    every = (GETS + CONDITIONAL_GETS) // CONDITIONAL_GETS

    def call(n: int) -> tuple:
        if n % every == every - 1:
            return ("GET", f"{url}?{marker}={n}", {"headers": {"If-None-Match": old_tag}})
        return ("GET", f"{url}?{marker}={n}", {})

    return spread(server, call, marker, GETS + CONDITIONAL_GETS)


def assert_no_old_answers(answers, *, gone: bool = False) -> None:
    old = [status for status, text, _ in answers if status == 304 or SECRET in text]
    assert old == [], f"{len(old)} of {len(answers)} answers were the page before the decision"
    expected = {404} if gone else {200}
    assert {status for status, _, _ in answers} == expected


def test_an_erased_comment_is_gone_from_every_worker_at_once(site):
    server, root = site
    post, comment = discussed_post()
    tag = warm(server, post)
    comment_erase(comment=comment, actor=root, reason="Data request 2026-12-07")
    assert_no_old_answers(read_after(server, post, tag, "erased"))


def test_a_removed_comment_is_gone_from_every_worker_at_once(site):
    server, root = site
    post, comment = discussed_post()
    tag = warm(server, post)
    comment_remove(comment=comment, actor=root, reason="Personal details")
    assert_no_old_answers(read_after(server, post, tag, "removed"))


def test_an_edit_with_a_note_shows_on_every_worker_at_once(site):
    server, root = site
    post, comment = discussed_post()
    tag = warm(server, post)
    comment_edit(
        comment=comment, actor=root, reason="Personal details",
        body="Thank you for this. (Address removed.)",
        public_note="we removed a home address",
    )  # fmt: skip
    answers = read_after(server, post, tag, "edited")
    assert_no_old_answers(answers)
    assert all(
        "(Address removed.)" in text and "we removed a home address" in text
        for _, text, _ in answers
    )


def test_an_unpublished_post_is_404_on_every_worker_at_once(site):
    server, _root = site
    post, _comment = discussed_post()
    tag = warm(server, post)
    post.status = Post.Status.DRAFT
    post.save()
    assert_no_old_answers(read_after(server, post, tag, "unpublished"), gone=True)


def post_comments(server: Gunicorn, post: Post, marker: str, **fields) -> list[int]:
    """POSTS comments sent as a reader sends them, spread over the workers."""
    status, text, response = request(server.port, "GET", "/comments/token/")
    assert status == 200, text[:300]
    token = json.loads(text)["token"]
    cookie = response.headers["Set-Cookie"].split(";")[0]
    body = urlencode({"csrfmiddlewaretoken": token, "website": "", **fields})
    headers = {
        "Cookie": cookie,
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": "http://localhost",
        "Referer": f"http://localhost{post.get_absolute_url()}",
    }
    path = f"/comments/post/{post.pk}/"
    answers = spread(
        server,
        lambda n: ("POST", f"{path}?{marker}={n}", {"headers": headers, "body": body}),
        marker,
        POSTS,
    )
    return [status for status, _, _ in answers]


def test_a_reserved_name_is_refused_by_every_worker_at_once(site):
    server, _root = site
    post, _comment = discussed_post()
    name = f"Ada Lovelace {uuid.uuid4().hex[:4]}"
    before = post_comments(server, post, "before", author_name=name, body="Before the list.")
    assert set(before) == {302}  # every worker has read the list without the name
    ReservedName.objects.create(name=name, note="A former author")
    after = post_comments(server, post, "reserved", author_name=name, body="After the list.")
    assert after.count(302) == 0, f"{after.count(302)} of {len(after)} posted as {name!r}"
    assert not Comment.objects.filter(post=post, body="After the list.").exists()


def test_a_new_blocked_term_applies_on_every_worker_at_once(site):
    server, _root = site
    post, _comment = discussed_post()
    before = post_comments(server, post, "before", body="Try the miracle cure today.")
    assert set(before) == {302}
    assert not Comment.objects.filter(post=post, status="spam").exists()
    BlockedTerm.objects.create(value="miracle cure", outcome=BlockedTerm.Outcome.SPAM)
    after = post_comments(server, post, "blocked", body="Buy the miracle cure now.")
    assert set(after) == {302}  # a spammer is not told
    statuses = list(
        Comment.objects.filter(post=post, body="Buy the miracle cure now.").values_list(
            "status", flat=True
        )
    )
    assert len(statuses) == len(after)
    assert set(statuses) == {"spam"}, f"{statuses.count('spam')} of {len(after)} filed as spam"
