"""Tests: PostgreSQL (embedded or DATABASE_URL), fast hashing, in-memory mail and cache."""

from .base import *  # noqa: F403
from .base import env, with_reused_clients

SECRET_KEY = "test-only-key"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Local memory, unless a test starts server processes that must share one (two nodes).
CACHES = {"default": with_reused_clients(env.cache("TEST_CACHE_URL", default="locmemcache://"))}
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Serve static files from the app folders, as runserver does; no collectstatic in tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Parallel runs against one server (several developers, or CI's two passes) need their own
# test database: TEST_DATABASE_NAME=test_mine make test.
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default=None)}  # noqa: F405

# Tests see every page freshly rendered unless they test the page cache itself
# (tests/blog/test_page_cache.py turns it on).
POST_PAGE_CACHE_SECONDS = env.int("TEST_POST_PAGE_CACHE_SECONDS", default=0)

# Every view is written at once, so tests can count them straight after a page view.
VIEW_COUNT_FLUSH_EVERY = 1

# The spam filter asks for a newer model on every use, so a test's query count does not
# depend on how long the test took (a site asks at most every 5 seconds).
SPAM_MODEL_CHECK_SECONDS = 0

COLLOQUY_ENVIRONMENT = "test"
DEMO_ACCOUNTS_ALLOWED = True  # tests seed the demo (tests/blog/test_seed_demo.py)
