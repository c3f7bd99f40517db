"""``manage.py worker`` as the deployment runs it: a process of its own, with its own
settings, against a real SMTP server that is down when the mail is queued and comes back;
it delivers each mail once and stops cleanly on SIGTERM."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core import outbox
from core.models import OutboxMail
from tests.config.test_backup import database_url
from tests.moderation.test_outbox_smtp import Inbox, MailServer

ROOT = Path(__file__).resolve().parents[2]


def wait_until(condition, *, seconds: float = 60.0) -> bool:
    """Poll ``condition`` until it holds (not a timing assertion: a bound on a hang)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.fixture
def worker_process():
    processes = []

    def start(port: int) -> subprocess.Popen:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DATABASE_URL": database_url(),  # the test database, over a socket or TCP
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "WORKER_MAIL_SECONDS": "0.2",
            "OUTBOX_RETRY_SECONDS": "1",
            "OUTBOX_SMTP_TIMEOUT": "5",
        }
        process = subprocess.Popen(
            [sys.executable, "manage.py", "worker"],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.django_db(transaction=True)
def test_the_worker_process_delivers_after_an_outage_and_stops_on_sigterm(worker_process):
    server = MailServer(Inbox())
    queued = [
        outbox.enqueue(to=f"reader{n}@example.org", subject=f"Mail {n}", body="Hi.", kind="t")
        for n in range(5)
    ]
    process = worker_process(server.port)
    try:
        # Down: the worker tries, fails, and keeps the mail.
        assert wait_until(lambda: OutboxMail.objects.filter(attempts__gt=0).exists())
        assert not OutboxMail.objects.filter(state="sent").exists()
        assert process.poll() is None  # a dead mail server does not stop the worker

        server.start()
        assert wait_until(lambda: OutboxMail.objects.filter(state="sent").count() == 5)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        server.stop()
    assert process.returncode == 0, err
    assert "worker: queue moderation digests, send mail, forget old sent mail" in out
    assert server.inbox.ids() == sorted(mail.headers["Message-ID"] for mail in queued)
    assert "ConnectionRefusedError" in err  # the failed attempt was logged
