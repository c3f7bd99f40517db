"""The compose file and the image are the deployment a site owner gets: no Docker engine runs
here, so their invariants are read from docker-compose.yml and the Dockerfile themselves.

- one image, built once, reused by every service that runs Colloquy;
- one migration job that every other service of the image waits for (and none migrates);
- a shared cache (Redis) wherever more than one process serves;
- Docker waits longer than gunicorn's graceful shutdown before it kills a container;
- the image's health check asks /readyz over HTTP with Python (the image has no curl).
"""

import http.server
import json
import os
import re
import runpy
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, dict] = COMPOSE["services"]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
ENTRYPOINT = (ROOT / "docker-entrypoint.sh").read_text()


def gunicorn_settings(**environ: str) -> dict:
    """gunicorn.conf.py's values, read as gunicorn reads it, with this environment."""
    saved = dict(os.environ)
    try:
        for name in ("WEB_CONCURRENCY", "GUNICORN_GRACEFUL_TIMEOUT", "GUNICORN_TIMEOUT"):
            os.environ.pop(name, None)
        os.environ.update(environ)
        return runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def seconds(duration: str) -> float:
    """A compose duration ("1m30s", "40s", "500ms") in seconds."""
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001, "us": 1e-6}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|us|h|m|s)", duration)
    assert parts and "".join(n + u for n, u in parts) == duration, duration
    return sum(float(number) * units[unit] for number, unit in parts)


def built_image() -> tuple[str, str]:
    builders = [name for name, service in SERVICES.items() if "build" in service]
    assert len(builders) == 1, f"the image must be built once, by one service: {builders}"
    return builders[0], SERVICES[builders[0]]["image"]


def app_services() -> dict[str, dict]:
    _builder, image = built_image()
    return {name: service for name, service in SERVICES.items() if service.get("image") == image}


def command_of(service: dict) -> list[str]:
    command = service.get("command", [])
    return command.split() if isinstance(command, str) else list(command)


def serving(name: str, service: dict) -> bool:
    """Runs the image's default command: the entrypoint's gunicorn."""
    return not command_of(service)


def test_one_image_is_built_once_and_reused_by_every_app_service():
    builder, image = built_image()
    assert ":" in image  # a name of our own, never pulled
    reusers = {name for name in app_services() if name != builder}
    assert {"web", "worker", "web-replica"} <= reusers
    for name in reusers:
        assert SERVICES[name].get("pull_policy") == "never", name


def test_one_migration_job_that_every_other_app_service_waits_for():
    services = app_services()
    migrators = [name for name, s in services.items() if "migrate" in command_of(s)]
    assert migrators == ["migrate"]
    assert command_of(services["migrate"]) == ["python", "manage.py", "migrate", "--noinput"]
    assert services["migrate"]["restart"] == "no"  # a job, not a service to keep running
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    for name, service in services.items():
        if name == "migrate":
            continue
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        # The entrypoint migrates unless told not to: none of them may.
        assert service["environment"]["RUN_MIGRATIONS"] == "false", name
    assert 'if [ "${RUN_MIGRATIONS:-true}" = "true" ]' in ENTRYPOINT


def test_every_process_that_serves_shares_redis():
    for name, service in app_services().items():
        if name == "migrate":
            continue
        assert service["environment"]["CACHE_URL"].startswith("redis://redis:"), name
        assert service["depends_on"]["redis"]["condition"] == "service_healthy", name
    assert "profiles" not in SERVICES["redis"]  # the default profile's web needs it too
    assert int(SERVICES["web"]["environment"]["WEB_CONCURRENCY"].split(":-")[1][:-1]) > 1
    assert SERVICES["web-replica"]["deploy"]["replicas"] >= 2


def test_docker_waits_longer_than_gunicorns_graceful_shutdown():
    graceful = gunicorn_settings()["graceful_timeout"]
    assert gunicorn_settings(GUNICORN_GRACEFUL_TIMEOUT="7")["graceful_timeout"] == 7
    for name, service in app_services().items():
        if name == "migrate":
            continue
        assert seconds(service["stop_grace_period"]) > graceful, name


def test_the_worker_sends_the_mail_and_is_not_probed_over_http():
    worker = SERVICES["worker"]
    assert command_of(worker) == ["python", "manage.py", "worker"]
    assert "profiles" not in worker
    # The image's HEALTHCHECK asks /readyz: only the services that serve HTTP keep it.
    for name, service in app_services().items():
        probed = service.get("healthcheck") != {"disable": True}
        assert probed is serving(name, service), name


