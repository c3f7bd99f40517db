"""Settings shared by every environment; values that differ come from the environment."""

from pathlib import Path

import environ

from config.cache import with_reused_clients
from config.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# "production" turns the refusals of config/checks.py on; dev.py and test.py say theirs.
COLLOQUY_ENVIRONMENT = "base"
# seed_demo creates accounts with a published password: development and tests only.
DEMO_ACCOUNTS_ALLOWED = False

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "mptt",
    "taggit",
    "axes",
    "core",
    "blog",
    "comments",
    "moderation",
    "porting",
    # System checks, the database cache table after migrate, the error tracker.
    "config.apps.ColloquyConfig",
]

MIDDLEWARE = [
    # /healthz and /readyz: before host checks, HTTPS redirects and sessions.
    "config.health.HealthMiddleware",
    "config.proxy.ForwardedForMiddleware",
    # After the proxy's address is in place: every log line says who and which request.
    "config.logging.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The CSP and frame protection, on every response (the early ones below included).
    "core.headers.SecurityHeadersMiddleware",
    # Before sessions, auth and CSRF: an anonymous reader's cached post page (or its 304).
    "core.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, which is the first to read the form: oversized or unreadable bodies
    # get a page that says why instead of a bare 400.
    "config.middleware.UnreadableRequestMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A database that does not answer: the site's 503 page (the form's text kept), not a 500.
    "config.outage.DatabaseOutageMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins while locked out
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (config/login_throttle.py): after AXES_FAILURE_LIMIT failures for one
# username from one address, that pair is refused for AXES_COOLOFF_MINUTES; an address is
# refused for any username once it has AXES_ADDRESS_FAILURE_LIMIT failures within
# AXES_ADDRESS_WINDOW_HOURS. A username alone is never locked: nobody locks staff out.
AXES_HANDLER = "config.login_throttle.PairThenAddressHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.int("AXES_COOLOFF_MINUTES", default=15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # what the address count reads
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20)
AXES_ADDRESS_WINDOW_HOURS = env.int("AXES_ADDRESS_WINDOW_HOURS", default=24)
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429  # axes's own default, named where the lockout page reads it
AXES_LOCKOUT_CALLABLE = "config.login_throttle.lockout_response"  # the page, with its wait
AXES_RESET_ON_SUCCESS = True

