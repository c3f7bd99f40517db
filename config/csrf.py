"""Forged cross-site requests: the comment form's same-origin check, and what a reader sees
when a form arrives without a valid CSRF token (CSRF_FAILURE_VIEW).

The comment form is checked as Go's ``http.CrossOriginProtection`` checks a request
(``same_origin_or_token``): a browser says where a POST comes from with Fetch Metadata
(``Sec-Fetch-Site``) or, older ones, with ``Origin``. A POST from this site's own pages
needs no token, so a reader's first comment from the shared, token-less cached post page
goes through even with JavaScript off; a POST known to come from another site is refused
outright, with nothing of its text, no token and no cookie, so there is nothing for a
reader to be tricked into sending again. Only when a request carries neither header
(an old browser, a script) does Django's CSRF token decide.

The token's cookie can be gone for innocent reasons: a tab left open for days, cleared
cookies, a privacy extension. A view that can do better for its own form names a handler
in its ``csrf_failure`` attribute (the comment form gives the text back in a fresh form);
every other form gets a page in the site's style that says what happened and what to do.
Either way nothing the request asked for is done. A failure that says the request came
from elsewhere (a foreign ``Origin`` or ``Referer``) never reaches such a handler.
"""

import enum
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Django's reasons that say the request came from another origin, not that a token lapsed.
CROSS_SITE_REASONS = ("Origin checking failed", "Referer checking failed")


class Origin(enum.Enum):
    SAME = "same"
    CROSS = "cross"
    UNKNOWN = "unknown"


def origin_of(request: HttpRequest) -> Origin:
    """Where the browser says the request comes from (Go's CrossOriginProtection rules:
    a trusted origin first, then Fetch Metadata, then Origin)."""
    origin = request.headers.get("Origin")
    if origin is not None and origin in settings.CSRF_TRUSTED_ORIGINS:
        return Origin.SAME
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        # "none": the user's own doing (address bar, bookmark). "same-site" is a sibling
        # host, which may be someone else's: refused, as Go refuses it.
        same = fetch_site.strip().lower() in ("same-origin", "none")
        return Origin.SAME if same else Origin.CROSS
    if origin is None:
        return Origin.UNKNOWN
    try:
        host = request.get_host()
    except DisallowedHost:
        return Origin.CROSS
    if origin == f"{request.scheme}://{host}":
        return Origin.SAME
    return Origin.CROSS  # including "null" (sandboxed frames, data: URLs)


def cross_site_refusal(request: HttpRequest) -> HttpResponse:
    """403 for a form sent from another site: a page of its own (not base.html, whose
    sign-out form would carry a token), echoing nothing the request sent."""
    return render(request, "403_cross_site.html", status=403)


def _no_view(request: HttpRequest) -> HttpResponse:  # CsrfViewMiddleware needs one
    raise AssertionError("not called")


def same_origin_or_token(view: Callable) -> Callable:
    """Guard ``view``'s unsafe requests: same origin passes, cross origin is refused, and
    neither header known falls back to Django's token check (and its CSRF_FAILURE_VIEW)."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in SAFE_METHODS:
            verdict = origin_of(request)
            if verdict is Origin.CROSS:
                return cross_site_refusal(request)
            if verdict is Origin.UNKNOWN:
                checker = CsrfViewMiddleware(_no_view)
                rejected = checker.process_view(request, view, args, kwargs)
                if rejected is not None:
                    return rejected
        return view(request, *args, **kwargs)

    # CsrfViewMiddleware leaves it to the guard above (mypy types no attributes set on a
    # function; Django's own csrf_exempt sets this one the same way).
    guarded.csrf_exempt = True  # type: ignore[attr-defined]
    return guarded


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if reason.startswith(CROSS_SITE_REASONS) or origin_of(request) is Origin.CROSS:
        return cross_site_refusal(request)
    match = getattr(request, "resolver_match", None)
    handler = getattr(match.func, "csrf_failure", None) if match else None
    if match is not None and handler is not None:
        return handler(request, reason, *match.args, **match.kwargs)
    return render(request, "403_csrf.html", {"reason": reason}, status=403)
