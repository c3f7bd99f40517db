"""What a reader or a moderator gets while the database does not answer: a 503 page in the
site's style with ``Retry-After``, never Django's bare 500, and never their words lost.

- A post page is served from the last good copy first (``blog.views.post_detail``); only
  a page that was never cached gets here.
- A form sent while the database is down comes back filled in. A view that can do better
  for its own form names a handler in its ``database_down`` attribute, as views do for
  CSRF failures (``config/csrf.py``); it returns what the page should show (the comment
  form comes back as the comment form, made without a query).
  Every other form (the admin's change forms) comes back as what was sent: its text in
  boxes to copy or change, the rest hidden, and a button that sends it all again.

Nothing here reads the database or the session: the reader is shown as signed out (who
they are is in the database), and any messages wait for the next page.
"""

import logging
import sys

from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger(__name__)

# A connection refused, dropped or timed out (and a cache kept in the database with it).
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
# Never written back into a page, even for the one who sent it.
UNSHOWN = ("csrfmiddlewaretoken",)
SECRET_WORDS = ("password", "token", "secret")


def kept_fields(request: HttpRequest) -> list[dict]:
    """The fields of a sent form, to send again: text a person typed is shown, the rest
    (ids, buttons, formset counters) rides along hidden; passwords are never echoed."""
    fields = []
    for name, values in request.POST.lists():
        if name in UNSHOWN or any(word in name.lower() for word in SECRET_WORDS):
            continue
        for value in values:
            typed = not name.startswith("_") and (
                len(value) > 30 or any(c.isspace() for c in value)
            )
            fields.append({"name": name, "value": value, "shown": typed})
    return fields


def outage_page(request: HttpRequest, context: dict | None = None) -> HttpResponse:
    """templates/503.html, with Retry-After; rendered without the database."""
    request.user = AnonymousUser()  # who they are is in the database
    context = {"messages": [], "retry_after": RETRY_AFTER_SECONDS, **(context or {})}
    if request.method == "POST" and "comment_form" not in context:
        context.setdefault("kept_fields", kept_fields(request))
        context.setdefault("files_lost", bool(request.FILES))
    response = HttpResponse(render_to_string("503.html", context, request), status=503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def answer(request: HttpRequest, error: BaseException) -> HttpResponse:
    # One warning line per request: an outage is not a bug to mail ADMINS about each time
    # (``_has_been_logged`` keeps django.request from logging the 503 as an error too).
    logger.warning("database unavailable for %s %s: %s", request.method, request.path, error)
    match = getattr(request, "resolver_match", None)
    handler = getattr(match.func, "database_down", None) if match else None
    context = (
        handler(request, *match.args, **match.kwargs)
        if match is not None and handler is not None
        else None
    )
    response = outage_page(request, context)
    response._has_been_logged = True  # type: ignore[attr-defined]  # Django's; stubs omit it
    return response


class DatabaseOutageMiddleware:
    """Turns a view's database outage into the 503 page (``answer``)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_DOWN):
            return answer(request, exception)
        return None


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: an outage met outside a view (a middleware's query) is a 503 too."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_DOWN):
        try:
            return answer(request, error)
        except Exception:  # the page itself needed what is down: the plain 500 page
            logger.exception("the 503 page could not be shown")
    return defaults.server_error(request, template_name)
