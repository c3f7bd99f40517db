"""The benchmark's own database on the configured server, created fresh and dropped after."""

import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

NAME = "colloquy_bench"


def url_for(database_url: str, name: str) -> str:
    """``database_url`` pointing at database ``name`` on the same server, same user."""
    return urlunsplit(urlsplit(database_url)._replace(path=f"/{name}"))


def _maintenance_connection(database_url: str, name: str) -> psycopg.Connection:
    # Connect to the configured database (or "postgres" if that is the one to drop).
    current = urlsplit(database_url).path.lstrip("/")
    url = database_url if current and current != name else url_for(database_url, "postgres")
    return psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True)


def create(database_url: str, name: str = NAME) -> str:
    """Create ``name`` empty (dropping a leftover of an interrupted run); return its URL."""
    drop(database_url, name)
    with _maintenance_connection(database_url, name) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url_for(database_url, name)


def drop(database_url: str, name: str = NAME) -> None:
    with _maintenance_connection(database_url, name) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def release() -> None:
    """Before a benchmark's database is dropped: write the page views this process gathered
    (otherwise its exit hook tries after the drop and logs a failure) and close Django's
    connections. Nothing to do when Django was never set up."""
    if "django" not in sys.modules:
        return
    from django.apps import apps
    from django.db import connections

    if apps.ready:
        from blog import viewcount

        viewcount.flush()
    connections.close_all()


def server_version(database_url: str) -> str:
    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as connection:
        return connection.execute("SHOW server_version").fetchone()[0]
