"""Production refuses to run wrong, and says which variable to set.

Each refusal is shown twice, as an operator meets it: loading the WSGI application (what
gunicorn does; one real gunicorn too) and ``manage.py check``. Each of the project's own
deploy checks (``colloquy.W…``) is shown firing under ``check --deploy``, and the settings
of tests/config/test_settings.py's ``production_env`` pass them all.
"""

import gzip
import http.server
import sys
import threading

import pytest

from tests.config.test_settings import production_env, run
from tests.faults.test_load import ROOT, free_port


def refused(env: dict[str, str], *, check_id: str, variable: str) -> None:
    """Loading the WSGI application (what gunicorn does) stops, naming the variable."""
    started = run([sys.executable, "-c", "import config.wsgi"], env)
    assert started.returncode != 0
    assert "Colloquy refuses to start" in started.stderr
    assert check_id in started.stderr and variable in started.stderr, started.stderr[-2000:]


def test_manage_py_check_names_every_refusal_at_once():
    env = production_env(
        EMAIL_URL="consolemail://", SITE_URL="", CACHE_URL="locmemcache://", WEB_CONCURRENCY="2"
    )
    checked = run([sys.executable, "manage.py", "check"], env)
    assert checked.returncode != 0
    for check_id, variable in (
        ("colloquy.E001", "EMAIL_URL"),
        ("colloquy.E002", "SITE_URL"),
        ("colloquy.E003", "CACHE_URL"),
    ):
        assert f"({check_id}) {variable}" in checked.stderr, checked.stderr[-2000:]


def starts(env: dict[str, str]) -> None:
    started = run([sys.executable, "-c", "import config.wsgi; print('started')"], env)
    assert started.returncode == 0, started.stderr[-2000:]
    assert started.stdout.strip() == "started"


def test_the_production_environment_of_the_tests_starts():
    starts(production_env())


@pytest.mark.parametrize("email_url", ["consolemail://", "memorymail://", "dummymail://"])
def test_mail_that_reaches_nobody_is_refused(email_url):
    refused(production_env(EMAIL_URL=email_url), check_id="colloquy.E001", variable="EMAIL_URL")


def test_mail_left_at_its_default_is_refused():
    env = production_env()
    del env["EMAIL_URL"]  # the default prints mail to the console
    refused(env, check_id="colloquy.E001", variable="EMAIL_URL")


@pytest.mark.parametrize("site_url", ["", "blog.example.org"])
def test_a_missing_or_malformed_site_url_is_refused(site_url):
    refused(production_env(SITE_URL=site_url), check_id="colloquy.E002", variable="SITE_URL")


@pytest.mark.parametrize("workers", ["2", None])
def test_a_per_process_cache_with_several_workers_is_refused(workers):
    env = production_env(CACHE_URL="locmemcache://colloquy")
    if workers:
        env["WEB_CONCURRENCY"] = workers
    refused(env, check_id="colloquy.E003", variable="CACHE_URL")


def test_a_per_process_cache_with_one_worker_is_accepted():
    starts(production_env(CACHE_URL="locmemcache://colloquy", WEB_CONCURRENCY="1"))


def test_the_default_production_cache_is_shared_by_every_process():
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = run([sys.executable, "-c", code], production_env())
    assert result.stdout.strip() == "django.core.cache.backends.db.DatabaseCache", result.stderr


def test_gunicorn_refuses_to_serve_with_a_per_process_cache_and_several_workers():
    # WEB_CONCURRENCY says one, the command line says two: the command line is believed.
    env = production_env(CACHE_URL="locmemcache://colloquy", WEB_CONCURRENCY="1")
    result = run(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "2",
         "--bind", f"127.0.0.1:{free_port()}"],
        env,
    )  # fmt: skip
    assert result.returncode != 0
    assert "colloquy.E003" in result.stderr and "CACHE_URL" in result.stderr


def test_migrate_refuses_too():
    # A command that writes is stopped before it touches the database (never reached here).
    result = run([sys.executable, "manage.py", "migrate", "--noinput"], production_env(SITE_URL=""))
    assert result.returncode != 0
    assert "colloquy.E002" in result.stderr


def test_collectstatic_needs_none_of_it():
    # The image runs collectstatic at build time, with placeholders for the secrets only.
    env = {
        "PATH": production_env()["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": "collectstatic-placeholder",
        "DATABASE_URL": "postgres://collectstatic@localhost/unused",
    }
    result = run([sys.executable, "manage.py", "collectstatic", "--noinput", "--dry-run"], env)
    assert result.returncode == 0, result.stderr[-2000:]


# -- check --deploy: the project's own warnings -----------------------------------------


def deploy_check(env: dict[str, str]):
    return run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)


