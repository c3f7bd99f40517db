"""The compose "scale" shape from local processes, for CI and a newcomer without Docker.

    deploy/local-stack            # serve until Ctrl-C; prints the address
    deploy/local-stack --check    # bring it up, check an approval reaches every replica, stop
    make deploy-check             # the same check, after installing from the lock

What runs, as docker-compose.yml runs it (production settings, gunicorn.conf.py):
- PostgreSQL: a database of its own, created on the server DATABASE_URL names (the
  wrapper starts the embedded server when DATABASE_URL is unset) and dropped at the end;
- Redis: the machine's server on 127.0.0.1:6379 (keys under a prefix of this run, deleted
  at the end), else a redis-server of our own on a free port;
- one migration job, then two gunicorns of two workers each, the mail worker and Debian's
  nginx with deploy/nginx.conf (adapted only where compose's network differs: the
  replicas' addresses, the port, the cache folder), every one on a free port.

Every process is stopped, and the database and keys removed, however the run ends.
"""

import argparse
import contextlib
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SHARED_REDIS = ("127.0.0.1", 6379)
USER_AGENT = "Mozilla/5.0 (local-stack check)"


class StackError(Exception):
    """Something the stack needs is missing or did not start: said in one line."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=1).close()
        return True
    except OSError:
        return False


def fetch(port: int, method: str, path: str, *, fields=None, cookies=None) -> tuple:
    """(status, text, headers) of one request to 127.0.0.1:port; cookies are kept in
    ``cookies`` (a dict) when given."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"User-Agent": USER_AGENT, "Host": "localhost"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if fields is not None:
        body = urlencode(fields)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        if cookies is not None:
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _sep, rest = value.partition("=")
                    cookies[name] = rest.split(";")[0]
        return response.status, text, dict(response.getheaders())
    finally:
        conn.close()


class Stack:
    def __init__(self, folder: Path, *, deadline: float) -> None:
        self.folder = folder
        self.deadline = deadline
        self.processes: list[tuple[str, subprocess.Popen]] = []
        self.env: dict[str, str] = {}
        self.server_url = ""
        self.database = ""
        self.redis_prefix = ""
        self.redis_location: tuple[str, int] | None = None
        self.ports: dict[str, int] = {}

    # --- the services ----------------------------------------------------------------
    def create_database(self) -> str:
        import psycopg

        self.server_url = os.environ.get("DATABASE_URL", "")
        if not self.server_url:
            raise StackError("DATABASE_URL is not set: run deploy/local-stack or make deploy-check")
        name = f"colloquy_stack_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self.server_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self.database = name
        parts = urlsplit(self.server_url)
        return urlunsplit(parts._replace(path=f"/{name}"))

    def drop_database(self) -> None:
        if not self.database:
            return
        import psycopg

        with psycopg.connect(self.server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        self.database = ""

    def redis_url(self) -> str:
        self.redis_prefix = f"stack-{uuid.uuid4().hex[:10]}"
        if answers(*SHARED_REDIS):
            self.redis_location = SHARED_REDIS
        else:
            server = shutil.which("redis-server")
            if server is None:
                raise StackError(
                    "no Redis answers on 127.0.0.1:6379 and redis-server is not installed: "
                    "apt-get install redis-server (or start one on 127.0.0.1:6379)"
                )
            port = free_port()
            self.start("redis", [server, "--port", str(port), "--bind", "127.0.0.1",
                                 "--save", "", "--appendonly", "no"])  # fmt: skip
            self.wait_for(lambda: answers("127.0.0.1", port), "redis")
            self.redis_location = ("127.0.0.1", port)
        host, port = self.redis_location
        return f"redis://{host}:{port}/0?key_prefix={self.redis_prefix}"

    def forget_redis_keys(self) -> None:
        if self.redis_location != SHARED_REDIS:
            return  # our own server: stopped with the rest
        import redis

        client = redis.Redis(*SHARED_REDIS)
        for key in client.scan_iter(match=f"{self.redis_prefix}:*", count=1000):
            client.delete(key)

    # --- processes -------------------------------------------------------------------
    def start(self, name: str, command: list[str]) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115 - kept by the process
        process = subprocess.Popen(  # noqa: S603 - our own programs
            command, cwd=ROOT, env=self.env or None, stdout=log, stderr=subprocess.STDOUT
        )
        self.processes.append((name, process))
        return process

    def run(self, name: str, command: list[str]) -> None:
        process = self.start(name, command)
        try:
            code = process.wait(timeout=max(1, self.deadline - time.monotonic()))
        except subprocess.TimeoutExpired as error:
            raise StackError(
                f"{name} did not finish in time; see {self.folder}/{name}.log"
            ) from error
        self.processes.remove((name, process))
        print(f"local-stack: {name} done")
        if code != 0:
            raise StackError(f"{name} failed:\n{self.tail(name)}")

    def tail(self, name: str, lines: int = 20) -> str:
        path = self.folder / f"{name}.log"
        return (
            "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
            if path.exists()
            else ""
        )

    def wait_for(self, ready, name: str) -> None:
        began = time.monotonic()
        while time.monotonic() < self.deadline:
            if ready():
                print(f"local-stack: {name} answers ({time.monotonic() - began:.1f} s)")
                return
            for process_name, process in self.processes:
                if process.poll() is not None:
                    raise StackError(f"{process_name} exited:\n{self.tail(process_name)}")
            time.sleep(0.2)
        raise StackError(f"{name} did not come up in time:\n{self.tail(name)}")

    def stop(self) -> None:
        for _name, process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # gunicorn and nginx: a graceful stop
        for _name, process in reversed(self.processes):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()

    # --- the shape -------------------------------------------------------------------
    def up(self) -> None:
        database_url = self.create_database()
        cache_url = self.redis_url()
        self.ports = {"web-1": free_port(), "web-2": free_port(), "nginx": free_port()}
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": database_url,
            "CACHE_URL": cache_url,
            "ALLOWED_HOSTS": "localhost,127.0.0.1",
            "SITE_URL": f"http://localhost:{self.ports['nginx']}",
            # Nothing listens there: mail waits in the outbox, as with a mail server down.
            "EMAIL_URL": f"smtp://127.0.0.1:{free_port()}",
            "SECURE_SSL_REDIRECT": "false",
            "TRUSTED_PROXY_COUNT": "1",
            "WEB_CONCURRENCY": "2",
            "GUNICORN_ACCESS_LOG": "-",
        }
        python = sys.executable
        self.run("migrate", [python, "manage.py", "migrate", "--noinput"])
        self.run("collectstatic", [python, "manage.py", "collectstatic", "--noinput"])
        for name in ("web-1", "web-2"):
            self.start(name, [python, "-m", "gunicorn", "config.wsgi",
                              "--bind", f"127.0.0.1:{self.ports[name]}"])  # fmt: skip
        self.start("worker", [python, "manage.py", "worker"])
        self.start_nginx()
        for name, port in self.ports.items():
            self.wait_for(lambda port=port: self.ok(port), name)

    def ok(self, port: int) -> bool:
        try:
            return fetch(port, "GET", "/robots.txt")[0] == 200
        except OSError:
            return False

    def start_nginx(self) -> None:
        if not os.path.exists(NGINX):
            raise StackError("nginx is not installed: apt-get install nginx")
        conf = self.folder / "nginx.conf"
        conf.write_text(
            nginx_config(self.folder, port=self.ports["nginx"],
                         upstreams=[self.ports["web-1"], self.ports["web-2"]])
        )  # fmt: skip
        errors = str(self.folder / "nginx-error.log")
        check = subprocess.run(  # noqa: S603
            [NGINX, "-t", "-c", str(conf), "-e", errors], capture_output=True, text=True
        )
        if check.returncode != 0:
            raise StackError(f"nginx refused deploy/nginx.conf:\n{check.stderr}")
        self.start("nginx", [NGINX, "-c", str(conf), "-e", errors])


