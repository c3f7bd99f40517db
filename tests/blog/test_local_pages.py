"""With Redis as the shared cache, each web process keeps copies of cached post pages: a
hit or a 304 costs one small read (the post's version) and no page transfer, and a change
on any node retires every copy at once, whether or not its message has arrived."""

import uuid
from unittest import mock

import pytest
import redis
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from comments.services import comment_create_as_is
from core import localpages, pagecache
from moderation.services import comment_approve
from tests.factories import PostFactory
from tests.services import needs_redis

UA = {"HTTP_USER_AGENT": "Mozilla/5.0"}


pytestmark = needs_redis


@pytest.fixture
def shared_cache(settings):
    prefix = f"colloquy-test-local-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": prefix,
        }
    }
    settings.POST_PAGE_CACHE_SECONDS = 300
    localpages._kept.clear()
    yield caches["default"]
    caches["default"].clear()
    localpages._kept.clear()


class RedisCommands:
    """Counts the commands this process sends to Redis (pub/sub reads are not commands)."""

    def __init__(self):
        self.sent: list[tuple] = []
        original = redis.Redis.execute_command

        def counting(client, *args, **options):
            self.sent.append(args)
            return original(client, *args, **options)

        self._patch = mock.patch.object(redis.Redis, "execute_command", counting)

    def __enter__(self):
        self._patch.start()
        return self

    def __exit__(self, *exc):
        self._patch.stop()


def read(url, **headers):
    return Client().get(url, **UA, **headers)


def held_comment(post, body: str) -> Comment:
    return comment_create_as_is(
        post=post, parent=None, body=body, status="pending",
        submitted_at=post.published_at, source="test",
    )  # fmt: skip


def approve_elsewhere(comment: Comment) -> None:
    """What another node does when a moderator approves there: the row changes, the post's
    version moves on in Redis, and the change is published (this process hears it only
    through its subscription: its own copies are not touched directly)."""
    kept = dict(localpages._kept)
    localpages._kept.clear()  # another process has none of ours
    comment_approve(comment=comment, actor=comment.post.author)
    localpages._kept.update(kept)


@pytest.mark.django_db(transaction=True)
def test_a_warm_hit_and_a_304_read_only_the_version_from_redis_and_nothing_from_postgres(
    shared_cache,
):
    post = PostFactory(title="Kept in the process")
    first = read(post.get_absolute_url())
    assert first.status_code == 200
    tag = first.headers["ETag"]
    with RedisCommands() as commands, CaptureQueriesContext(connection) as queries:
        again = read(post.get_absolute_url())
        revalidated = read(post.get_absolute_url(), HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 200 and again.content == first.content
    assert again.headers["ETag"] == tag
    assert revalidated.status_code == 304
    version_key = shared_cache.make_key(pagecache._version_key(post.pk))
    assert commands.sent == [("GET", version_key), ("GET", version_key)]
    assert [q["sql"] for q in queries.captured_queries if "dailyviews" not in q["sql"]] == []


@pytest.mark.django_db(transaction=True)
def test_an_approval_on_another_node_drops_the_copy_before_the_next_reader(shared_cache):
    post = PostFactory(title="Discussed")
    held = held_comment(post, "Held on node one.")
    before = read(post.get_absolute_url())
    assert "Held on node one." not in before.content.decode()
    assert read(post.get_absolute_url()).content == before.content  # the copy

    approve_elsewhere(held)

    after = read(post.get_absolute_url())
    assert "Held on node one." in after.content.decode()
    old_tag = before.headers["ETag"]
    assert read(post.get_absolute_url(), HTTP_IF_NONE_MATCH=old_tag).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_broken_subscription_drops_every_copy(shared_cache):
    post = PostFactory(title="Heard nothing")
    held = held_comment(post, "Approved while deaf.")
    read(post.get_absolute_url())
    read(post.get_absolute_url())
    # The subscription's connection dies, and the approval's message is lost with it.
    subscription = shared_cache.subscription(localpages.CHANNEL)
    subscription._pubsub.connection.disconnect()
    with mock.patch.object(shared_cache, "publish"):
        approve_elsewhere(held)
    assert "Approved while deaf." in read(post.get_absolute_url()).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_copy_whose_message_never_arrived_is_not_served(shared_cache):
    # The message is late (or lost with no sign on the subscription): the version read
    # before each use still retires the copy, and the old ETag gets no 304.
    post = PostFactory(title="Slow news")
    held = held_comment(post, "Approved, message late.")
    before = read(post.get_absolute_url())
    assert read(post.get_absolute_url()).content == before.content  # the copy
    with mock.patch.object(shared_cache, "publish"):
        approve_elsewhere(held)
    assert "Approved, message late." in read(post.get_absolute_url()).content.decode()
    old_tag = before.headers["ETag"]
    assert read(post.get_absolute_url(), HTTP_IF_NONE_MATCH=old_tag).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_copy_lapses_when_the_cached_page_would(shared_cache, settings):
    post = PostFactory(title="Short-lived")
    read(post.get_absolute_url())
    local = localpages.local_pages()
    version = pagecache.version(post.pk)
    assert local.get(post.pk, 1, "en-gb", version=version) is not None
    with mock.patch("core.localpages.time.monotonic", return_value=10**12):
        assert local.get(post.pk, 1, "en-gb", version=version) is None


class Deaf:
    def pending(self):
        return []


def test_copies_stay_within_their_bytes_dropping_the_least_recently_read_post():
    local = localpages.LocalPages(Deaf(), max_bytes=4000, max_seconds=60)
    for post_id in (1, 2, 3, 4):
        local.put(post_id, 1, "en", version=1, tag=f'"{post_id}"', body=b"x" * 1000, seconds=60)
    assert local.get(1, 1, "en", version=1) is not None  # read: now the most recent
    local.put(5, 1, "en", version=1, tag='"5"', body=b"x" * 1000, seconds=60)
    assert local.get(2, 1, "en", version=1) is None  # the least recently read went
    assert [local.get(n, 1, "en", version=1) is not None for n in (1, 3, 4, 5)] == [True] * 4
    local.put(6, 1, "en", version=1, tag='"6"', body=b"x" * 1001, seconds=60)  # over a quarter
    assert local.get(6, 1, "en", version=1) is None
    assert local.get(5, 1, "en", version=2) is None  # the post has moved on: gone


def test_without_a_shared_cache_no_copies_are_kept(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert localpages.local_pages() is None
    pagecache.bump(1)  # and a change still retires the page
