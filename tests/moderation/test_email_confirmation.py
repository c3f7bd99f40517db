"""Confirming readers' addresses: one normal form, the confirmation page, the one pending
mail per address, and no reader mail to an address its owner has not confirmed.

The issue's steps, replayed through the form, are in tests/security/test_email_trust.py.
"""

import datetime
import re
import smtplib
import threading

import pytest
from django.conf import settings
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from comments.addresses import address_confirm, confirmation_mail_claim, is_confirmed
from comments.models import Comment, ConfirmationMail, EmailAddress
from comments.reasons import describe_all
from comments.text import normalise_email, same_email
from core import outbox
from moderation import services
from moderation.models import PolicySettings
from moderation.notifications import confirmation_token, unsubscribe_token
from tests.plans import plan

# Readers' mail only here: staff hear of held comments in test_outbox_held.py.
pytestmark = pytest.mark.usefixtures("readers_mail_only")

CONFIRM_LINK = re.compile(r"https?://\S+/notifications/confirm/\S+/")
PERIOD = datetime.timedelta(hours=settings.COMMENTS_EMAIL_CONFIRMATION_HOURS)


def path_of(link: str) -> str:
    return link.removeprefix(settings.SITE_URL.rstrip("/"))


# -- one form of an address ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "normal"),
    [("Ruth@Example.ORG", "ruth@example.org"), ("  ruth@example.org\n", "ruth@example.org"),
     ("", ""), (None, "")],
)  # fmt: skip
def test_normalise_email(typed, normal):
    assert normalise_email(typed) == normal


def test_same_email_ignores_case_and_never_matches_an_empty_address():
    assert same_email("Ruth@Example.org", " ruth@example.ORG")
    assert not same_email("ruth@example.org", "ann@example.org")
    assert not same_email("", "")


def test_addresses_are_stored_normalised_and_the_database_insists(db):
    EmailAddress.objects.create(email=" Ruth@Example.ORG ")
    assert list(EmailAddress.objects.values_list("email", flat=True)) == ["ruth@example.org"]
    with pytest.raises(IntegrityError), transaction.atomic():
        EmailAddress.objects.update(email="Ruth@example.org")  # a raw write that skips save()
    with pytest.raises(IntegrityError), transaction.atomic():
        EmailAddress.objects.create(email="RUTH@example.org")  # the same address again


def test_with_email_finds_every_case_and_uses_the_email_index(make):
    ruth = [make("One.", email="ruth@example.org"), make("Two.", email="RUTH@Example.org")]
    make("Not Ruth.", email="ann@example.org")
    make("No address.")
    assert set(Comment.objects.with_email(" Ruth@EXAMPLE.org")) == set(ruth)
    assert list(Comment.objects.with_email("")) == []
    query = Comment.objects.with_email("ruth@example.org").filter(status="approved")
    sql, params = query.query.sql_with_params()
    assert "comment_email_status" in plan(sql, params, table="comments_comment")


# -- who is confirmed -----------------------------------------------------------------------


def test_nothing_is_confirmed_until_its_owner_says_so(make):
    make("An imported regular.", email="marek@example.org")
    assert not is_confirmed("marek@example.org")
    assert not EmailAddress.objects.exists()  # neither the import nor the migration vouch
    address_confirm(address="Marek@Example.org")
    assert is_confirmed("MAREK@example.org")
    assert not is_confirmed("")


def test_confirming_twice_keeps_the_first_time(db):
    first = address_confirm(address="ruth@example.org").confirmed_at
    assert address_confirm(address="RUTH@example.org").confirmed_at == first


# -- the confirmation page ------------------------------------------------------------------


def test_opening_the_link_asks_and_confirms_nothing(client, db):
    response = client.get(f"/notifications/confirm/{confirmation_token('Ruth@Example.org')}/")
    assert response.status_code == 200
    assert "ruth@example.org" in response.text
    assert re.search(r'<form method="post"><input type="hidden" name="csrfmiddlewaretoken"'
                     r'[^>]*><button type="submit">Yes, confirm my address</button>',
                     response.text)  # fmt: skip
    assert 'name="robots" content="noindex"' in response.text
    assert not is_confirmed("ruth@example.org")


def test_pressing_the_button_confirms_and_says_so(client, db):
    url = f"/notifications/confirm/{confirmation_token('ruth@example.org')}/"
    response = client.post(url)
    assert response.status_code == 200
    assert "is confirmed" in response.text
    assert is_confirmed("ruth@example.org")
    again = client.get(url)  # the link again, later: nothing left to ask
    assert "is confirmed" in again.text
    assert "<form" not in again.text.split("<main", 1)[1]


