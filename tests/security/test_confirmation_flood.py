"""Issue 21, item 7: confirmation mail is limited per mailbox and per sender.

The probe: 5 posts with ``victim+0…4@example.org`` and "notify me" sent 5 confirmation
mails to one mailbox in a minute; "one confirmation mail per address" counted each
"+tag" as a new address. Replayed through the comment form and the mail outbox.
"""

import datetime
import itertools
import threading

import pytest
from django.db import connection
from django.test import Client

from comments.addresses import confirmation_mail_claim, mailbox_of
from comments.models import Comment, ConfirmationMail, EmailAddress
from moderation.models import PolicySettings

_addresses = itertools.count(1)
PERIOD = datetime.timedelta(hours=48)


def fresh_ip() -> str:
    return f"198.51.100.{next(_addresses) % 250 + 1}"


@pytest.fixture(autouse=True)
def no_rate_limit(db, readers_mail_only):
    PolicySettings.objects.update_or_create(pk=1, defaults={"comments_per_minute": 1000})


@pytest.fixture
def send(post, mail_on_commit):
    def _send(address: str, *, ip: str | None = None) -> None:
        with mail_on_commit():
            response = Client().post(
                f"/comments/post/{post.pk}/",
                {"body": f"Tell me about replies ({address}).", "author_email": address,
                 "notify_replies": "on"},
                REMOTE_ADDR=ip or fresh_ip(),
            )  # fmt: skip
        assert response.status_code == 302

    return _send


def inboxes(mailoutbox) -> list[str]:
    return sorted(mailbox_of(message.to[0]) for message in mailoutbox)


@pytest.mark.parametrize("same_sender", [True, False], ids=["one sender", "five senders"])
def test_plus_addresses_of_one_mailbox_get_one_confirmation_mail(send, mailoutbox, same_sender):
    for number in range(5):
        send(f"victim+{number}@example.org", ip="203.0.113.9" if same_sender else None)
    send("VICTIM+shout@Example.ORG")
    send("victim@example.org")
    assert inboxes(mailoutbox) == ["victim@example.org"]
    assert Comment.objects.count() == 7  # every comment stored; only the mail is limited


def test_other_mailboxes_still_get_theirs(send, mailoutbox):
    send("victim+0@example.org")
    send("ruth@example.org")
    send("victim@elsewhere.example")
    assert inboxes(mailoutbox) == [
        "ruth@example.org",
        "victim@elsewhere.example",
        "victim@example.org",
    ]


def test_one_sender_gets_at_most_the_hourly_number_of_mails_sent(send, mailoutbox, settings):
    settings.COMMENTS_CONFIRMATION_MAILS_PER_SENDER_HOUR = 5
    for number in range(8):
        send(f"reader{number}@example.org", ip="203.0.113.77")
    assert len(mailoutbox) == 5
    send("reader99@example.org")  # someone else, elsewhere
    assert len(mailoutbox) == 6


def test_after_a_period_the_mailbox_may_be_mailed_again(send, mailoutbox):
    send("victim+0@example.org")
    long_ago = datetime.datetime.now(datetime.UTC) - PERIOD - datetime.timedelta(minutes=1)
    ConfirmationMail.objects.update(sent_at=long_ago)  # test setup: time has passed
    EmailAddress.objects.update(confirmation_sent_at=long_ago)
    send("victim+1@example.org")
    assert len(mailoutbox) == 2


def test_mailbox_of():
    assert mailbox_of(" Victim+3@Example.ORG ") == "victim@example.org"
    assert mailbox_of("a+b+c@x.example") == "a@x.example"
    assert mailbox_of("plain@x.example") == "plain@x.example"


@pytest.mark.django_db(transaction=True)
def test_simultaneous_claims_for_one_mailbox_get_one_reservation():
    claimed = []
    barrier = threading.Barrier(8)

    def claim(number: int) -> None:
        try:
            barrier.wait()
            when = confirmation_mail_claim(address=f"victim+{number}@example.org", period=PERIOD)
            claimed.append(when)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len([when for when in claimed if when is not None]) == 1
    assert ConfirmationMail.objects.count() == 1
