"""gunicorn's settings wherever Colloquy is served by it: the image, compose, deploy/local-stack.

gunicorn reads ./gunicorn.conf.py by itself; options given on its command line win. Every
value here can be changed from the environment, as compose and the local stack do:

- WEB_CONCURRENCY: worker processes (2). More than one needs a shared cache (CACHE_URL).
- GUNICORN_TIMEOUT: seconds a request may take before its worker is replaced (30).
- GUNICORN_GRACEFUL_TIMEOUT: seconds a stopping worker gets to finish its requests (25).
  Docker's stop_grace_period must be longer, or requests are cut off mid-answer
  (tests/deploy/test_compose.py checks it).
- FORWARDED_ALLOW_IPS: the proxies whose X-Forwarded-Proto is believed (loopback).
- TRUSTED_PROXY_COUNT: how many proxies append to X-Forwarded-For (as for the app): the
  access log shows the reader's address, not the proxy's.
- GUNICORN_ACCESS_LOG: "-" (standard output), a file, or "off". On by default under
  production settings only: a server started by a test keeps its output in a pipe nobody
  reads, and an access line per request would fill it.

Each worker asks glibc's malloc to give large blocks back when they are freed
(``post_fork``): a page's HTML is built in strings of hundreds of KiB, and by default
malloc keeps them for reuse after the first, so a worker's memory crept up with each big
page it rendered (about 2 MiB of a worker's 80 after the 5,000-comment page, ``make bench``).

Log lines have the app's format (config/logging.py): UTC time, level, logger, the request id
(the app's X-Request-ID answer) and the reader's address, then the message.
"""

import ctypes
import ctypes.util
import logging
import os
import time

from gunicorn.glogging import Logger

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "25"))
keepalive = 5
# The workers' heartbeat files on a memory filesystem, not a container's overlay.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

_settings = os.environ.get("DJANGO_SETTINGS_MODULE", "")
_access = os.environ.get("GUNICORN_ACCESS_LOG", "-" if _settings.endswith(".prod") else "off")
accesslog = None if _access == "off" else _access
access_log_format = (
    'request_id=%({x-request-id}o)s client=%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s"'
)

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))


def reader_address(environ: dict, trusted_proxies: int) -> str:
    """The address that many places from the right of X-Forwarded-For (config/proxy.py's
    rule); the connection's own address when there are no trusted proxies."""
    address = environ.get("REMOTE_ADDR", "-")
    if trusted_proxies:
        header = environ.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in header.split(",") if hop.strip()]
        if len(hops) >= trusted_proxies:
            address = hops[-trusted_proxies]
    return address


class UTCFormatter(logging.Formatter):
    converter = time.gmtime

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(record.created))
        return f"{stamp}.{int(record.msecs):03d}Z"


class ColloquyLogger(Logger):
    """gunicorn's logger in the app's line format, with the reader's address."""

    def _set_handler(
        self, log: logging.Logger, output: str | None, fmt: logging.Formatter, stream=None
    ) -> None:
        # The access line carries its own request id and client; gunicorn's own lines none.
        line = (
            FORMAT
            if log is self.access_log
            else FORMAT.replace("%(message)s", "request_id=- client=- %(message)s")
        )
        super()._set_handler(log, output, UTCFormatter(line), stream)

    def atoms(self, resp, req, environ: dict, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["h"] = reader_address(environ, TRUSTED_PROXY_COUNT)
        return atoms


logger_class = ColloquyLogger


# glibc's mallopt() parameters (malloc.h): blocks from 64 KiB up get their own mapping,
# returned when freed, and free memory at the heap's top goes back above 128 KiB. Fixing
# them turns off malloc's habit of raising the first after a big block is freed.
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
MMAP_FROM, TRIM_FROM = 64 * 1024, 128 * 1024


def return_large_blocks() -> bool:
    """Ask glibc's malloc to return large freed blocks to the system; False (and nothing
    changed) on a C library without ``mallopt``, such as musl's."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError, TypeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return mallopt(M_MMAP_THRESHOLD, MMAP_FROM) == 1 and mallopt(M_TRIM_THRESHOLD, TRIM_FROM) == 1


def post_fork(server, worker) -> None:
    return_large_blocks()
