#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    if os.environ["DJANGO_SETTINGS_MODULE"] == "config.settings.dev":
        # No DATABASE_URL (a fresh clone): start or join the embedded PostgreSQL, as make
        # run does. Never in production, where a missing DATABASE_URL stays an error.
        from config.devdb import ensure_database_url

        ensure_database_url("manage.py")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
