#!/usr/bin/env python
"""Django's command-line utility for administrative tasks.

Settings: DJANGO_SETTINGS_MODULE from the environment, else from the project's .env (so a
cron line or a shell without the exported variables on a production host still gets
production settings), else development. Only the development settings start the embedded
PostgreSQL; under any other settings a missing DATABASE_URL is an error.
"""

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DEVELOPMENT = "config.settings.dev"


def settings_module(environ: dict[str, str], dotenv: Path) -> str:
    if environ.get("DJANGO_SETTINGS_MODULE"):
        return environ["DJANGO_SETTINGS_MODULE"]
    if dotenv.is_file():
        for line in dotenv.read_text(encoding="utf-8").splitlines():
            found = re.match(r"^\s*(?:export\s+)?DJANGO_SETTINGS_MODULE=([\w.]+)\s*$", line)
            if found:
                return found.group(1)
    return DEVELOPMENT


def listening_url(argv: list[str]) -> str | None:
    """http://ADDRESS:PORT for `manage.py runserver [ADDRESS:]PORT`, else None."""
    if len(argv) < 2 or argv[1] != "runserver":
        return None
    given = next((arg for arg in argv[2:] if not arg.startswith("-")), "8000")
    address, _sep, port = given.rpartition(":")
    address = address or "127.0.0.1"
    if address in ("0", "0.0.0.0"):  # noqa: S104 - a name, not a bind
        address = "127.0.0.1"
    return f"http://{address}:{port}" if port.isdigit() else None


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module(os.environ, ROOT / ".env")
    if os.environ["DJANGO_SETTINGS_MODULE"] == DEVELOPMENT:
        # No DATABASE_URL (a fresh clone): start or join the embedded PostgreSQL, as make
        # run does. Never in production, where a missing DATABASE_URL stays an error.
        from config.devdb import ensure_database_url

        ensure_database_url("manage.py")
        if url := listening_url(sys.argv):
            os.environ["COLLOQUY_LISTENING_URL"] = url  # mailed links (config/settings/dev.py)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
