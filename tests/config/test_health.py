"""/healthz says the process answers; /readyz that the database and the cache answer too.

Both answer probes as a container or proxy sends them: plain HTTP, any Host, no cookies."""

import pytest
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import reverse

PROBE = {"HTTP_HOST": "10.0.0.5:8000"}  # the container's own address: not an allowed host


def test_the_urls_are_named():
    assert reverse("healthz") == "/healthz"
    assert reverse("readyz") == "/readyz"


def test_healthz_answers_without_the_database(client):
    # No django_db mark: any query would raise here.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_says_the_database_and_the_cache_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("config.health.connection.cursor", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "failing: OperationalError",
        "cache": "ok",
    }


@pytest.mark.django_db
def test_readyz_is_503_when_the_cache_does_not_answer(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("Redis is gone")

    monkeypatch.setattr("config.health.cache.set", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["cache"] == "failing: ConnectionError"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["blog.example.org"], SECURE_SSL_REDIRECT=True)
def test_probes_are_neither_redirected_nor_refused_for_their_host():
    probe = Client()  # built after the settings change: SecurityMiddleware reads them once
    assert probe.get("/healthz", **PROBE).status_code == 200
    assert probe.get("/readyz", **PROBE).status_code == 200
    # Any other page from that host is refused, and from the right host redirected.
    assert probe.get("/", **PROBE).status_code == 400
    assert probe.get("/", HTTP_HOST="blog.example.org").status_code == 301


@pytest.mark.django_db
def test_a_post_to_a_probe_is_not_answered_by_it(client):
    assert client.post("/healthz").status_code == 405


def test_under_gunicorn_with_the_database_gone_healthz_is_200_and_readyz_503():
    """Production settings, HTTPS redirect on, a host not in ALLOWED_HOSTS, and a database
    that is not there: the probes still answer, and say what is wrong."""
    import http.client
    import subprocess
    import sys
    import time

    from tests.config.test_settings import production_env
    from tests.faults.test_load import ROOT, free_port

    port = free_port()
    env = production_env(
        DATABASE_URL=f"postgres://colloquy@127.0.0.1:{free_port()}/colloquy",  # nobody there
        CACHE_URL="locmemcache://",
        WEB_CONCURRENCY="1",
    )
    process = subprocess.Popen(  # noqa: S603 - our own server
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "1",
         "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip

    def probe(path: str) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
        response = conn.getresponse()
        return response.status, response.read().decode()

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                alive = probe("/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline and process.poll() is None
                time.sleep(0.3)
        ready = probe("/readyz")
        page = probe("/")
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert alive == (200, '{"status": "ok"}')
    assert ready[0] == 503
    assert '"database": "failing: OperationalError"' in ready[1]
    assert '"cache": "ok"' in ready[1]
    assert page[0] == 400  # any other page from that host is refused, as ever
