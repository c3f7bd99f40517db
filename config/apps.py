"""The project's own start-up: system checks, the shared cache's table, the error tracker."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def create_cache_tables(*, using: str = "default", **kwargs) -> None:
    """Where migrate runs, the database cache's table is made too (idempotent): a
    production site whose CACHE_URL is left unset needs no extra command."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class ColloquyConfig(AppConfig):
    name = "config"
    label = "colloquy"
    verbose_name = "Colloquy"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the system checks
        from .tracker import start_error_tracker

        post_migrate.connect(create_cache_tables, dispatch_uid="colloquy-cache-tables")
        start_error_tracker()
