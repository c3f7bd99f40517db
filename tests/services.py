"""The machine's services and programs that some tests use as "a real server": they skip
only where one is truly absent, and never under CI=true (``.ci/run`` provides every one
and sets it), where absence fails the test instead."""

import os
import socket
from typing import NoReturn

import pytest

REDIS = ("127.0.0.1", 6379)


def absent(what: str) -> NoReturn:
    """Skip: ``what`` (the missing service or program, and how to install it) is not on
    this machine. Under CI=true, fail instead."""
    if os.environ.get("CI"):
        pytest.fail(f"CI=true but {what}; .ci/run provides it", pytrace=False)
    pytest.skip(what)


def redis_up() -> bool:
    try:
        socket.create_connection(REDIS, timeout=1).close()
        return True
    except OSError:
        return False


@pytest.fixture
def _redis() -> None:
    if not redis_up():
        absent("no Redis on 127.0.0.1:6379 (apt-get install redis-server)")


# For a module's pytestmark: its tests need Redis.
needs_redis = pytest.mark.usefixtures("_redis")
