"""The machine's services and programs that some tests use as "a real server": they skip
only where one is truly absent, and never under CI=true (``.ci/run`` provides every one
and sets it), where absence fails the test instead."""

import os
import shutil
import socket
from pathlib import Path
from typing import NoReturn

import pytest

REDIS = ("127.0.0.1", 6379)
# Data from public projects, next to the repository and never copied into it.
TESTDATA = Path(__file__).resolve().parents[1].parent / "shared" / "testdata"


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


@pytest.fixture
def _nginx() -> None:
    if shutil.which("nginx") is None and not os.path.exists("/usr/sbin/nginx"):
        absent("nginx is not installed (apt-get install nginx)")


# For a module's pytestmark: its tests run Debian's nginx.
needs_nginx = pytest.mark.usefixtures("_nginx")


def needs_shared(*paths: Path) -> pytest.MarkDecorator:
    """For tests that read ``paths`` of ../shared/testdata: skipped where it is not next to
    the repository; under CI=true its absence stops the run at collection."""
    missing = [path for path in paths if not path.exists()]
    if missing and os.environ.get("CI"):
        raise pytest.UsageError(f"CI=true but {missing[0]} is missing (../shared/testdata)")
    reason = f"{missing[0]} is not next to the repository" if missing else ""
    return pytest.mark.skipif(bool(missing), reason=reason)
