"""One command line, one database: manage.py under production settings never starts the
embedded PostgreSQL, takes its settings from .env when the environment is silent, and
seed_demo's known passwords stay in development. In development, mailed links carry the
address the development server listens on."""

import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

import manage
from tests.config.test_settings import production_env, run


def test_production_without_database_url_is_an_error_not_an_embedded_database():
    env = production_env()
    del env["DATABASE_URL"]
    for command in (["check"], ["migrate", "--noinput"], ["createsuperuser", "--noinput"]):
        result = run([sys.executable, "manage.py", *command], env)
        assert result.returncode != 0
        assert "Set the DATABASE_URL environment variable" in result.stderr
        assert "embedded PostgreSQL" not in result.stderr


def test_settings_come_from_the_environment_first(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("DJANGO_SETTINGS_MODULE=config.settings.prod\n")
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    assert manage.settings_module(env, dotenv) == "config.settings.dev"


def test_settings_come_from_dotenv_when_the_environment_is_silent(tmp_path):
    # A cron line on a production host, in a shell without the exported variables.
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "# production\nSECRET_KEY=x\nexport DJANGO_SETTINGS_MODULE=config.settings.prod\n"
    )
    assert manage.settings_module({}, dotenv) == "config.settings.prod"


def test_settings_default_to_development(tmp_path):
    assert manage.settings_module({}, tmp_path / "missing.env") == "config.settings.dev"
    (tmp_path / ".env").write_text("# DJANGO_SETTINGS_MODULE=config.settings.prod\n")
    assert manage.settings_module({}, tmp_path / ".env") == "config.settings.dev"


def test_seed_demo_refuses_under_production_settings():
    result = run([sys.executable, "manage.py", "seed_demo"], production_env())
    assert result.returncode != 0
    assert "seed_demo creates accounts whose password is published" in result.stderr
    assert "config.settings.prod" in result.stderr


@pytest.mark.django_db
def test_seed_demo_creates_nobody_where_demo_accounts_are_not_allowed(settings):
    settings.DEMO_ACCOUNTS_ALLOWED = False
    with pytest.raises(CommandError, match="runs only with the development settings"):
        call_command("seed_demo")
    assert not get_user_model().objects.exists()


@pytest.mark.parametrize(
    ("argv", "url"),
    [
        (["manage.py", "runserver", "127.0.0.1:8123"], "http://127.0.0.1:8123"),  # make run
        (["manage.py", "runserver", "8124"], "http://127.0.0.1:8124"),
        (["manage.py", "runserver", "--noreload", "0.0.0.0:8125"], "http://127.0.0.1:8125"),
        (["manage.py", "runserver"], "http://127.0.0.1:8000"),
        (["manage.py", "migrate"], None),
    ],
)
def test_the_development_server_says_where_it_listens(argv, url):
    assert manage.listening_url(argv) == url


def development_site_url(**env: str) -> str:
    base = {
        "PATH": production_env()["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": "postgres://colloquy@db.invalid:5432/colloquy",
    }
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    )
    result = run([sys.executable, "-c", code], {**base, **env})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_mailed_links_in_development_use_the_port_the_server_listens_on():
    assert development_site_url(COLLOQUY_LISTENING_URL="http://127.0.0.1:8123") == (
        "http://127.0.0.1:8123"
    )


def test_a_site_url_of_ones_own_still_wins_in_development():
    url = development_site_url(
        COLLOQUY_LISTENING_URL="http://127.0.0.1:8123", SITE_URL="http://colloquy.test:9000"
    )
    assert url == "http://colloquy.test:9000"


def test_make_run_hands_its_port_to_runserver(monkeypatch):
    # make run PORT=8123 runs python -m config.serve --port 8123: what it starts must make
    # manage.py announce http://127.0.0.1:8123 to the settings.
    from config import serve

    started: list[list[str]] = []
    monkeypatch.setattr(serve, "ensure_database_url", lambda command: None)
    monkeypatch.setattr(serve.subprocess, "run", lambda *args, **kwargs: None)
    monkeypatch.setattr(serve, "run_child", lambda argv: started.append(argv) or 0)
    monkeypatch.setenv("PORT", "8123")
    assert serve.main([]) == 0
    (argv,) = started
    assert manage.listening_url(argv[1:]) == "http://127.0.0.1:8123"