def test_the_scale_profile_puts_nginx_in_front_of_the_replicas():
    nginx = SERVICES["nginx"]
    assert nginx["depends_on"]["web-replica"]["condition"] == "service_healthy"
    assert nginx["ports"] == ["127.0.0.1:${SCALE_PORT:-8080}:80"]
    assert SERVICES["web-replica"]["environment"]["TRUSTED_PROXY_COUNT"] == "1"
    assert "ports" not in SERVICES["web-replica"]  # only nginx reaches them
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "server web-replica:8000 resolve;" in conf
    probes = conf[conf.index("location ~ ^/(healthz|readyz)$") :]
    assert "proxy_cache off;" in probes[: probes.index("}")]
    # The app's 503 (database down) is final: nginx's own old copy could hold words a
    # moderator has removed since (the app withdraws those; nginx cannot tell).
    stale = re.search(r"proxy_cache_use_stale ([^;]*);", conf).group(1).split()
    assert "http_503" not in stale and "error" in stale


def test_every_variable_compose_reads_is_in_env_example():
    example = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", example, re.MULTILINE))
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", (ROOT / "docker-compose.yml").read_text()))
    assert "SCALE_PORT" in used
    assert used - documented == set()


def test_gunicorn_settings_come_from_the_environment():
    defaults = gunicorn_settings()
    assert defaults["workers"] == 2
    assert gunicorn_settings(WEB_CONCURRENCY="5")["workers"] == 5
    assert defaults["timeout"] > defaults["graceful_timeout"] > 0
    assert defaults["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert "client=%(h)s" in defaults["access_log_format"]
    assert "request_id=%({x-request-id}o)s" in defaults["access_log_format"]
    # The access log is on under production settings, off elsewhere unless asked for.
    assert gunicorn_settings(DJANGO_SETTINGS_MODULE="config.settings.prod")["accesslog"] == "-"
    assert gunicorn_settings(DJANGO_SETTINGS_MODULE="config.settings.test")["accesslog"] is None
    reader = defaults["reader_address"]
    environ = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9"}
    assert reader(environ, 1) == "203.0.113.9"  # not the forged hop on the left
    assert reader(environ, 0) == "10.0.0.2"


def test_the_image_installs_the_lock_and_serves_with_gunicorn_conf():
    assert "RUN pip install --require-hashes -r requirements/base.txt" in DOCKERFILE
    assert "pip install ." not in DOCKERFILE
    assert "COPY requirements/base.txt" in DOCKERFILE
    assert "exec gunicorn config.wsgi --config /app/gunicorn.conf.py" in ENTRYPOINT
    assert "ENV" in DOCKERFILE and "DJANGO_SETTINGS_MODULE=config.settings.prod" in DOCKERFILE
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert "requirements" not in ignored and "gunicorn.conf.py" not in ignored


def healthcheck_command() -> list[str]:
    found = re.search(r"^HEALTHCHECK .*?CMD (\[.*?\])$", DOCKERFILE, re.MULTILINE | re.DOTALL)
    assert found, "the Dockerfile has no exec-form HEALTHCHECK"
    command = json.loads(found.group(1))
    assert command[:2] == ["python", "-c"]  # no curl in the slim image
    assert "http://127.0.0.1:8000/readyz" in command[2]
    return command


class Probe(http.server.BaseHTTPRequestHandler):
    status = 200
    paths: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        Probe.paths.append(self.path)
        self.send_response(Probe.status)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args) -> None:
        pass


@pytest.mark.parametrize(("status", "healthy"), [(200, True), (503, False)])
def test_the_image_healthcheck_asks_readyz_and_fails_on_503(status, healthy):
    server = http.server.HTTPServer(("127.0.0.1", 0), Probe)
    Probe.status, Probe.paths = status, []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        code = healthcheck_command()[2].replace(":8000/", f":{server.server_port}/")
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=30)
    finally:
        server.shutdown()
        server.server_close()
    assert Probe.paths == ["/readyz"]
    assert (result.returncode == 0) is healthy, result.stderr


def test_the_image_healthcheck_fails_when_nothing_listens():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code = healthcheck_command()[2].replace(":8000/", f":{port}/")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=30)
    assert result.returncode != 0


def test_the_images_collectstatic_step_loads_the_production_settings():
    """The build's `RUN ... collectstatic` has only the placeholders it sets: production
    settings must load with them (a new required variable would break every build)."""
    step = re.search(
        r"^RUN ((?:[A-Z_]+=\S+ \\\n\s*)+)python manage.py collectstatic", DOCKERFILE, re.M
    )
    assert step, "the Dockerfile no longer collects static files"
    placeholders = dict(re.findall(r"([A-Z_]+)=(\S+)", step.group(1)))
    image_env = dict(re.findall(r"(DJANGO_SETTINGS_MODULE)=(\S+)", DOCKERFILE))
    env = {"PATH": os.environ["PATH"], **image_env}
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--dry-run"],
        cwd=ROOT, env={**env, **placeholders}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "static files copied" in result.stdout
