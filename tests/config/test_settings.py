"""Production settings, security headers and the embedded-database launcher.

Settings are read once per process, so each production case runs in a subprocess with an
environment built from scratch (plus the repository's git-ignored ``.env``, which
``base.py`` reads for any variable the environment leaves unset).
"""

import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import PostFactory

REPO_ROOT = Path(__file__).resolve().parents[2]
# Parsed, never connected to: neither importing settings nor `check --deploy` opens it.
UNUSED_DATABASE_URL = "postgres://colloquy@db.invalid:5432/colloquy"


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def production_env(**overrides: str) -> dict[str, str]:
    """A sensible production environment; only PATH and the database URL are inherited."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "blog.example.org",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or UNUSED_DATABASE_URL,
        # Stated rather than left to the defaults, so a developer's .env made for a local
        # docker compose run (SECURE_SSL_REDIRECT=false) cannot change the outcome.
        "SECURE_SSL_REDIRECT": "true",
        "SECURE_HSTS_SECONDS": str(60 * 60 * 24 * 365),
        "SECURE_HSTS_PRELOAD": "true",
        # What production refuses to start without (config/checks.py), and what
        # check --deploy asks for.
        "EMAIL_URL": "smtp+tls://mailer:secret@mail.example.org:587",
        "SITE_URL": "https://blog.example.org",
        "DEFAULT_FROM_EMAIL": "Colloquy <noreply@blog.example.org>",
        "ADMINS": "Ops <ops@blog.example.org>",
    }
    env.update(overrides)
    return env


def dotenv_sets(name: str) -> bool:
    dotenv = REPO_ROOT / ".env"
    if not dotenv.exists():
        return False
    pattern = re.compile(rf"^(export )?{name}=.+")
    return any(pattern.match(line) for line in dotenv.read_text().splitlines())


# -- production refuses to start without a secret key --------------------------------


def assert_refuses_to_start(env: dict[str, str]) -> None:
    # config.wsgi is what gunicorn imports: the settings fail before any request is served.
    result = run([sys.executable, "-c", "import config.wsgi"], env)
    assert result.returncode != 0
    assert (
        "django.core.exceptions.ImproperlyConfigured: "
        "SECRET_KEY must be set in the environment for production." in result.stderr
    )


def test_production_refuses_to_start_without_secret_key():
    if dotenv_sets("SECRET_KEY"):
        # A developer's own .env only; CI clones have none, so there this always runs.
        assert not os.environ.get("CI"), "CI=true with a .env that sets SECRET_KEY"
        pytest.skip("the repository's .env sets SECRET_KEY, so it cannot be left unset")
    env = production_env()
    del env["SECRET_KEY"]
    assert_refuses_to_start(env)


def test_production_refuses_to_start_with_empty_secret_key():
    # An empty variable wins over .env (which only fills unset ones): this always runs.
    assert_refuses_to_start(production_env(SECRET_KEY=""))


# -- manage.py check --deploy ----------------------------------------------------------


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)


def test_check_deploy_is_clean_with_production_settings():
    result = check_deploy(production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_check_deploy_reports_a_weakened_setting():
    # Proves the check above can fail: turning the HTTPS redirect off is reported.
    result = check_deploy(production_env(SECURE_SSL_REDIRECT="false"))
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_production_ignores_debug_from_the_environment():
    code = (
        "from django.conf import settings;"
        "print(settings.DEBUG, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)"
    )
    result = run([sys.executable, "-c", code], production_env(DEBUG="true"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True"]


# -- .env.example documents the environment ------------------------------------------


def settings_variables() -> set[str]:
    pattern = re.compile(r"\benv(?:\.\w+)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']")
    # bench.py is configured by `make bench` itself, not by whoever deploys the site.
    sources = [
        path for path in (REPO_ROOT / "config" / "settings").glob("*.py") if path.name != "bench.py"
    ]
    return {name for source in sources for name in pattern.findall(source.read_text())}


def env_example_variables() -> set[str]:
    text = (REPO_ROOT / ".env.example").read_text()
    return set(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_env_example_lists_every_variable_the_settings_read():
    assert settings_variables()  # the pattern still matches how settings read variables
    assert settings_variables() - env_example_variables() == set()


def test_env_example_lists_only_variables_something_reads():
    readers = [
        REPO_ROOT / name
        for name in ("Makefile", "docker-compose.yml", "manage.py", "gunicorn.conf.py")
    ]
    readers += (REPO_ROOT / "config" / "settings").glob("*.py")
    text = "\n".join(reader.read_text() for reader in readers)
    # Gunicorn reads WEB_CONCURRENCY itself; compose passes it through.
    unread = {name for name in env_example_variables() if name not in text}
    assert unread == set()


# -- security headers on a normal page -------------------------------------------------


class ScriptAndStyleFinder(HTMLParser):
    """Collects what the CSP would block: inline scripts, style and on* attributes."""

    def __init__(self):
        super().__init__()
        self.inline_scripts = 0
        self.style_attributes = 0
        self.handler_attributes: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        # A JSON-LD block is data: browsers never run it, and the CSP does not apply.
        data = dict(attrs).get("type") == "application/ld+json"
        if tag == "script" and "src" not in names and not data:
            self.inline_scripts += 1
        if "style" in names:
            self.style_attributes += 1
        self.handler_attributes += [name for name in names if name.startswith("on")]


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in filter(str.strip, header.split(";")):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.fixture(params=["home", "post"])
def page_url(request, db):
    if request.param == "home":
        return reverse("blog:post_list")
    return PostFactory().get_absolute_url()


def test_pages_send_security_headers(client, page_url):
    response = client.get(page_url)
    assert response.status_code == 200

    csp = csp_directives(response.headers["Content-Security-Policy"])
    script_sources = csp.get("script-src", csp.get("default-src"))
    assert script_sources == ["'self'"]
    assert "'unsafe-inline'" not in csp["style-src"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_have_nothing_the_csp_would_block(client, page_url):
    finder = ScriptAndStyleFinder()
    finder.feed(client.get(page_url).text)
    assert finder.inline_scripts == 0
    assert finder.style_attributes == 0
    assert finder.handler_attributes == []


# -- config.devdb with DATABASE_URL set ------------------------------------------------


def devdb(*command: str, database_url: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DATABASE_URL=database_url)
    return run([sys.executable, "-m", "config.devdb", "--", *command], env)


def test_devdb_passes_database_url_through_unchanged():
    url = "postgres://someone:p%40ss@db.example.invalid:6543/colloquy?sslmode=require"
    result = devdb(
        sys.executable, "-c", "import os;print(os.environ['DATABASE_URL'])", database_url=url
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == url + "\n"
    assert "Embedded PostgreSQL" not in result.stderr


def test_devdb_exits_with_the_commands_exit_code():
    result = devdb(sys.executable, "-c", "raise SystemExit(3)", database_url=UNUSED_DATABASE_URL)
    assert result.returncode == 3


def test_devdb_without_a_command_prints_usage():
    result = devdb(database_url=UNUSED_DATABASE_URL)
    assert result.returncode == 2
    assert "usage: python -m config.devdb -- COMMAND" in result.stderr


# -- mail settings are written out, one per name ---------------------------------------


def test_email_url_becomes_the_named_email_settings():
    script = (
        "from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, "
        "s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL)"
    )
    env = production_env(EMAIL_URL="smtp+tls://mailer:s3cret@mail.example.org:587")
    result = run([sys.executable, "-c", f"import django; django.setup(); {script}"], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "mail.example.org",
        "587",
        "mailer",
        "s3cret",
        "True",
        "False",
    ]
