"""One log format for every line the site writes, and the request id that ties them up.

    2026-12-07T01:30:00.123Z ERROR django.request request_id=5f0c… client=203.0.113.9 …

``RequestIdMiddleware`` takes the proxy's ``X-Request-ID`` (when it looks like one) or
makes one, sends it back in the response and keeps it, with the request, for the log
records written while the request runs; ``RequestContextFilter`` adds both to each record.
The reader's address is REMOTE_ADDR after ``config.proxy`` has put the forwarded client
there. ``DisallowedHost`` (every scanner that guesses a host name) is one line, never a
traceback, and is not mailed. Errors go to ADMINS by mail (production) and to the
optional error tracker (``config.tracker``).
"""

import contextvars
import logging
import re
import time
import uuid
from email.utils import parseaddr
from typing import cast

from django.http import HttpRequest, HttpResponse

_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "colloquy_request", default=None
)
# What a proxy may hand us as a request id: no spaces or quotes that could forge a log line.
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:@+=/-]{1,128}$")
HEADER = "X-Request-ID"


def request_id_of(request: HttpRequest) -> str:
    given = request.headers.get(HEADER, "")
    return given if REQUEST_ID.match(given) else uuid.uuid4().hex


class IdentifiedRequest(HttpRequest):
    """A request as RequestIdMiddleware leaves it (a type only: requests stay HttpRequest)."""

    request_id: str


class RequestIdMiddleware:
    """Gives each request an id (the proxy's, or a new one) and returns it in X-Request-ID."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, http_request: HttpRequest) -> HttpResponse:
        request = cast(IdentifiedRequest, http_request)  # it gets its id here
        request.request_id = request_id_of(request)
        token = _request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        response.headers[HEADER] = request.request_id
        return response


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` and ``client`` (the reader's address) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = _request.get() or getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", "-") if request is not None else "-"
        client = request.META.get("REMOTE_ADDR") if isinstance(request, HttpRequest) else None
        record.client = client or "-"
        return True


class OneLineFilter(logging.Filter):
    """Drops the traceback: for refusals that say all there is in their message."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        record.msg = " ".join(str(record.msg).split())
        return True


class UTCFormatter(logging.Formatter):
    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        return f"{stamp}.{int(record.msecs):03d}Z"


FORMAT = (
    "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s client=%(client)s %(message)s"
)


def logging_config(*, level: str = "INFO", mail_admins: bool = False) -> dict:
    """Django's LOGGING: every logger through one console handler in FORMAT."""
    handlers = ["console", "mail_admins"] if mail_admins else ["console"]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "context": {"()": RequestContextFilter},
            "one_line": {"()": OneLineFilter},
            "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        },
        "formatters": {"line": {"()": UTCFormatter, "format": FORMAT}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "line",
                "filters": ["context"],
            },
            "console_one_line": {
                "class": "logging.StreamHandler",
                "formatter": "line",
                "filters": ["context", "one_line"],
            },
            "mail_admins": {
                "class": "django.utils.log.AdminEmailHandler",
                "level": "ERROR",
                "filters": ["require_debug_false"],
            },
        },
        "root": {"handlers": handlers, "level": level},
        "loggers": {
            # Django's own handlers replaced by the root's: one format, one stream.
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.server": {"handlers": [], "level": level, "propagate": True},
            "axes": {"handlers": [], "level": "WARNING", "propagate": True},  # its banner
            "django.security.DisallowedHost": {
                "handlers": ["console_one_line"],
                "level": "ERROR",
                "propagate": False,
            },
        },
    }


def admins_from(entries: list[str]) -> list[tuple[str, str]]:
    """ADMINS from "Name <address>" or bare addresses."""
    admins = []
    for entry in entries:
        name, address = parseaddr(entry)
        if "@" not in address:
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured(f"ADMINS: {entry!r} is not an e-mail address.")
        admins.append((name or address, address))
    return admins