def test_the_confirm_button_needs_the_pages_csrf_token(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    url = f"/notifications/confirm/{confirmation_token('ruth@example.org')}/"
    assert client.post(url).status_code == 403
    assert not is_confirmed("ruth@example.org")


def test_an_unsubscribe_link_is_not_a_confirmation_link_nor_the_other_way(client, db):
    token = unsubscribe_token("ruth@example.org")
    response = client.post(f"/notifications/confirm/{token}/")
    assert response.status_code == 400
    assert "not valid" in response.text
    assert not is_confirmed("ruth@example.org")
    confirm = confirmation_token("ruth@example.org")
    assert client.post(f"/notifications/unsubscribe/{confirm}/").status_code == 404


# -- the confirmation mail ------------------------------------------------------------------


def test_ticking_notify_mails_one_signed_link_and_the_form_says_so(client, post, mailoutbox,
                                                                   mail_on_commit):  # fmt: skip
    with mail_on_commit():
        response = client.post(
            f"/comments/post/{post.pk}/",
            {"author_name": "Ruth", "author_email": "Ruth@Example.org", "notify_replies": "on",
             "body": "Tell me when someone answers."},
            follow=True,
        )  # fmt: skip
    assert "once you confirm your address" in response.text
    [message] = mailoutbox
    assert message.to == ["Ruth@Example.org"]
    assert post.title in message.body
    assert f"{settings.COMMENTS_EMAIL_CONFIRMATION_HOURS} hours" in message.body
    assert "Ruth" not in message.body.replace("Ruth@Example.org", "")  # no commenter's words
    [link] = CONFIRM_LINK.findall(message.body)
    assert link.startswith(settings.SITE_URL.rstrip("/") + "/notifications/confirm/")
    client.post(path_of(link))
    assert is_confirmed("ruth@example.org")


def test_no_notify_no_mail_and_no_word_about_confirming(client, post, mailoutbox, mail_on_commit):
    with mail_on_commit():
        response = client.post(
            f"/comments/post/{post.pk}/",
            {"author_email": "ruth@example.org", "body": "Just a comment."},
            follow=True,
        )
    assert mailoutbox == []
    assert "confirm your address" not in response.text
    assert not EmailAddress.objects.exists()


def test_a_returning_readers_held_comment_brings_them_the_link(client, make, submit, mailoutbox,
                                                                mail_on_commit):  # fmt: skip
    """Their approved comments vouch for them only once confirmed: the link is how."""
    make("From before confirmation existed.", email="marek@example.org")
    with mail_on_commit():
        held = submit("Back again.", author_email="Marek@example.org")
    assert describe_all(held.status_reasons) == ["email not confirmed yet"]
    [message] = mailoutbox
    assert message.to == ["Marek@example.org"]
    [link] = CONFIRM_LINK.findall(message.body)
    client.post(path_of(link))
    assert submit("And again.", author_email="marek@example.org").status == "approved"


def test_no_link_unasked_when_nothing_waits_on_it(make, submit, mailoutbox, mail_on_commit):
    make("Approved before.", email="marek@example.org")
    PolicySettings.objects.update_or_create(pk=1, defaults={"hold_first_comment": False})
    with mail_on_commit():
        comment = submit("Published at once.", author_email="marek@example.org")
        submit("A newcomer, held.", author_email="new@example.org")
    assert comment.status == "approved"
    assert mailoutbox == []


def test_a_confirmed_address_gets_no_confirmation_mail(submit, mailoutbox, mail_on_commit):
    address_confirm(address="ruth@example.org")
    with mail_on_commit():
        submit("Again.", author_email="RUTH@example.org", notify_replies=True)
    assert mailoutbox == []


def test_a_new_link_is_mailed_only_once_the_pending_one_has_expired(submit, mailoutbox,
                                                                    mail_on_commit):  # fmt: skip
    with mail_on_commit():
        submit("One.", author_email="ruth@example.org", notify_replies=True)
        submit("Two.", author_email="ruth@example.org", notify_replies=True)
    assert len(mailoutbox) == 1
    # Test setup: the first link was mailed just over a period ago.
    EmailAddress.objects.update(confirmation_sent_at=F("confirmation_sent_at") - PERIOD)
    ConfirmationMail.objects.update(sent_at=F("sent_at") - PERIOD)  # the mailbox's record
    with mail_on_commit():
        submit("Three.", author_email="ruth@example.org", notify_replies=True)
    assert len(mailoutbox) == 2


def test_a_failed_link_is_sent_again_not_lost_nor_doubled(submit, mailoutbox, mail_on_commit,
                                                           monkeypatch):  # fmt: skip
    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("mail server went away")

    with monkeypatch.context() as patched:
        patched.setattr(mail.EmailMessage, "send", refuse)
        with mail_on_commit():
            comment = submit("One.", author_email="ruth@example.org", notify_replies=True)
    assert Comment.objects.filter(pk=comment.pk).exists()  # the comment stands
    assert mailoutbox == []
    with mail_on_commit():
        submit("Two.", author_email="ruth@example.org", notify_replies=True)
    assert mailoutbox == []  # the first link waits for its retry; no second one is queued
    outbox.deliver_due(now=timezone.now() + outbox.retry_delay(1))
    [link] = mailoutbox
    assert link.to == ["ruth@example.org"] and CONFIRM_LINK.search(link.body)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_reserve_one_mail():
    results, barrier = [], threading.Barrier(8)

    def claim():
        try:
            barrier.wait()
            results.append(confirmation_mail_claim(address="ruth@example.org", period=PERIOD))
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8
    assert sum(result is not None for result in results) == 1


# -- mail only to confirmed addresses -------------------------------------------------------


@pytest.fixture
def unconfirmed(make):
    """Ruth's approved comment with "notify me" ticked, her address never confirmed."""
    comment = make("Is the schedule changing?", name="Ruth", email="ruth@example.org")
    Comment.objects.filter(pk=comment.pk).update(notify_replies=True)  # test setup
    comment.refresh_from_db()
    return comment


def test_no_reply_notification_to_an_unconfirmed_address(unconfirmed, submit, author,
                                                         mailoutbox, mail_on_commit):  # fmt: skip
    with mail_on_commit():
        submit("Not this year.", parent=unconfirmed, user=author)
    assert mailoutbox == []
    address_confirm(address="ruth@example.org")
    with mail_on_commit():
        submit("Still not this year.", parent=unconfirmed, user=author)
    [message] = mailoutbox
    assert message.to == ["ruth@example.org"]


def test_no_edit_notice_to_an_unconfirmed_address(unconfirmed, moderator, mailoutbox,
                                                  mail_on_commit):  # fmt: skip
    with mail_on_commit():
        services.comment_edit(comment=unconfirmed, actor=moderator, reason="typo",
                              body="Is the infusion schedule changing?")  # fmt: skip
    assert mailoutbox == []
