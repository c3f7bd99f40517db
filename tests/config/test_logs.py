"""One log format: time, level, logger, request id and the reader's address on every line;
DisallowedHost in one line; server errors mailed to ADMINS in production.

The lines are read from the handlers the settings configured (their stream swapped for a
buffer), so what is tested is what a deployment writes."""

import io
import logging
import logging.config
import re
import sys
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client, RequestFactory, override_settings

from config.logging import RequestContextFilter, UTCFormatter, admins_from, logging_config
from tests.config.test_settings import production_env, run

LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (?P<level>[A-Z]+) (?P<logger>[\w.]+) "
    r"request_id=(?P<request_id>\S+) client=(?P<client>\S+) (?P<message>.*)$"
)


@contextmanager
def written_by(logger_name: str):
    """What the configured handlers of ``logger_name`` write, line by line."""
    logger = logging.getLogger(logger_name)
    handlers = [h for h in logger.handlers if isinstance(h.formatter, UTCFormatter)]
    assert handlers, f"no stream handler on {logger_name!r}"
    buffer = io.StringIO()
    old = [handler.setStream(buffer) for handler in handlers]
    lines: list[str] = []
    try:
        yield lines
    finally:
        for handler, stream in zip(handlers, old, strict=True):
            handler.setStream(stream)
        lines.extend(buffer.getvalue().splitlines())


def test_a_request_gets_an_id_and_keeps_the_proxys():
    client = Client()
    made = client.get("/healthz-not-a-page/").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    given = client.get("/nowhere/", HTTP_X_REQUEST_ID="edge-7f3a.42").headers["X-Request-ID"]
    assert given == "edge-7f3a.42"
    forged = client.get("/nowhere/", HTTP_X_REQUEST_ID="x client=1.2.3.4").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", forged)  # a header that would forge a log field


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_line_says_when_what_who_and_which_request():
    client = Client()  # after the settings change: the proxy middleware reads them once
    with written_by("") as lines:
        client.get("/no-such-page/", HTTP_X_FORWARDED_FOR="203.0.113.9", HTTP_X_REQUEST_ID="req-1")
    found = [LINE.match(line) for line in lines]
    assert found and all(found), lines
    (line,) = [match for match in found if match["logger"] == "django.request"]
    assert line["level"] == "WARNING"
    assert line["request_id"] == "req-1"
    assert line["client"] == "203.0.113.9"  # the reader, not the proxy
    assert line["message"] == "Not Found: /no-such-page/"


def test_a_line_outside_a_request_has_dashes():
    with written_by("") as lines:
        logging.getLogger("colloquy.test").warning("nightly job done")
    match = LINE.match(lines[-1])
    assert match and match["request_id"] == "-" and match["client"] == "-"


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["blog.example.org"])
def test_disallowed_host_is_one_line_without_a_traceback():
    with written_by("django.security.DisallowedHost") as lines:
        response = Client().get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert len(lines) == 1, lines
    match = LINE.match(lines[0])
    assert match and match["level"] == "ERROR"
    assert "Invalid HTTP_HOST header: 'evil.example'" in match["message"]


@override_settings(ADMINS=[("Ops", "ops@blog.example.org")], DEBUG=False)
def test_production_mails_server_errors_to_admins():
    logging.config.dictConfig(logging_config(mail_admins=True))
    try:
        request = RequestFactory().get("/posts/broken/")
        logging.getLogger("django.request").error(
            "Internal Server Error: %s",
            request.path,
            extra={"status_code": 500, "request": request},
        )
    finally:
        logging.config.dictConfig(settings.LOGGING)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ops@blog.example.org"]
    assert "Internal Server Error: /posts/broken/" in mail.outbox[0].subject


def test_production_settings_mail_admins_and_read_them_from_the_environment():
    code = (
        "from django.conf import settings as s;"
        "print(s.ADMINS); print(s.LOGGING['root']['handlers'])"
    )
    env = production_env(ADMINS="Ops <ops@blog.example.org>,night@blog.example.org")
    result = run([sys.executable, "-c", f"import django; django.setup(); {code}"], env)
    assert result.returncode == 0, result.stderr
    admins, handlers = result.stdout.splitlines()
    assert (
        admins
        == "[('Ops', 'ops@blog.example.org'), ('night@blog.example.org', 'night@blog.example.org')]"
    )
    assert "mail_admins" in handlers


def test_an_admins_entry_that_is_not_an_address_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="ADMINS: 'ops' is not an e-mail address"):
        admins_from(["ops"])


def test_the_format_is_in_utc():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    record.created = 0.0
    record.msecs = 5
    RequestContextFilter().filter(record)
    line = UTCFormatter("%(asctime)s %(request_id)s").format(record)
    assert line == "1970-01-01T00:00:00.005Z -"
