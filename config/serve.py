"""What ``make run`` runs: the development site on 127.0.0.1, ready to use.

    python -m config.serve [--port 8000]

Starts or joins the embedded PostgreSQL when ``DATABASE_URL`` is unset, applies
migrations, loads the demo content into an empty database, then serves with Django's
development server (auto-reload on code changes). The development settings keep no
database connection open between requests (``CONN_MAX_AGE = 0``): the development server
runs each connection in a thread of its own, and persistent connections would pile up
one per thread until PostgreSQL refuses new clients. ``tests/faults/test_make_run.py``
drives a crowd at this very command.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

from config.devdb import ensure_database_url, run_child

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m config.serve", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
    port = parser.parse_args(argv).port
    ensure_database_url("make run")
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--noinput"], ["seed_demo", "--if-empty"]):
        subprocess.run([*manage, *command], check=True)  # noqa: S603 - our own commands
    print(
        f"Serving on http://127.0.0.1:{port}/ (admin: http://127.0.0.1:{port}/admin/); "
        "Ctrl-C stops.",
        flush=True,
    )
    return run_child([*manage, "runserver", f"127.0.0.1:{port}"])


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except subprocess.CalledProcessError as error:
        sys.exit(error.returncode)