# How many proxies (load balancers) in front append to X-Forwarded-For; 0: none, the
# header is ignored and REMOTE_ADDR is the reader.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A Redis URL gets config.cache.RedisCache: Django's backend with one client per pool.
CACHES = {"default": with_reused_clients(env.cache("CACHE_URL", default="locmemcache://colloquy"))}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env("LANGUAGE_CODE", default="en-gb")
# Only English text is shipped: one language, so a reader asking for German gets the page
# labelled as what it is (lang="en-gb"), and the page cache keeps one copy of a page, not
# one per language asked for. LANGUAGE_CODE picks the English variant (dates, numbers).
LANGUAGES = [(LANGUAGE_CODE, "English")]
TIME_ZONE = env("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Where collectstatic gathers the static files whitenoise serves in production.
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# EMAIL_URL holds the backend, host, port, user, password and TLS/SSL choice in one URL.
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
EMAIL_HOST = EMAIL_CONFIG["EMAIL_HOST"] or "localhost"
EMAIL_PORT = EMAIL_CONFIG["EMAIL_PORT"] or 25
EMAIL_HOST_USER = EMAIL_CONFIG["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = EMAIL_CONFIG["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = EMAIL_CONFIG.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = EMAIL_CONFIG.get("EMAIL_USE_SSL", False)
EMAIL_FILE_PATH = EMAIL_CONFIG["EMAIL_FILE_PATH"] or None
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Colloquy <noreply@localhost>")
# Seconds to wait on the mail server before giving up (Django waits forever by default).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# The outbox (core/outbox.py): mail is queued in the request's transaction and sent by
# `manage.py worker`, which retries a failed mail after OUTBOX_RETRY_SECONDS, doubling up
# to OUTBOX_RETRY_MAX_SECONDS, and gives up (listed in the admin's outbox) after
# OUTBOX_MAX_ATTEMPTS. Sent mail is forgotten after OUTBOX_KEEP_SENT_DAYS.
OUTBOX_RETRY_SECONDS = env.int("OUTBOX_RETRY_SECONDS", default=30)
OUTBOX_RETRY_MAX_SECONDS = env.int("OUTBOX_RETRY_MAX_SECONDS", default=3600)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=12)
OUTBOX_BATCH = env.int("OUTBOX_BATCH", default=200)  # mails sent per round at most
OUTBOX_SMTP_TIMEOUT = env.float("OUTBOX_SMTP_TIMEOUT", default=20.0)
OUTBOX_KEEP_SENT_DAYS = env.int("OUTBOX_KEEP_SENT_DAYS", default=30)
WORKER_MAIL_SECONDS = env.float("WORKER_MAIL_SECONDS", default=5.0)  # how often it looks

SITE_NAME = env("SITE_NAME", default="Colloquy")
# Absolute links in mail (notifications, unsubscribe) start with this.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
SITE_TAGLINE = env("SITE_TAGLINE", default="Research, discussed in the open")
# URLs per sitemap page; /sitemap.xml is the index of the pages (the protocol allows 50,000).
SITEMAP_PAGE_SIZE = env.int("SITEMAP_PAGE_SIZE", default=10_000)

TAGGIT_CASE_INSENSITIVE = True

# Content-Security-Policy: every script and style is a static file of ours.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A form sent without a valid token: the comment form comes back with the text in it.
CSRF_FAILURE_VIEW = "config.csrf.csrf_failure"
SESSION_COOKIE_HTTPONLY = True

LOGIN_URL = "admin:login"
# The site's own sign-in link carries ?next=<the page>; these are for when it does not.
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Posts per page on lists.
POSTS_PER_PAGE = 10
# Anonymous readers' post pages are served from the shared cache for up to this long
# (every comment change retires them at once); 0 turns the page cache off.
POST_PAGE_CACHE_SECONDS = env.int("POST_PAGE_CACHE_SECONDS", default=300)
# Anonymous readers' pages say Cache-Control: public: a CDN or proxy may serve one this
# many seconds without asking (an approved comment shows after at most that), then
# stale for this many more while it revalidates with the ETag.
PAGE_CACHE_S_MAXAGE = env.int("PAGE_CACHE_S_MAXAGE", default=5)
PAGE_CACHE_STALE_WHILE_REVALIDATE = env.int("PAGE_CACHE_STALE_WHILE_REVALIDATE", default=30)
# Cached post pages are kept this long past their lifetime and their version: while the
# database does not answer, readers get the last good copy instead of an error page.
PAGE_CACHE_STALE_IF_ERROR = env.int("PAGE_CACHE_STALE_IF_ERROR", default=24 * 3600)
# With a Redis cache, each web process keeps copies of cached post pages (up to this many
# bytes; 0 turns them off), used only at the post's current version in Redis (one small
# read), so a change on any node retires them at once (core/localpages.py); kept
# PAGE_CACHE_LOCAL_SECONDS at the most.
PAGE_CACHE_LOCAL_BYTES = env.int("PAGE_CACHE_LOCAL_BYTES", default=64 * 2**20)
PAGE_CACHE_LOCAL_SECONDS = env.int("PAGE_CACHE_LOCAL_SECONDS", default=60)
# Post views are added up in each web process and written every this many views (or
# seconds), not on every page view; 1 writes each view at once.
VIEW_COUNT_FLUSH_EVERY = env.int("VIEW_COUNT_FLUSH_EVERY", default=25)
VIEW_COUNT_FLUSH_SECONDS = 10

# Comments. The policy decides a new comment's status (and may refuse it): the one piece a
# site may swap. The rest of moderation registers itself (moderation/apps.py).
COMMENTS_POLICY = env("COMMENTS_POLICY", default="moderation.policy.assess")
COMMENTS_MAX_DEPTH = env.int("COMMENTS_MAX_DEPTH", default=4)  # deeper replies attach higher
COMMENTS_MAX_VISUAL_DEPTH = 3  # indentation stops here; "in reply to" takes over
COMMENTS_THREADS_PER_PAGE = env.int("COMMENTS_THREADS_PER_PAGE", default=25)
# A reader's own comments (held, or refused with a reason only they see) are listed in a
# signed cookie of this name for this long; pages for them are never shared or cached.
COMMENTS_OWN_COOKIE_NAME = "comments_mine"
COMMENTS_OWN_COOKIE_AGE = 14 * 24 * 3600
# The same text from the same writer on one post within this is a repeat (comments.once).
COMMENTS_REPEAT_WINDOW_MINUTES = env.int("COMMENTS_REPEAT_WINDOW_MINUTES", default=30)
COMMENTS_ORDER = env("COMMENTS_ORDER", default="oldest")  # or "newest": top-level threads
# purge_comment_addresses blanks address hashes and user agents older than this.
COMMENTS_ADDRESS_RETENTION_DAYS = env.int("COMMENTS_ADDRESS_RETENTION_DAYS", default=90)
# A confirmation link mailed to a reader's address works this long, and no second one is
# mailed to that address while the first is pending.
COMMENTS_EMAIL_CONFIRMATION_HOURS = env.int("COMMENTS_EMAIL_CONFIRMATION_HOURS", default=48)
# Confirmation links mailed at the request of one client address in an hour, to anyone.
COMMENTS_CONFIRMATION_MAILS_PER_SENDER_HOUR = env.int(
    "COMMENTS_CONFIRMATION_MAILS_PER_SENDER_HOUR", default=5
)

# The learned spam filter (moderation/spam/, docs/spam-filter.md): off until moderators
# have decided at least this many comments each way and a trained model earns its use.
SPAM_FILTER_MIN_EACH = env.int("SPAM_FILTER_MIN_EACH", default=50)
# No longer read: every assessment asks the database which model is in use (one query).
SPAM_MODEL_CHECK_SECONDS = env.float("SPAM_MODEL_CHECK_SECONDS", default=5.0)
# A model is put to use only if, cross-validated, it holds at least this share of spam at
# its hold threshold (and files at most 1% of legitimate comments at its spam threshold).
SPAM_FILTER_MIN_HOLD_RECALL = env.float("SPAM_FILTER_MIN_HOLD_RECALL", default=0.5)
# retrain_spam_filter (cron) and the worker retrain after this many new decisions.
SPAM_RETRAIN_AFTER = env.int("SPAM_RETRAIN_AFTER", default=100)
# The drift guard: over the model's last SPAM_DRIFT_WINDOW scored comments of the last
# day (at least SPAM_DRIFT_MIN_COMMENTS), filing more than min(expected x FACTOR,
# expected + MARGIN) pauses filing to spam (held instead) and mails the moderators.
SPAM_DRIFT_WINDOW = env.int("SPAM_DRIFT_WINDOW", default=200)
SPAM_DRIFT_MIN_COMMENTS = env.int("SPAM_DRIFT_MIN_COMMENTS", default=20)
SPAM_DRIFT_FACTOR = env.float("SPAM_DRIFT_FACTOR", default=3.0)
SPAM_DRIFT_MARGIN = env.float("SPAM_DRIFT_MARGIN", default=0.25)

# One log format everywhere (config/logging.py); production adds mail to ADMINS.
LOGGING = logging_config(level=env("LOG_LEVEL", default="INFO"))
