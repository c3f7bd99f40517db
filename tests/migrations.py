"""For the tests of data migrations: move the test database to some migrations, fill it
through the models of that moment, then move it to the latest and check the result."""

from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def latest() -> list[tuple[str, str]]:
    """Every app's newest migration: where a test moves the database back to."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def migrate(targets: list[tuple[str, str | None]]) -> Apps:
    """Apply or unapply migrations up to ``targets`` (``(app, None)``: none of the app's);
    returns the models as they were then."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    nodes = [(app, name) for app, name in targets if name is not None]
    return executor.loader.project_state(nodes).apps
