"""Django's Redis cache backend, with one client per pool and a way to hear of changes.

- Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every cache
  operation, and redis-py's constructor fills a table of ~170 response callbacks each
  time: about 0.4 ms of CPU per ``get`` here, nearly a whole trivial request through the
  middleware stack (``bench/profile.py``). A client is thread-safe (each command borrows a
  connection from the pool), so one per pool is kept and reused.
- ``publish`` and ``subscription`` carry small messages between processes and nodes over
  Redis pub/sub. A process reads its messages without waiting (``pending``), so it can
  keep copies of cached values and drop them the moment another node changes them
  (``core/localpages.py``). redis-py's own client-side caching would do this, but it
  needs Redis 7.4 and Debian ships 7.0.
"""

from __future__ import annotations  # redis is imported for the type checker only

import contextlib
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.cache.backends import redis as django_redis

if TYPE_CHECKING:  # as Django's backend, import redis only where a Redis cache is made
    from redis import Redis
    from redis.client import PubSub
    from redis.connection import ConnectionPool


class RedisCacheClient(django_redis.RedisCacheClient):
    # Django's, which its stubs leave out: the client class, and the pool for a read or write.
    _client: Callable[..., Redis]
    _get_connection_pool: Callable[[bool], ConnectionPool]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Redis] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Redis:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))  # pools live as long as this object
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class Subscription:
    """One process's subscription to a channel, read without waiting.

    ``pending()`` returns the messages that arrived since the last call, or ``None`` when
    the subscription is new or was broken: messages may have been missed then, so a
    caller that keeps copies must drop them all. Subscribing waits for Redis to confirm,
    so every read made after ``pending()`` returned is ordered after the subscription.
    """

    def __init__(self, client: Redis, channel: str) -> None:
        self._client = client
        self._channel = channel
        self._pubsub: PubSub | None = None
        self._pid: int | None = None
        self._reconnected = False
        self._lock = threading.Lock()

    def pending(self) -> list[bytes] | None:
        with self._lock:
            try:
                if self._pubsub is None or self._pid != os.getpid():
                    self._subscribe()
                    return None
                messages = []
                while (message := self._pubsub.get_message(timeout=0)) is not None:
                    if message["type"] == "message":
                        messages.append(message["data"])
                if self._reconnected:  # redis-py reconnected on its own: messages were lost
                    raise ConnectionError("the subscription's connection was re-established")
                return messages
            except Exception:  # Redis gone or the connection broken: start again next time
                self._close()
                return None

    def _close(self) -> None:
        if self._pubsub is not None and self._pid == os.getpid():
            with contextlib.suppress(Exception):
                self._pubsub.close()
        self._pubsub = None

    def _subscribe(self) -> None:
        # After a fork the parent's connection must not be shared: open a new one.
        self._pubsub = pubsub = self._client.pubsub()
        pubsub.subscribe(self._channel)
        confirmed = pubsub.get_message(timeout=5)
        if not confirmed or confirmed["type"] != "subscribe":
            raise ConnectionError(f"Redis did not confirm the subscription to {self._channel}")
        self._pid = os.getpid()
        self._reconnected = False
        assert pubsub.connection is not None  # subscribing opened it
        pubsub.connection.register_connect_callback(self._on_reconnect)

    def _on_reconnect(self, connection: object) -> None:
        self._reconnected = True


class RedisCache(django_redis.RedisCache):
    # Django's, which its stubs leave out: the client (a cached property) and the servers.
    _cache: RedisCacheClient
    _servers: list[str]

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
        self._subscriptions: dict[str, Subscription] = {}

    def publish(self, channel: str, message: str) -> None:
        self._cache.get_client(write=True).publish(self.make_key(channel), message)

    def subscription(self, channel: str) -> Subscription:
        found = self._subscriptions.get(channel)
        if found is None:
            client = self._cache.get_client(write=True)
            found = self._subscriptions[channel] = Subscription(client, self.make_key(channel))
        return found


def with_reused_clients(cache: dict) -> dict:
    """A cache setting (from ``env.cache``) with Django's Redis backend swapped for this one.

    django-environ writes a Redis URL's ``?key_prefix=`` and ``?timeout=`` in lower case,
    where Django reads only KEY_PREFIX and TIMEOUT: they are put where Django looks."""
    if cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        cache["BACKEND"] = "config.cache.RedisCache"
    for name in ("key_prefix", "timeout", "version"):
        if name in cache:
            cache[name.upper()] = cache.pop(name)
    return cache
