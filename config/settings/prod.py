"""Production: everything secret or site-specific comes from the environment.

What would make the site run wrong is refused, not defaulted: no SECRET_KEY stops the
settings loading; mail to the console, no SITE_URL or a per-process cache shared by
several workers are errors of the system checks in ``config/checks.py``, which every
management command and the WSGI application (``config/wsgi.py``) run before serving.
docs/production-settings.md lists every variable.
"""

from django.core.exceptions import ImproperlyConfigured

from config.logging import admins_from, logging_config

from .base import *  # noqa: F403
from .base import CACHES, env, with_reused_clients

COLLOQUY_ENVIRONMENT = "production"

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment for production.")

# No default: mailed links must carry the site's real address (colloquy.E002).
SITE_URL = env("SITE_URL", default="")

# Unset, the cache every web process shares is a table in PostgreSQL (created by migrate):
# a moderation decision retires cached pages in every worker of every node at once.
# CACHE_URL=redis://... for Redis; a per-process cache (locmemcache://) is refused unless
# WEB_CONCURRENCY=1 (colloquy.E003).
CACHES = {  # noqa: F811
    "default": with_reused_clients(env.cache("CACHE_URL", default="dbcache://colloquy_cache"))
}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 50_000)
# A database host that stops answering fails a request (and /readyz) in seconds, not
# minutes; DATABASE_URL's own ?connect_timeout= wins.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)  # noqa: F405
# Gunicorn reads the same variable for its worker count.
WEB_CONCURRENCY = env.int("WEB_CONCURRENCY", default=None)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Health probes come over plain HTTP from the container or the proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True

# Who hears of server errors by mail: "Name <address>" or addresses, comma-separated.
ADMINS = admins_from(env.list("ADMINS", default=[]))
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)  # noqa: F405
# An optional error tracker (Sentry or any service speaking its protocol).
ERROR_TRACKER_DSN = env("ERROR_TRACKER_DSN", default="")

LOGGING = logging_config(level=env("LOG_LEVEL", default="INFO"), mail_admins=True)
