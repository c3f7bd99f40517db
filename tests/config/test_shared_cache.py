"""Production's default cache is a table in PostgreSQL that every web process shares, and
wherever migrate runs, the table is made: no extra command for a site to forget."""

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

TABLE = "colloquy_cache_test_migrate"
DATABASE_CACHE = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": TABLE}


@pytest.mark.django_db(transaction=True)
def test_migrate_creates_the_database_caches_table():
    with override_settings(CACHES={"default": DATABASE_CACHE}):
        assert TABLE not in connection.introspection.table_names()
        try:
            call_command("migrate", verbosity=0)  # nothing to apply; post_migrate still runs
            assert TABLE in connection.introspection.table_names()
            cache = caches["default"]
            cache.set("colloquy:test", "shared", 30)
            assert cache.get("colloquy:test") == "shared"
            call_command("migrate", verbosity=0)  # again: the table is kept as it is
            assert cache.get("colloquy:test") == "shared"
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
