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
