"""Health endpoints for the container's HEALTHCHECK, the proxy and an orchestrator.

- ``/healthz`` (``healthz``): the process is alive and answers; touches nothing else.
- ``/readyz`` (``readyz``): the database and the cache answer; 503 naming what does not.

``HealthMiddleware`` answers both first in the stack: a probe over plain HTTP, with the
container's own address as Host, is neither redirected to HTTPS nor refused as an unknown
host, and needs no session. The answers are never cached.
"""

import json
import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

PATHS = {"/healthz": "healthz", "/readyz": "readyz"}


def _answer(status: int, body: dict) -> HttpResponse:
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return _answer(200, {"status": "ok"})


def _database() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        connection.close()  # a broken connection is not reused by the next request
        raise


def _cache() -> None:
    key = f"colloquy:readyz:{uuid.uuid4().hex}"
    cache.set(key, 1, 10)
    if cache.get(key) != 1:
        raise RuntimeError("the cache did not return what was stored")
    cache.delete(key)


@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    checks = {}
    for name, check in (("database", _database), ("cache", _cache)):
        try:
            check()
            checks[name] = "ok"
        except Exception as error:
            logger.warning("readyz: the %s does not answer: %s", name, error)
            checks[name] = f"failing: {type(error).__name__}"
    ready = all(result == "ok" for result in checks.values())
    return _answer(200 if ready else 503, {"status": "ok" if ready else "unavailable", **checks})


VIEWS = {"healthz": healthz, "readyz": readyz}


class HealthMiddleware:
    """Answers /healthz and /readyz before host checks, HTTPS redirects and sessions."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = PATHS.get(request.path_info)
        if name is not None and request.method in ("GET", "HEAD"):
            return VIEWS[name](request)
        return self.get_response(request)
