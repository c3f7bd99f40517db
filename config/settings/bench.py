"""Benchmarks (``make bench``): production's behaviour over plain HTTP on 127.0.0.1.

DEBUG off and the production middleware, but no HTTPS redirect or secure cookies (wrk and
the posting clients speak plain HTTP), a throwaway key, static files served by whitenoise
straight from the finders (no collectstatic), and the trivial view of
``config.urls_bench``. ``bench/run.py`` sets the variables read here.
"""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "bench-only-insecure-key-not-for-deployment"  # noqa: S105
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
ROOT_URLCONF = "config.urls_bench"
SECURE_SSL_REDIRECT = False

DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405

# BENCH_CACHE=redis: the shared Redis a production deployment would use (one cache for
# both workers); otherwise each process has its own local-memory cache.
if env("BENCH_CACHE", default="locmem") == "redis":
    CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": env("BENCH_REDIS_URL", default="redis://127.0.0.1:6379/0"),
            # One run's keys, so concurrent runs (and anyone else's keys) never meet.
            "KEY_PREFIX": env("BENCH_CACHE_PREFIX", default="colloquy-bench"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
STATIC_ROOT = None  # nothing collected
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False  # scan once at start-up, as from STATIC_ROOT in production
# The static files the post pages are compared with (same sizes), written by bench/run.py.
if env("BENCH_STATIC_DIR", default=""):
    STATICFILES_DIRS = [*STATICFILES_DIRS, env("BENCH_STATIC_DIR")]  # noqa: F405

EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

# A failing request shows in gunicorn's log instead of vanishing (DEBUG is off).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
}
