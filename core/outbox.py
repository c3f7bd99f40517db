"""The outbox: every mail the site sends is queued here and delivered by the worker.

Why: a slow or dead mail server must not slow or fail a reader's request, and a mail must
not be lost because the server was down when it was due. So the code that decides to mail
calls ``enqueue`` inside its own transaction (a rolled-back request queues nothing), and
``python manage.py worker`` calls ``deliver_due``, which

- takes one due mail at a time with ``SELECT … FOR UPDATE SKIP LOCKED`` and keeps the row
  locked while it talks to the mail server, so two workers never send the same mail, and
  marks it sent in the same transaction;
- on a failure records the error and tries again later, waiting twice as long each time
  (``OUTBOX_RETRY_SECONDS`` doubling up to ``OUTBOX_RETRY_MAX_SECONDS``), and gives up after
  ``OUTBOX_MAX_ATTEMPTS``: the admin's outbox lists what failed and can send it again;
- ends its round when the server cannot be reached at all, instead of trying every
  waiting mail against a server that is down.
"""

import contextlib
import datetime
import logging
import smtplib
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import make_msgid
from django.db import connection, transaction
from django.utils import timezone

from .models import OutboxMail

logger = logging.getLogger(__name__)
State = OutboxMail.State

# The server took the connection but refused this one message: try the next one.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


@dataclass(frozen=True)
class Outgoing:
    """A mail to queue: one recipient, plain text."""

    to: str
    subject: str
    body: str
    kind: str
    headers: dict[str, str] | None = None


@dataclass
class Delivery:
    """What one round of ``deliver_due`` did."""

    sent: int = 0
    failed: int = 0  # attempts that failed (the mail waits for a retry or was given up)

    def __str__(self) -> str:
        return f"{self.sent} sent, {self.failed} failed"


def _domain() -> str:
    """The sender's domain, for the Message-IDs of our mail."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"


def _row(mail: Outgoing, now: datetime.datetime) -> OutboxMail:
    if not mail.to or "\n" in mail.to or "\r" in mail.to:
        raise ValueError(f"not one address: {mail.to!r}")
    headers = {"Message-ID": make_msgid(domain=_domain())} | dict(mail.headers or {})
    return OutboxMail(
        kind=mail.kind,
        to=mail.to,
        subject=" ".join(mail.subject.split()),  # a line break in a title must not stop it
        body=mail.body,
        headers=headers,
        due_at=now,
        created_at=now,
    )


def enqueue(
    *, to: str, subject: str, body: str, kind: str, headers: dict[str, str] | None = None
) -> OutboxMail:
    """Queue one mail, in the caller's transaction; the worker sends it after the commit."""
    row = _row(Outgoing(to, subject, body, kind, headers), timezone.now())
    row.save(force_insert=True)
    return row


def enqueue_many(mails: list[Outgoing]) -> list[OutboxMail]:
    """Queue several mails with one INSERT (the held-comment notices of one comment)."""
    now = timezone.now()
    return OutboxMail.objects.bulk_create([_row(mail, now) for mail in mails]) if mails else []


