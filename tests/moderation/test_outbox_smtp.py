"""Against a real SMTP server (aiosmtpd on a free port): while it is down, readers post as
before and nothing is sent in their requests; the mail waits in the outbox, the worker's
failed attempt is listed for moderators, and once the server is back every mail arrives
exactly once, also with two workers sending at the same time."""

import asyncio
import smtplib
import socket
import threading
from email import message_from_bytes

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from comments.addresses import address_confirm
from comments.models import Comment
from core import outbox
from core.models import OutboxMail

controller = pytest.importorskip("aiosmtpd.controller")  # in the dev extra; CI installs it


class Inbox:
    """What the server received: each message's Message-ID and recipients."""

    def __init__(self, delay: float = 0.0):
        self.messages: list = []
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)  # widens the window two workers could race in
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def ids(self) -> list[str]:
        return sorted(message["Message-ID"] for message in self.messages)


class MailServer:
    """An SMTP server on a port chosen now and kept across stop() and start()."""

    def __init__(self, inbox: Inbox):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.inbox = inbox
        self._running = None

    def start(self) -> None:
        self._running = controller.Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._running.start()

    def stop(self) -> None:
        if self._running is not None:
            self._running.stop()
            self._running = None


@pytest.fixture
def server(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.OUTBOX_SMTP_TIMEOUT = 5
    running = MailServer(Inbox())
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", running.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield running
    running.stop()


@pytest.fixture
def connections_opened(monkeypatch):
    """Every connection to a mail server this process opens, by host and port."""
    opened = []
    original = smtplib.SMTP.connect

    def connect(self, host="localhost", port=0, source_address=None):
        opened.append((host, port))
        return original(self, host, port, source_address)

    monkeypatch.setattr(smtplib.SMTP, "connect", connect)
    return opened


def post_as_readers(post, author, make) -> None:
    """A reader's comment that is held, and the author's reply to a reader who asked for
    mail: each queues mail (to the staff; to the reader answered)."""
    asked = make("Is the schedule changing?", email="ruth@example.org")
    Comment.objects.filter(pk=asked.pk).update(notify_replies=True)  # test setup
    address_confirm(address="ruth@example.org")
    reader = Client()
    response = reader.post(
        f"/comments/post/{post.pk}/", {"author_name": "Ann", "body": "A first question."}
    )
    assert response.status_code == 302
    writer = Client()
    writer.force_login(author)
    response = writer.post(f"/comments/post/{post.pk}/", {"body": "No.", "parent": asked.pk})
    assert response.status_code == 302


def test_a_dead_mail_server_costs_readers_nothing_and_no_mail_is_lost(
    server, connections_opened, client, post, author, moderator, make
):
    post_as_readers(post, author, make)  # the server is down
    assert connections_opened == []  # the requests sent nothing
    assert Comment.objects.filter(body="A first question.", status="pending").exists()
    assert Comment.objects.filter(body="No.", status="approved").exists()
    queued = OutboxMail.objects.filter(state="queued")
    assert sorted(queued.values_list("kind", "to")) == [
        ("held", "amara@colloquy.example"),
        ("held", "mod@colloquy.example"),
        ("reply", "ruth@example.org"),
    ]

    # The worker tries, the server refuses the connection: the mail waits, with the reason.
    done = outbox.deliver_due()
    assert (done.sent, done.failed) == (0, 1)
    assert connections_opened == [("127.0.0.1", server.port)]
    [tried] = OutboxMail.objects.filter(attempts=1)
    assert tried.state == "queued" and tried.due_at > timezone.now()
    assert "ConnectionRefusedError" in tried.last_error
    client.force_login(moderator)
    listed = client.get("/admin/core/outboxmail/?attempts__gt=0&sent_at__isnull=True").text
    assert "ConnectionRefusedError" in listed and tried.to in listed

    # Back up: the next rounds (later, when the retry is due) deliver each mail once.
    server.start()
    later = timezone.now() + outbox.retry_delay(1)
    assert outbox.deliver_due(now=later).sent == 3
    assert outbox.deliver_due(now=later).sent == 0
    assert server.inbox.ids() == sorted(m.headers["Message-ID"] for m in queued.model.objects.all())
    assert sorted(m["To"] for m in server.inbox.messages) == [
        "amara@colloquy.example",
        "mod@colloquy.example",
        "ruth@example.org",
    ]
    assert not OutboxMail.objects.exclude(state="sent").exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_deliver_every_mail_exactly_once(server):
    server.inbox.delay = 0.01
    server.start()
    queued = [
        outbox.enqueue(to=f"reader{n}@example.org", subject=f"Mail {n}", body="Hi.", kind="t")
        for n in range(24)
    ]
    barrier = threading.Barrier(2)
    results = []

    def work():
        try:
            barrier.wait()
            results.append(outbox.deliver_due())
        finally:
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(2)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    assert sum(result.sent for result in results) == 24
    assert server.inbox.ids() == sorted(mail.headers["Message-ID"] for mail in queued)
    assert OutboxMail.objects.filter(state="sent", attempts=1).count() == 24
