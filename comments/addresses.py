"""Readers' email addresses: a claim until their owner confirms it.

Anyone can type any address into the comment form, so an address earns nothing by being
typed: neither trust (its approved comments letting new ones through) nor mail (reply
notifications, edit notices). It earns both once its owner has followed a signed link
mailed to it. The moderation app signs and mails the links (it owns reader mail); this
module keeps the record and answers "is this address confirmed?".

Addresses are compared in one form, ``comments.text.normalise_email``.
"""

import datetime
import functools
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import Comment, ConfirmationMail, EmailAddress
from .text import normalise_email


def is_confirmed(address: str) -> bool:
    email = normalise_email(address)
    return bool(email) and EmailAddress.objects.confirmed().filter(email=email).exists()


@dataclass(frozen=True)
class Standing:
    """What an address has earned, read in one query: the policy asks it of every new
    comment and the confirmation mail after it, so the one answer serves both."""

    approved_comment: bool  # a visible comment was written under it (any case)
    confirmed: bool
    link_sent_at: datetime.datetime | None  # the last confirmation link mailed to it

    def link_pending(self, period: datetime.timedelta, now: datetime.datetime) -> bool:
        return self.link_sent_at is not None and self.link_sent_at > now - period


NO_STANDING = Standing(approved_comment=False, confirmed=False, link_sent_at=None)


def standing(address: str) -> Standing:
    """``address``'s standing: ``with_email(...).visible().exists()``, ``is_confirmed`` and
    the pending link, in one round trip."""
    email = normalise_email(address)
    if not email:
        return NO_STANDING
    sql, params = _standing_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, [email if param == _PROBE else param for param in params])
        approved_comment, confirmed, sent_at = cursor.fetchone()
    return Standing(approved_comment, confirmed, sent_at)


# Stands for the address while ``_standing_query`` is compiled (already in normal form).
_PROBE = "probe@example.invalid"


@functools.cache
def _standing_query() -> tuple[str, list]:
    # Compiled once per process from ``with_email`` (the one SQL comparison of readers'
    # addresses): compiling it on every submission cost more than running it.
    approved = Comment.objects.with_email(_PROBE).visible().order_by().values("pk")[:1]
    approved_sql, approved_params = approved.query.sql_with_params()
    # The ORM's SQL and our table name; the values are parameters.
    sql = (
        f"SELECT EXISTS({approved_sql}), a.confirmed_at IS NOT NULL, a.confirmation_sent_at "  # noqa: S608
        f"FROM (SELECT 1) AS one LEFT JOIN {EmailAddress._meta.db_table} a ON a.email = %s"
    )
    return sql, [*approved_params, _PROBE]


def _ensure_row(email: str, now: datetime.datetime) -> None:
    # INSERT … ON CONFLICT DO NOTHING: two requests for a new address cannot collide.
    EmailAddress.objects.bulk_create(
        [EmailAddress(email=email, created_at=now)], ignore_conflicts=True
    )


@transaction.atomic
def address_confirm(*, address: str) -> EmailAddress:
    """Record that the owner of ``address`` proved it (followed a signed link mailed to it).

    Confirming again changes nothing: the first confirmation's time is kept.
    """
    email = normalise_email(address)
    if not email:
        raise ValueError("an empty address cannot be confirmed")
    now = timezone.now()
    _ensure_row(email, now)
    EmailAddress.objects.filter(email=email, confirmed_at__isnull=True).update(confirmed_at=now)
    return EmailAddress.objects.get(email=email)


def mailbox_of(address: str) -> str:
    """The inbox an address reaches: "Victim+3@Example.org" → "victim@example.org".

    Plus-addressing (a "+tag" after the local part) is how most mail services give one
    inbox many addresses; other schemes (dots at Gmail) are not undone."""
    email = normalise_email(address)
    local, at, domain = email.rpartition("@")
    if not at:
        return email.casefold()
    return f"{local.split('+', 1)[0].casefold()}@{domain.casefold()}"


SENDER_WINDOW = datetime.timedelta(hours=1)


@transaction.atomic
def confirmation_mail_claim(
    *, address: str, period: datetime.timedelta, ip_hash: str = ""
) -> datetime.datetime | None:
    """Reserve the right to mail a confirmation link to ``address`` now.

    Returns the reservation's time, or None when the address is already confirmed, is
    empty, or had a link mailed less than ``period`` ago; when its mailbox (the address
    without its "+tag") had one within ``period``, whatever the tag; or when the sender
    (``ip_hash``, the address the comment came from) has had
    ``COMMENTS_CONFIRMATION_MAILS_PER_SENDER_HOUR`` mailed in the last hour. So the form
    cannot be used to flood an inbox, or many inboxes from one place. Concurrent requests
    (on any web node) serialise on a PostgreSQL advisory lock per mailbox and per sender,
    and the address's own reservation is one statement, so they get one mail.
    """
    email = normalise_email(address)
    if not email:
        return None
    now = timezone.now()
    mailbox = mailbox_of(email)
    table = EmailAddress._meta.db_table
    with connection.cursor() as cursor:
        # Always the mailbox first, then the sender: no two claims wait on each other.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"confirm:{mailbox}"])
        if ip_hash:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"confirm:{ip_hash}"])
        ConfirmationMail.objects.filter(sent_at__lt=now - max(period, SENDER_WINDOW)).delete()
        if ConfirmationMail.objects.filter(mailbox=mailbox, sent_at__gt=now - period).exists():
            return None
        per_sender = settings.COMMENTS_CONFIRMATION_MAILS_PER_SENDER_HOUR
        sent = ConfirmationMail.objects.filter(ip_hash=ip_hash, sent_at__gt=now - SENDER_WINDOW)
        if ip_hash and sent.count() >= per_sender:
            return None
        # ON CONFLICT DO UPDATE locks the existing row, so of simultaneous claims one
        # updates it and the others find its new confirmation_sent_at and return nothing.
        cursor.execute(
            f"INSERT INTO {table} AS a (email, confirmation_sent_at, created_at) "  # noqa: S608
            "VALUES (%s, %s, %s) ON CONFLICT (email) DO UPDATE "
            "SET confirmation_sent_at = excluded.confirmation_sent_at "
            "WHERE a.confirmed_at IS NULL "
            "AND (a.confirmation_sent_at IS NULL OR a.confirmation_sent_at <= %s) "
            "RETURNING a.id",
            [email, now, now, now - period],
        )
        claimed = cursor.fetchone() is not None
    if not claimed:
        return None
    ConfirmationMail.objects.create(mailbox=mailbox, ip_hash=ip_hash, sent_at=now)
    return now