def nginx_config(folder: Path, *, port: int, upstreams: list[int]) -> str:
    """deploy/nginx.conf for local processes, as tests/deploy/test_nginx_cache.py adapts it."""
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    servers = " ".join(f"server 127.0.0.1:{upstream};" for upstream in upstreams)
    for old, new in [
        ("resolver 127.0.0.11 valid=10s ipv6=off;", ""),
        ("server web-replica:8000 resolve;", servers),
        ("/var/cache/nginx/colloquy", str(folder / "cache")),
        ("listen 80;", f"listen 127.0.0.1:{port};"),
    ]:
        if old not in site:
            raise StackError(f"deploy/nginx.conf no longer has {old!r}")
        site = site.replace(old, new)
    temp = "\n".join(
        f"{kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;" if os.geteuid() == 0 else ""
    return (
        f"{user}\ndaemon off;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'nginx-error.log'};\n"
        f"events {{}}\nhttp {{\naccess_log {folder / 'nginx-access.log'};\n{temp}\n{site}\n}}\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="check an approval, then stop")
    parser.add_argument("--timeout", type=float, default=600, help="seconds for it all")
    parser.add_argument("--keep-logs", action="store_true", help="keep the logs' folder")
    args = parser.parse_args(argv)

    def stopped(signum, frame):  # noqa: ANN001, ANN202 - a signal handler's signature
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stopped)
    folder = Path(tempfile.mkdtemp(prefix="colloquy-stack-"))
    stack = Stack(folder, deadline=time.monotonic() + args.timeout)
    code = 1
    try:
        stack.up()
        ports = ", ".join(f"{name} 127.0.0.1:{port}" for name, port in stack.ports.items())
        print(f"local-stack: up ({ports}; database {stack.database}; logs in {folder})")
        summary = {"ports": stack.ports, "database": stack.database, "redis": stack.redis_prefix}
        print("local-stack: " + json.dumps(summary))
        if args.check:
            from stack_check import check  # beside this file

            problems = check(stack)
            for problem in problems:
                print(f"local-stack: PROBLEM: {problem}")
            print("local-stack: check " + ("failed" if problems else "passed"))
            code = 1 if problems else 0
        else:
            print(f"local-stack: open http://localhost:{stack.ports['nginx']}/ (Ctrl-C stops it)")
            while all(process.poll() is None for _name, process in stack.processes):
                time.sleep(1)
    except StackError as error:
        print(f"local-stack: {error}", file=sys.stderr)
    except KeyboardInterrupt:
        code = 0 if not args.check else 1
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the clean-up is not cut short
        stack.stop()
        with contextlib.suppress(Exception):
            stack.forget_redis_keys()
        try:
            stack.drop_database()
        except Exception as error:  # say so: a database is left behind
            print(f"local-stack: could not drop {stack.database}: {error}", file=sys.stderr)
        if code == 0 and not args.keep_logs:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"local-stack: logs kept in {folder}")
        print("local-stack: stopped")
    return code


if __name__ == "__main__":
    sys.exit(main())
