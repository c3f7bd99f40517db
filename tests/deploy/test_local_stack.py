"""`deploy/local-stack --check` (what `make deploy-check` runs) brings up the production shape
from local processes, finds an approval on every replica at once, and stops by itself:
nothing listens on its ports afterwards, its database is dropped and its Redis keys gone.

It uses the server of the test database (a database of its own there), the machine's Redis
and Debian's nginx, each on a free port; it is bounded by its own --timeout, and by this
test's, which ends its whole process group.
"""

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests.config.test_backup import database_url
from tests.services import REDIS, needs_nginx, redis_up

ROOT = Path(__file__).resolve().parents[2]

pytestmark = needs_nginx


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def test_the_local_stack_shows_an_approval_on_every_replica_and_stops_itself(django_db_setup):
    env = {**os.environ, "DATABASE_URL": database_url(), "LOCAL_STACK_PYTHON": sys.executable}
    process = subprocess.Popen(
        [str(ROOT / "deploy" / "local-stack"), "--check", "--timeout", "800"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,  # its gunicorns and nginx too, should it need ending
    )  # fmt: skip
    try:
        output, _ = process.communicate(timeout=900)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
        pytest.fail("the local stack did not finish in 900 s:\n" + output[-3000:])
    assert process.returncode == 0, output[-3000:]
    assert "local-stack: check passed" in output
    for replica in ("web-1", "web-2"):
        assert f"local-stack: {replica}: 4 of 4 pages show the approval at once" in output
    assert output.rstrip().endswith("local-stack: stopped")

    line = next(line for line in output.splitlines() if line.startswith("local-stack: {"))
    stack = json.loads(line.removeprefix("local-stack: "))
    assert set(stack["ports"]) == {"web-1", "web-2", "nginx"}
    assert not any(listening(port) for port in stack["ports"].values())
    with psycopg.connect(database_url(), autocommit=True) as conn:
        left = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [stack["database"]])
        assert left.fetchone() is None
    if redis_up():
        import redis

        assert list(redis.Redis(*REDIS).scan_iter(match=f"{stack['redis']}:*")) == []
