"""Readers' email addresses: a claim until their owner confirms it.

Anyone can type any address into the comment form, so an address earns nothing by being
typed: neither trust (its approved comments letting new ones through) nor mail (reply
notifications, edit notices). It earns both once its owner has followed a signed link
mailed to it. The moderation app signs and mails the links (it owns reader mail); this
module keeps the record and answers "is this address confirmed?".

Addresses are compared in one form, ``comments.text.normalise_email``.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import EmailAddress
from .text import normalise_email


def is_confirmed(address: str) -> bool:
    email = normalise_email(address)
    return bool(email) and EmailAddress.objects.confirmed().filter(email=email).exists()


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


def confirmation_mail_claim(
    *, address: str, period: datetime.timedelta
) -> datetime.datetime | None:
    """Reserve the right to mail a confirmation link to ``address`` now.

    Returns the reservation's time, or None when the address is already confirmed, is
    empty, or had a link mailed less than ``period`` ago: at most one pending link per
    address, so the comment form cannot be used to flood someone's inbox. The reservation
    is one conditional UPDATE, so concurrent requests (on any web node) get one mail.
    """
    email = normalise_email(address)
    if not email:
        return None
    now = timezone.now()
    _ensure_row(email, now)
    claimed = (
        EmailAddress.objects.filter(email=email, confirmed_at__isnull=True)
        .filter(Q(confirmation_sent_at__isnull=True) | Q(confirmation_sent_at__lte=now - period))
        .update(confirmation_sent_at=now)
    )
    return now if claimed else None


def confirmation_mail_release(*, address: str, claimed_at: datetime.datetime) -> None:
    """Give back a reservation whose mail could not be sent, so a later comment may retry."""
    EmailAddress.objects.filter(
        email=normalise_email(address), confirmation_sent_at=claimed_at
    ).update(confirmation_sent_at=None)
