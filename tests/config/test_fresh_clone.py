"""``python manage.py <command>`` works on a fresh clone without DATABASE_URL: it starts
(or joins) the embedded PostgreSQL as ``make run`` does, says so in one line, and stops
it when the command ends; with DATABASE_URL set nothing changes."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args],  # noqa: S607 - git from PATH, as a developer runs it
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


@pytest.fixture
def clone():
    """This branch's HEAD, cloned into a temporary folder the embedded server may use."""
    folder = Path(tempfile.mkdtemp(prefix="colloquy-clone-"))
    folder.chmod(0o755)  # as root, pgserver runs PostgreSQL as its own unprivileged user
    target = folder / "colloquy"
    head = git("-C", str(ROOT), "rev-parse", "HEAD").strip()
    git("clone", "--quiet", "--shared", "--no-checkout", str(ROOT), str(target))
    git("-C", str(target), "checkout", "--quiet", head)
    yield target
    pidfile = target / ".pgdata" / "postmaster.pid"
    if pidfile.exists():  # the test failed with the server still up: stop what it started
        os.kill(int(pidfile.read_text().split()[0]), signal.SIGQUIT)
    shutil.rmtree(folder, ignore_errors=True)


def manage(clone: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "TEST_DATABASE_NAME"}
    }
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=clone, env=environment | env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_manage_py_on_a_fresh_clone_starts_the_embedded_database_and_stops_it(clone):
    assert not (clone / ".env").exists() and not (clone / ".pgdata").exists()

    result = manage(clone, "check")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    said = [line for line in result.stderr.splitlines() if line.strip()]
    assert said == [
        "manage.py: no DATABASE_URL, so using the embedded PostgreSQL with its data in "
        f"{clone / '.pgdata'} (stopped when the last command using it ends)"
    ]
    assert (clone / ".pgdata" / "PG_VERSION").exists()
    assert not (clone / ".pgdata" / "postmaster.pid").exists()  # stopped at the end

    # A command that needs the database reaches it (the second run reuses the data).
    result = manage(clone, "showmigrations", "blog")
    assert result.returncode == 0, result.stderr
    assert "[ ] 0001_initial" in result.stdout
    assert not (clone / ".pgdata" / "postmaster.pid").exists()


def test_with_database_url_set_nothing_changes(clone):
    result = manage(clone, "check", DATABASE_URL="postgres://colloquy@db.invalid:5432/colloquy")
    assert result.returncode == 0, result.stderr
    assert "embedded" not in result.stderr
    assert not (clone / ".pgdata").exists()


def test_production_settings_never_start_an_embedded_database(clone):
    result = manage(
        clone, "check", DJANGO_SETTINGS_MODULE="config.settings.prod", SECRET_KEY="x" * 50
    )
    assert result.returncode != 0
    assert "Set the DATABASE_URL environment variable" in result.stderr
    assert not (clone / ".pgdata").exists()