@pytest.mark.parametrize(
    ("overrides", "check_id", "variable"),
    [
        ({"ADMINS": ""}, "colloquy.W001", "ADMINS"),
        ({"SITE_URL": "http://blog.example.org"}, "colloquy.W002", "SITE_URL"),
        ({"DEFAULT_FROM_EMAIL": "Colloquy <noreply@localhost>"}, "colloquy.W003",
         "DEFAULT_FROM_EMAIL"),
        ({"CACHE_URL": "filecache:///tmp/colloquy-cache"}, "colloquy.W004", "CACHE_URL"),
        ({"EMAIL_TIMEOUT": "0"}, "colloquy.W005", "EMAIL_TIMEOUT"),
    ],
)  # fmt: skip
def test_check_deploy_reports(overrides, check_id, variable):
    result = deploy_check(production_env(**overrides))
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert f"({check_id}) " in output and variable in output, output[-2000:]


def test_check_deploy_says_what_development_settings_would_get_wrong():
    env = production_env(DJANGO_SETTINGS_MODULE="config.settings.dev", EMAIL_URL="consolemail://")
    result = deploy_check(env)
    output = result.stdout + result.stderr
    assert "(colloquy.E001) EMAIL_URL" in output, output[-2000:]


def test_an_error_tracker_named_without_its_package_refuses_to_start():
    env = production_env(ERROR_TRACKER_DSN=f"http://key@127.0.0.1:{free_port()}/1")
    # As if sentry-sdk were not installed (it is a dev dependency, so it is here).
    code = "import sys; sys.modules['sentry_sdk'] = None; import config.wsgi"
    result = run([sys.executable, "-c", code], env)
    assert result.returncode != 0
    assert "ERROR_TRACKER_DSN is set but the sentry-sdk package is not installed" in (result.stderr)


class Tracker(http.server.BaseHTTPRequestHandler):
    """A stand-in for the error tracker: keeps what it is sent."""

    received: list[tuple[str, bytes]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        elif self.headers.get("Content-Encoding") == "br":
            pytest.fail("the tracker was sent brotli; the test server reads gzip only")
        Tracker.received.append((self.path, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def test_a_server_error_reaches_the_error_tracker():
    server = http.server.HTTPServer(("127.0.0.1", 0), Tracker)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Tracker.received.clear()
    env = production_env(
        ADMINS="", ERROR_TRACKER_DSN=f"http://key@127.0.0.1:{server.server_port}/1"
    )
    # A view that fails inside a real request (robots.txt's, swapped before the URLs load).
    code = """
import django; django.setup()
import blog.views, sentry_sdk
def broken(request):
    raise ZeroDivisionError("robots.txt failed")
blog.views.robots_txt = broken
from django.test import Client
try:
    client = Client(raise_request_exception=False, HTTP_HOST="evil.example")
    client.get("/robots.txt", secure=True)  # DisallowedHost: not for the tracker
    client.get("/robots.txt", secure=True, HTTP_HOST="blog.example.org")
except Exception:
    pass  # the error page itself may need collectstatic's manifest: not what is tested
sentry_sdk.flush(timeout=10)
"""
    try:
        result = run([sys.executable, "-c", code], env)
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr[-2000:]
    assert [path for path, _ in Tracker.received] == ["/api/1/envelope/"]
    assert b"robots.txt failed" in Tracker.received[0][1], Tracker.received[0][1][:3000]
    # With a tracker, someone hears of errors: no W001 although ADMINS is empty.
    assert "colloquy.W001" not in (lambda r: r.stdout + r.stderr)(deploy_check(env))


def test_production_settings_are_what_the_repository_root_wsgi_uses():
    # gunicorn config.wsgi with no DJANGO_SETTINGS_MODULE: production, so refusals apply.
    env = production_env(SITE_URL="")
    del env["DJANGO_SETTINGS_MODULE"]
    result = run([sys.executable, "-c", "import config.wsgi"], env)
    assert result.returncode != 0 and "colloquy.E002" in result.stderr
    assert (ROOT / "config" / "wsgi.py").exists()


@pytest.mark.parametrize(
    ("argv", "workers"),
    [
        (["/usr/bin/gunicorn", "config.wsgi", "--workers", "3"], 3),
        (["/venv/lib/python3.11/site-packages/gunicorn/__main__.py", "-w", "2", "x"], 2),
        (["/usr/local/bin/gunicorn", "--workers=4", "config.wsgi"], 4),
        (["/usr/local/bin/gunicorn", "-w5", "config.wsgi"], 5),
        (["/usr/local/bin/gunicorn", "config.wsgi"], None),
        (["manage.py", "check", "-w", "9"], None),  # not gunicorn's argument
    ],
)
def test_the_worker_count_is_read_from_gunicorns_command_line(argv, workers, settings):
    from config.checks import worker_count

    settings.WEB_CONCURRENCY = None
    assert worker_count(argv) == workers
