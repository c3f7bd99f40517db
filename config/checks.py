"""Colloquy's own system checks: what ``check --deploy`` should say about this site.

Errors (``colloquy.E…``) are refusals. Under production settings they run with every
management command that checks (``check``, ``migrate``, ``runserver``, ``createsuperuser``…)
and when the WSGI application loads (``refuse_to_start``), so gunicorn never serves with
them. Warnings (``colloquy.W…``) are for ``check --deploy``, which also reports the errors
under settings that are not production's.

- E001 mail goes nowhere: EMAIL_URL is a console, memory, file or dummy backend.
- E002 SITE_URL is unset or not an absolute http(s) address: mailed links would be wrong.
- E003 the cache is per process (local memory or dummy) while several workers serve:
  moderation decisions would not reach the other workers' readers.
- W001 nobody hears of server errors: no ADMINS and no ERROR_TRACKER_DSN.
- W002 SITE_URL is plain http while the site redirects to HTTPS.
- W003 DEFAULT_FROM_EMAIL or SERVER_EMAIL is an address at localhost.
- W004 a file-based cache is shared only by the processes of one machine.
- W005 EMAIL_TIMEOUT is unset or not positive: a stalled mail server would hold a worker.
"""

import os
import sys
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

TAG = "colloquy"
NOWHERE_MAIL = {
    "django.core.mail.backends.console.EmailBackend": "prints every message to the console",
    "django.core.mail.backends.locmem.EmailBackend": "keeps every message in memory",
    "django.core.mail.backends.dummy.EmailBackend": "throws every message away",
    "django.core.mail.backends.filebased.EmailBackend": "writes every message to a file",
}
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", ""}  # noqa: S104 - names, not binds


def production() -> bool:
    return getattr(settings, "COLLOQUY_ENVIRONMENT", "") == "production"


def mail_backend() -> str:
    """The backend that delivers the site's mail (an outbox delivers through this one)."""
    return getattr(settings, "EMAIL_DELIVERY_BACKEND", "") or settings.EMAIL_BACKEND


def worker_count(argv: list[str] | None = None) -> int | None:
    """How many processes serve: WEB_CONCURRENCY (gunicorn's own variable), or the
    ``--workers``/``-w`` of the gunicorn command line this process was started by."""
    argv = sys.argv if argv is None else argv
    counted = getattr(settings, "WEB_CONCURRENCY", None)
    started_by = os.path.normpath(argv[0]).split(os.sep) if argv else []
    if any(part.startswith("gunicorn") for part in started_by):  # gunicorn, python -m gunicorn
        for index, arg in enumerate(argv):
            value = None
            if arg in ("-w", "--workers") and index + 1 < len(argv):
                value = argv[index + 1]
            elif arg.startswith("--workers="):
                value = arg.partition("=")[2]
            elif arg.startswith("-w") and arg[2:].isdigit():
                value = arg[2:]
            if value and value.isdigit():
                counted = max(int(value), counted or 0)
    return counted


def refusals() -> list[checks.CheckMessage]:
    found: list[checks.CheckMessage] = []
    backend = mail_backend()
    if backend in NOWHERE_MAIL:
        found.append(
            checks.Error(
                f"EMAIL_URL: the mail backend {NOWHERE_MAIL[backend]}, so confirmation links "
                "and notifications never reach readers.",
                hint="Set EMAIL_URL to your mail server, e.g. "
                "smtp+tls://USER:PASSWORD@mail.example.org:587.",
                id="colloquy.E001",
            )
        )
    site = urlsplit(getattr(settings, "SITE_URL", "") or "")
    if site.scheme not in ("http", "https") or not site.hostname:
        found.append(
            checks.Error(
                "SITE_URL is not set to the site's public address: every link in mail "
                "(confirmations, notifications, unsubscribe) would point elsewhere.",
                hint="Set SITE_URL, e.g. https://blog.example.org.",
                id="colloquy.E002",
            )
        )
    cache_backend = settings.CACHES["default"]["BACKEND"]
    workers = worker_count()
    if cache_backend in PER_PROCESS_CACHES and workers != 1:
        found.append(
            checks.Error(
                "CACHE_URL names a cache kept in each process, and WEB_CONCURRENCY (or "
                f"gunicorn's --workers) is {'unset' if workers is None else workers}: a "
                "comment a moderator removes "
                "would still be served by the other workers' caches.",
                hint="Leave CACHE_URL unset (a cache table in PostgreSQL every process "
                "shares) or use redis://; keep locmemcache:// only with WEB_CONCURRENCY=1.",
                id="colloquy.E003",
            )
        )
    return found


def warnings() -> list[checks.CheckMessage]:
    found: list[checks.CheckMessage] = []
    if not settings.ADMINS and not getattr(settings, "ERROR_TRACKER_DSN", ""):
        found.append(
            checks.Warning(
                "Nobody hears of server errors: ADMINS and ERROR_TRACKER_DSN are both unset.",
                hint="Set ADMINS (e.g. Ops <ops@example.org>) or ERROR_TRACKER_DSN.",
                id="colloquy.W001",
            )
        )
    site = urlsplit(getattr(settings, "SITE_URL", "") or "")
    if settings.SECURE_SSL_REDIRECT and site.scheme == "http":
        found.append(
            checks.Warning(
                "SITE_URL starts with http:// while the site redirects to HTTPS: mailed "
                "links take a redirect, in clear text.",
                hint="Write SITE_URL with https://.",
                id="colloquy.W002",
            )
        )
    for name in ("DEFAULT_FROM_EMAIL", "SERVER_EMAIL"):
        address = getattr(settings, name, "")
        if address.rstrip(">").rpartition("@")[2].lower() in LOCAL_HOSTS:
            found.append(
                checks.Warning(
                    f"{name} is {address!r}: mail from localhost is refused or filed as spam.",
                    hint=f"Set {name} to an address at the site's domain.",
                    id="colloquy.W003",
                )
            )
    if settings.CACHES["default"]["BACKEND"].endswith("FileBasedCache"):
        found.append(
            checks.Warning(
                "CACHE_URL is a file-based cache: processes on other machines do not see it.",
                hint="With more than one machine, use redis:// or leave CACHE_URL unset.",
                id="colloquy.W004",
            )
        )
    timeout = getattr(settings, "EMAIL_TIMEOUT", None)
    if timeout is None or timeout <= 0:
        found.append(
            checks.Warning(
                f"EMAIL_TIMEOUT is {timeout!r}: a mail server that stops answering holds "
                "the sender forever.",
                hint="Set EMAIL_TIMEOUT to a number of seconds, e.g. 10.",
                id="colloquy.W005",
            )
        )
    return found


@checks.register(TAG)
def check_production(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return refusals() if production() else []


@checks.register(TAG, deploy=True)
def check_deploy(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    # Under production settings the refusals were reported by check_production already.
    return warnings() + ([] if production() else refusals())


def refuse_to_start() -> None:
    """Raise ImproperlyConfigured, naming each variable, when a refusal applies.

    For the WSGI application: gunicorn runs no system checks of its own."""
    errors = [message for message in check_production() if message.is_serious()]
    if errors:
        lines = "\n".join(f"{message.id}: {message.msg} {message.hint}" for message in errors)
        raise ImproperlyConfigured(f"Colloquy refuses to start:\n{lines}")
