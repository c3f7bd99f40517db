"""Gunicorn in a subprocess, as production runs it: sync workers on a loopback port."""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
READY_PATH = "/bench/trivial/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """One gunicorn master with ``workers`` sync workers; ``env`` adds to os.environ."""

    def __init__(self, name: str, env: dict[str, str], log_dir: Path, *, workers: int = 2):
        self.name = name
        self.env = {**os.environ, **env}
        self.log_path = log_dir / f"gunicorn-{name}.log"
        self.workers = workers
        self.port = 0
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, timeout: float = 60) -> None:
        self.port = free_port()
        command = [
            sys.executable, "-m", "gunicorn", "config.wsgi",
            "--workers", str(self.workers), "--worker-class", "sync",
            "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning",
            "--error-logfile", str(self.log_path),
        ]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn ({self.name}) exited:\n{self.log_tail()}")
            if self._answers() and len(self.worker_processes()) == self.workers:
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn ({self.name}) did not answer in {timeout} s")

    def _answers(self) -> bool:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request("GET", READY_PATH)
            return connection.getresponse().status == 200
        except OSError:
            return False
        finally:
            connection.close()

    def worker_processes(self) -> list[psutil.Process]:
        if self.process is None or self.process.poll() is not None:
            return []
        return psutil.Process(self.process.pid).children()

    def memory(self) -> list[dict]:
        """Each worker's resident memory now and at its peak (VmHWM), in MiB."""
        figures = []
        for worker in self.worker_processes():
            rss = worker.memory_info().rss
            peak = rss
            status = Path(f"/proc/{worker.pid}/status")
            if status.exists():
                for line in status.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak = int(line.split()[1]) * 1024
            figures.append(
                {"pid": worker.pid, "rss_mib": rss / 2**20, "peak_rss_mib": peak / 2**20}
            )
        return figures

    def cpu_seconds(self) -> float:
        """User and system CPU time the workers have used so far."""
        total = 0.0
        for worker in self.worker_processes():
            with contextlib.suppress(psutil.NoSuchProcess):
                times = worker.cpu_times()
                total += times.user + times.system
        return total

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        workers = self.worker_processes()
        self.process.send_signal(signal.SIGTERM)  # graceful: workers finish, then exit
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for worker in workers:  # after a kill, or a worker that outlived its master
            with contextlib.suppress(psutil.NoSuchProcess):
                worker.kill()
