"""The machine's services that some tests use as "a real server": skip markers for where
one is truly absent (CI's machine runs them)."""

import socket

import pytest

REDIS = ("127.0.0.1", 6379)


def redis_up() -> bool:
    try:
        socket.create_connection(REDIS, timeout=1).close()
        return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(
    not redis_up(), reason="no Redis on 127.0.0.1:6379 (CI's machine runs one)"
)
