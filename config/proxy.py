"""The reader's address when the site runs behind trusted proxies (a load balancer).

Rate limits, login throttling and the comments' address hashes all read REMOTE_ADDR.
Behind TRUSTED_PROXY_COUNT proxies that each append to X-Forwarded-For, the client is the
address that many places from the right; anything further left was sent by the client
and is not trusted. With the default of 0 the header is ignored.
"""

from django.conf import settings


class ForwardedForMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.count = settings.TRUSTED_PROXY_COUNT

    def __call__(self, request):
        if self.count:
            header = request.META.get("HTTP_X_FORWARDED_FOR", "")
            hops = [hop.strip() for hop in header.split(",") if hop.strip()]
            if len(hops) >= self.count:
                request.META["REMOTE_ADDR"] = hops[-self.count]
        return self.get_response(request)
