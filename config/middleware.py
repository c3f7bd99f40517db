"""Response headers Django does not set by itself."""

from django.conf import settings


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy (and keeps Django's own headers) on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The admin's widgets use inline scripts and styles; it is staff-only, behind login.
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response
