"""What a reader sees when a form arrives without a valid CSRF token (CSRF_FAILURE_VIEW).

The token's cookie can be gone for innocent reasons: a tab left open for days, cleared
cookies, a privacy extension, a page that was cached before the reader had a cookie. A
view that can do better for its own form names a handler in its ``csrf_failure``
attribute (the comment form gives the text back in a fresh form); every other form gets
a page in the site's style that says what happened and what to do. Either way nothing
the request asked for is done.
"""

from django.shortcuts import render


def csrf_failure(request, reason: str = ""):
    match = getattr(request, "resolver_match", None)
    handler = getattr(match.func, "csrf_failure", None) if match else None
    if handler is not None:
        return handler(request, reason, *match.args, **match.kwargs)
    return render(request, "403_csrf.html", {"reason": reason}, status=403)
