"""The outbox: mail is queued with the change that caused it and sent by the worker, once,
with retries that wait longer each time, and failures a moderator can see and resend."""

import datetime
import smtplib
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from comments.addresses import address_confirm
from comments.models import Comment
from core import outbox
from core import worker as loop
from core.models import OutboxMail
from moderation import services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("readers_mail_only")]


@pytest.fixture
def asked(make):
    """Ruth's approved comment; she asked to hear of replies and confirmed her address."""
    comment = make("Is the infusion schedule changing?", name="Ruth", email="ruth@example.org")
    Comment.objects.filter(pk=comment.pk).update(notify_replies=True)  # test setup
    address_confirm(address="ruth@example.org")
    comment.refresh_from_db()
    return comment


def queue(count: int = 1) -> list[OutboxMail]:
    return [
        outbox.enqueue(to=f"reader{n}@example.org", subject=f"Mail {n}", body="Hello.", kind="t")
        for n in range(count)
    ]


@pytest.fixture
def refusing(monkeypatch):
    """The mail server's answer to every message: ``refusing.error`` (None: accepted)."""

    class Server:
        error: Exception | None = smtplib.SMTPServerDisconnected("mail server went away")
        tried: list[str] = []

    def send(self, *args, **kwargs):
        Server.tried.append(self.to[0])
        if Server.error is not None:
            raise Server.error
        return original(self, *args, **kwargs)

    original = mail.EmailMessage.send
    monkeypatch.setattr(mail.EmailMessage, "send", send)
    return Server


def test_a_reply_is_queued_in_its_transaction_and_sent_after(asked, submit, author, mailoutbox):
    submit("Not this year.", parent=asked, user=author)
    [queued] = OutboxMail.objects.all()
    assert (queued.to, queued.state, queued.kind) == ("ruth@example.org", "queued", "reply")
    assert mailoutbox == []
    assert str(outbox.deliver_due()) == "1 sent, 0 failed"
    [message] = mailoutbox
    assert message.to == ["ruth@example.org"] and "Not this year." in message.body
    assert message.extra_headers["Message-ID"] == queued.headers["Message-ID"]
    queued.refresh_from_db()
    assert queued.state == "sent" and queued.sent_at is not None and queued.attempts == 1


def test_a_rolled_back_decision_queues_nothing(asked, make, moderator, mailoutbox):
    held = make("An answer.", parent=asked, status=Comment.Status.PENDING)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.comment_approve(comment=held, actor=moderator)
        assert OutboxMail.objects.count() == 1  # queued inside the transaction...
        raise RuntimeError("the request failed after the approval")
    assert OutboxMail.objects.count() == 0  # ...and gone with it
    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING
    outbox.deliver_due()
    assert mailoutbox == []


def test_each_mail_is_sent_once(mailoutbox):
    queue(3)
    assert outbox.deliver_due().sent == 3
    assert outbox.deliver_due().sent == 0
    assert sorted(message.subject for message in mailoutbox) == ["Mail 0", "Mail 1", "Mail 2"]


def test_a_failed_mail_waits_longer_each_time_then_is_given_up(refusing, mailoutbox, settings):
    settings.OUTBOX_RETRY_SECONDS, settings.OUTBOX_MAX_ATTEMPTS = 30, 4
    [queued] = queue()
    now = timezone.now()
    waits = []
    for _attempt in range(3):
        assert outbox.deliver_due(now=now).failed == 1
        queued.refresh_from_db()
        waits.append((queued.due_at - now).total_seconds())
        assert outbox.deliver_due(now=queued.due_at - datetime.timedelta(seconds=1)).failed == 0
        now = queued.due_at
    assert waits == [30, 60, 120]
    assert queued.state == "queued" and queued.attempts == 3
    assert queued.last_error == "SMTPServerDisconnected: mail server went away"
    outbox.deliver_due(now=now)
    queued.refresh_from_db()
    assert queued.state == "failed" and queued.attempts == 4  # given up: listed, not retried
    assert outbox.deliver_due(now=now + datetime.timedelta(days=9)).failed == 0
    assert mailoutbox == []

    refusing.error = None
    outbox.mail_retry(mail=queued)
    assert outbox.deliver_due().sent == 1
    [message] = mailoutbox
    assert message.subject == "Mail 0"


