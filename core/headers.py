"""The response headers Django does not set by itself, set once for every response."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy and X-Frame-Options to every response.

    Near the top of MIDDLEWARE, outside the page cache's early answers and the refusals
    of unreadable requests, so those carry them too: no other code sets these headers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The admin's widgets use inline scripts and styles; it is staff-only, behind login.
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        return response