def enqueue_to_each(*, addresses_sql: str, params: dict, subject: str, body: str,
                    kind: str) -> int:  # fmt: skip
    """Queue the same mail to each address ``addresses_sql`` selects (one column, the
    address; ``%(name)s`` parameters from ``params``), in one statement: no query to read
    the addresses first, nothing compiled by the ORM. Returns how many were queued."""
    table = OutboxMail._meta.db_table
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} (kind, "to", subject, body, headers, state, attempts, '  # noqa: S608
            "due_at, created_at, last_error) "
            "SELECT %(_kind)s, address, %(_subject)s, %(_body)s, "
            "jsonb_build_object('Message-ID', '<' || gen_random_uuid() || '@' || %(_domain)s "
            "|| '>'), %(_queued)s, 0, %(_now)s, %(_now)s, '' "
            f"FROM ({addresses_sql}) AS recipients (address)",
            {
                **params,
                "_kind": kind,
                "_subject": " ".join(subject.split()),
                "_body": body,
                "_domain": _domain(),
                "_queued": State.QUEUED.value,
                "_now": now,
            },
        )
        return cursor.rowcount


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long to wait after the ``attempts``-th failed attempt: doubling, capped."""
    seconds = settings.OUTBOX_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, settings.OUTBOX_RETRY_MAX_SECONDS))


def _message(mail: OutboxMail, connection: BaseEmailBackend) -> EmailMessage:
    return EmailMessage(
        subject=mail.subject,
        body=mail.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to],
        headers=mail.headers,
        connection=connection,
    )


def _next_due(now: datetime.datetime) -> OutboxMail | None:
    """The oldest due mail no other worker holds, locked until this transaction ends."""
    return (
        OutboxMail.objects.select_for_update(skip_locked=True)
        .filter(state=State.QUEUED, due_at__lte=now)
        .order_by("due_at", "id")
        .first()
    )


def _record_failure(mail: OutboxMail, error: Exception, now: datetime.datetime) -> None:
    mail.attempts += 1
    mail.last_error = f"{type(error).__name__}: {error}"[:2000]
    if mail.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        mail.state = State.FAILED
        logger.error("mail %s to %s given up: %s", mail.pk, mail.to, mail.last_error)
    else:
        mail.due_at = now + retry_delay(mail.attempts)
        logger.warning(
            "mail %s to %s failed (attempt %s), next at %s: %s",
            mail.pk, mail.to, mail.attempts, mail.due_at.isoformat(), mail.last_error,
        )  # fmt: skip
    mail.save(update_fields=["attempts", "last_error", "state", "due_at"])


def deliver_due(*, now: datetime.datetime | None = None, limit: int | None = None) -> Delivery:
    """Send the mail that is due (at most ``limit``), each exactly once across workers.

    ``now``: the clock that decides what is due and when a retry is (tests move it on).
    """
    now = now or timezone.now()
    limit = settings.OUTBOX_BATCH if limit is None else limit
    done = Delivery()
    connection: BaseEmailBackend | None = None
    try:
        while done.sent + done.failed < limit:
            with transaction.atomic():
                mail = _next_due(now)
                if mail is None:
                    break
                try:
                    if connection is None:
                        connection = get_connection(timeout=settings.OUTBOX_SMTP_TIMEOUT)
                        connection.open()
                    _message(mail, connection).send()
                except MESSAGE_ERRORS as error:
                    _record_failure(mail, error, now)
                    done.failed += 1
                    continue
                except Exception as error:  # the server is unreachable or broke off
                    _record_failure(mail, error, now)
                    done.failed += 1
                    break  # the rest waits for the next round rather than time out in turn
                mail.state = State.SENT
                mail.attempts += 1
                mail.sent_at = timezone.now()
                mail.save(update_fields=["state", "attempts", "sent_at"])
                done.sent += 1
    finally:
        if connection is not None:
            with contextlib.suppress(Exception):  # closing a broken connection may fail too
                connection.close()
    return done


@transaction.atomic
def mail_retry(*, mail: OutboxMail) -> OutboxMail:
    """Send a failed (or waiting) mail again at the next round, as if newly queued."""
    mail = OutboxMail.objects.select_for_update().get(pk=mail.pk)
    if mail.state == State.SENT:
        return mail
    mail.state = State.QUEUED
    mail.due_at = timezone.now()
    mail.save(update_fields=["state", "due_at"])
    return mail


def purge_sent(*, now: datetime.datetime | None = None) -> int:
    """Forget mail sent more than ``OUTBOX_KEEP_SENT_DAYS`` ago (it holds readers' words
    and addresses; the failed stay until a moderator deals with them)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.OUTBOX_KEEP_SENT_DAYS)
    deleted, _ = OutboxMail.objects.filter(state=State.SENT, sent_at__lt=cutoff).delete()
    return deleted


def trouble_count() -> int:
    """Mail that failed at least once and is not sent: what moderators should look at."""
    return OutboxMail.objects.exclude(state=State.SENT).filter(attempts__gt=0).count()