def test_the_wait_doubles_up_to_its_cap(settings):
    settings.OUTBOX_RETRY_SECONDS, settings.OUTBOX_RETRY_MAX_SECONDS = 30, 3600
    waits = [outbox.retry_delay(n).total_seconds() for n in range(1, 10)]
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_a_dead_server_ends_the_round_at_the_first_mail(refusing, mailoutbox):
    queue(5)
    assert str(outbox.deliver_due()) == "0 sent, 1 failed"
    assert len(refusing.tried) == 1  # not five timeouts in a row
    assert OutboxMail.objects.filter(attempts=0, state="queued").count() == 4


def test_one_refused_address_does_not_hold_up_the_others(refusing, mailoutbox):
    refusing.error = smtplib.SMTPRecipientsRefused({"reader0@example.org": (550, b"no such user")})
    queue(3)
    done = outbox.deliver_due()
    assert (done.sent, done.failed) == (0, 3)  # every mail tried: the server is up
    assert len(refusing.tried) == 3


def test_sent_mail_is_forgotten_after_its_time(settings, mailoutbox):
    settings.OUTBOX_KEEP_SENT_DAYS = 30
    old, new, failed = queue(3)
    outbox.deliver_due()
    OutboxMail.objects.filter(pk=old.pk).update(sent_at=timezone.now() - datetime.timedelta(31))
    OutboxMail.objects.filter(pk=failed.pk).update(state="failed", sent_at=None)
    assert outbox.purge_sent() == 1
    assert set(OutboxMail.objects.values_list("pk", flat=True)) == {new.pk, failed.pk}


def test_an_address_must_be_one_address():
    with pytest.raises(ValueError, match="not one address"):
        outbox.enqueue(to="a@example.org\nBcc: b@example.org", subject="s", body="b", kind="t")


def test_worker_once_sends_what_is_due(mailoutbox, capsys):
    queue(2)
    call_command("worker", "--once")
    assert len(mailoutbox) == 2
    assert not OutboxMail.objects.filter(state="queued").exists()


def test_worker_once_fails_loudly_when_a_job_fails(monkeypatch):
    def broken():
        raise RuntimeError("broken job")

    monkeypatch.setattr(outbox, "deliver_due", broken)
    with pytest.raises(CommandError, match="1 job"):
        call_command("worker", "--once")


def test_a_failing_job_stops_no_other():
    ran = []

    def broken():
        raise RuntimeError("broken job")

    jobs = [loop.Job("broken", 60, broken), loop.Job("fine", 60, lambda: ran.append(1))]
    assert loop.run(jobs, once=True) == 1
    assert ran == [1]


def test_the_loop_runs_each_job_at_its_interval_until_stopped():
    """A fake clock: the fast job runs each tick, the slow one every third; then stop."""
    now = [0.0]
    runs = {"fast": 0, "slow": 0}
    stop = threading.Event()

    class Ticking(threading.Event):
        def wait(self, timeout=None):
            now[0] += 1.0
            if now[0] >= 6:
                stop.set()
            return stop.is_set()

        def is_set(self):
            return stop.is_set()

    jobs = [
        loop.Job("fast", 1.0, lambda: runs.__setitem__("fast", runs["fast"] + 1)),
        loop.Job("slow", 3.0, lambda: runs.__setitem__("slow", runs["slow"] + 1)),
    ]
    assert loop.run(jobs, stop=Ticking(), clock=lambda: now[0]) == 0
    assert runs == {"fast": 6, "slow": 2}


def test_the_workers_jobs_are_one_list():
    """What the worker does is one list of jobs: the spam filter's retraining is one line
    of it (tests/moderation/test_spam_safety.py runs it)."""
    from moderation.management.commands import worker

    names = [job.name for job in worker.jobs()]
    assert names == [
        "queue moderation digests",
        "send mail",
        "forget old sent mail",
        "retrain the spam filter when due",
    ]
    assert all(isinstance(job, loop.Job) and job.every > 0 for job in worker.jobs())
