"""Copies of cached post pages kept in the web process, so that a page-cache hit (or a
304) needs no transfer of the page from the shared cache.

A copy is used only while its post's version in the shared cache is still the one it was
rendered at: ``pagecache`` reads that small key (one round trip, a few bytes) and passes it
to ``get``, so a copy never outlives a change made on any worker of any node, however late
a message arrives. ``pagecache.bump`` also publishes the post's id, and before using a
copy a process reads, without waiting, the messages that have arrived
(``config.cache.Subscription``): that frees a changed post's copies early. When the
subscription is new or broken, every copy is dropped. A copy also lapses when the page
would have lapsed in the shared cache, and after PAGE_CACHE_LOCAL_SECONDS at the most.

Only with a shared cache that can publish (``config.cache.RedisCache``); a cache kept in
the process (locmem) has nothing to copy. PAGE_CACHE_LOCAL_BYTES bounds the copies' size
per process; 0 turns them off.
"""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches

from config.cache import RedisCache, Subscription

CHANNEL = "colloquy:post-changed"


@dataclass(frozen=True, slots=True)
class Copy:
    version: object  # the post's version in the shared cache it was rendered at
    tag: str
    body: bytes
    lapses: float  # time.monotonic()


class LocalPages:
    def __init__(self, subscription: Subscription, *, max_bytes: int, max_seconds: float) -> None:
        self._subscription = subscription
        self._max_bytes = max_bytes
        self._max_seconds = max_seconds
        self._posts: OrderedDict[int, dict[tuple[int, str], Copy]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        subscription.pending()  # subscribe now: copies put from here on are heard of

    def get(self, post_id: int, page: int, language: str, *, version: object) -> Copy | None:
        """The copy, if it was rendered at ``version`` (the post's current one) and has
        not lapsed."""
        self._catch_up()
        with self._lock:
            found = self._posts.get(post_id, {}).get((page, language))
            if found is None:
                return None
            if found.version != version or found.lapses <= time.monotonic():
                self._drop(post_id)
                return None
            self._posts.move_to_end(post_id)
            return found

    def put(
        self, post_id: int, page: int, language: str, *, version: object, tag: str,
        body: bytes, seconds: float,
    ) -> None:  # fmt: skip
        if seconds <= 0 or len(body) > self._max_bytes // 4:
            return
        copy = Copy(version, tag, body, time.monotonic() + min(seconds, self._max_seconds))
        with self._lock:
            copies = self._posts.setdefault(post_id, {})
            if (old := copies.get((page, language))) is not None:
                self._bytes -= len(old.body)
            copies[(page, language)] = copy
            self._bytes += len(body)
            self._posts.move_to_end(post_id)
            while self._bytes > self._max_bytes:
                self._drop(next(iter(self._posts)))

    def forget(self, post_id: int) -> None:
        with self._lock:
            self._drop(post_id)

    def _drop(self, post_id: int) -> None:
        for copy in self._posts.pop(post_id, {}).values():
            self._bytes -= len(copy.body)

    def _catch_up(self) -> None:
        messages = self._subscription.pending()
        if messages is None:  # new or broken: whatever changed meanwhile went unheard
            with self._lock:
                self._posts.clear()
                self._bytes = 0
            return
        for message in messages:
            self.forget(int(message))


_kept: dict[tuple, LocalPages] = {}


def local_pages() -> LocalPages | None:
    """This process's copies for the default cache, or None where there are none to keep."""
    cache = caches["default"]
    if not settings.PAGE_CACHE_LOCAL_BYTES or not isinstance(cache, RedisCache):
        return None
    key = (cache._servers[0], cache.key_prefix, settings.PAGE_CACHE_LOCAL_BYTES)
    found = _kept.get(key)
    if found is None:
        found = _kept[key] = LocalPages(
            cache.subscription(CHANNEL),
            max_bytes=settings.PAGE_CACHE_LOCAL_BYTES,
            max_seconds=settings.PAGE_CACHE_LOCAL_SECONDS,
        )
    return found


def changed(post_id: int) -> None:
    """Tell every process (this one at once) that the post's pages have changed."""
    for here in _kept.values():
        here.forget(post_id)
    cache = caches["default"]
    if hasattr(cache, "publish"):
        cache.publish(CHANNEL, str(post_id))
