"""Mail to readers who asked for it, sent after commit, each with a one-click unsubscribe."""

import re

import pytest
from django.conf import settings
from django.test import Client

from comments.addresses import address_confirm
from comments.models import Comment
from core import outbox
from core.models import OutboxMail
from moderation import services
from moderation.notifications import unsubscribe_token

# Readers' mail only here: staff hear of held comments in test_outbox_held.py.
pytestmark = pytest.mark.usefixtures("readers_mail_only")

LINK = re.compile(r"https?://\S+/notifications/unsubscribe/\S+/")
CONFIRM_LINK = re.compile(r"https?://\S+/notifications/confirm/\S+/")


@pytest.fixture
def asked(make):
    """Ruth's approved comment; she ticked "notify me" and confirmed her address."""
    comment = make("Is the infusion schedule changing?", name="Ruth", email="Ruth@Example.org")
    Comment.objects.filter(pk=comment.pk).update(notify_replies=True)  # test setup, not a state
    address_confirm(address="ruth@example.org")
    comment.refresh_from_db()
    return comment


def unsubscribe_link(message) -> str:
    [link] = LINK.findall(message.body)
    return link


def test_author_reply_published_at_once_mails_the_reader(asked, submit, author, post,
                                                         mailoutbox, mail_on_commit):  # fmt: skip
    with mail_on_commit():
        reply = submit("Not this year.", parent=asked, user=author)
    assert reply.status == "approved"
    [message] = mailoutbox
    assert message.to == ["Ruth@Example.org"]
    assert post.title in message.subject
    assert "Not this year." in message.body
    assert f"{settings.SITE_URL.rstrip('/')}/comments/{reply.pk}/" in message.body
    link = unsubscribe_link(message)
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_reader_who_ticks_the_box_on_the_form_hears_of_the_authors_reply(
    client, post, author, moderator, mailoutbox, mail_on_commit
):
    with mail_on_commit():
        client.post(
            f"/comments/post/{post.pk}/",
            {"author_name": "Ruth", "author_email": "ruth@example.org", "body": "A question?",
             "notify_replies": "on"},
        )  # fmt: skip
        question = Comment.objects.get()
        services.comment_approve(comment=question, actor=moderator)
    [confirmation] = mailoutbox  # approving her own comment is not a reply
    [link] = CONFIRM_LINK.findall(confirmation.body)
    client.post(path_of(link))
    mailoutbox.clear()
    client.force_login(author)
    with mail_on_commit():
        client.post(f"/comments/post/{post.pk}/", {"body": "An answer.", "parent": question.pk})
    [message] = mailoutbox
    assert message.to == ["ruth@example.org"]
    assert "An answer." in message.body


def test_held_reply_mails_only_when_approved(asked, submit, moderator, mailoutbox,
                                             mail_on_commit):  # fmt: skip
    with mail_on_commit():
        reply = submit("Me too!", parent=asked, author_email="ann@example.org", author_name="Ann")
    assert reply.status == "pending"
    assert mailoutbox == []
    with mail_on_commit():
        services.comment_approve(comment=reply, actor=moderator)
    [message] = mailoutbox
    assert message.to == ["Ruth@Example.org"]
    assert "Ann" in message.subject
    assert "Me too!" in message.body


def test_rejected_or_spammed_reply_sends_nothing(asked, submit, moderator, mailoutbox,
                                                 mail_on_commit):  # fmt: skip
    first = submit("Rude.", parent=asked, author_email="ann@example.org")
    second = submit("Spammy.", parent=asked, author_email="bot@example.org")
    with mail_on_commit():
        services.comment_reject(comment=first, actor=moderator, reason="rude")
        services.comment_mark_spam(comment=second, actor=moderator)
    assert mailoutbox == []


def test_no_mail_about_your_own_reply(asked, submit, mailoutbox, mail_on_commit):
    with mail_on_commit():
        reply = submit("Answering myself.", parent=asked, author_email="ruth@example.ORG")
    assert reply.status == "approved"  # Ruth has an approved comment already
    assert mailoutbox == []


def test_no_mail_for_a_reader_who_did_not_ask(make, submit, author, mailoutbox, mail_on_commit):
    quiet = make("No mail for me.", email="quiet@example.org")
    with mail_on_commit():
        submit("A reply.", parent=quiet, user=author)
    assert mailoutbox == []


def test_mail_is_queued_with_the_reply_and_sent_by_the_worker(asked, submit, author,
                                                               mailoutbox):  # fmt: skip
    submit("Not this year.", parent=asked, user=author)
    assert mailoutbox == []  # nothing is sent in the request
    assert OutboxMail.objects.filter(to__iexact="ruth@example.org", state="queued").count() == 1
    outbox.deliver_due()
    assert len(mailoutbox) == 1


def test_imported_replies_send_no_mail(asked, make, mailoutbox, mail_on_commit):
    with mail_on_commit():
        make("An old reply from the archive.", parent=asked)
    assert mailoutbox == []


def test_approve_and_reply_mails_both_readers(asked, submit, moderator, mailoutbox,
                                              mail_on_commit):  # fmt: skip
    # Ann asks for mail too (and confirmed her address); her reply to Ruth is held, the
    # moderator approves and answers it.
    held = submit("Me too!", parent=asked, author_email="ann@example.org", notify_replies=True)
    outbox.deliver_due()  # the link that asks Ann to confirm her address
    mailoutbox.clear()
    address_confirm(address="ann@example.org")
    with mail_on_commit():
        services.comment_approve_and_reply(comment=held, actor=moderator, body="Noted, Ann.")
    assert sorted(message.to[0] for message in mailoutbox) == [
        "Ruth@Example.org",
        "ann@example.org",
    ]


def test_a_reply_is_announced_once_even_if_removed_and_restored(asked, submit, author,
                                                                moderator, mailoutbox,
                                                                mail_on_commit):  # fmt: skip
    with mail_on_commit():
        reply = submit("Not this year.", parent=asked, user=author)
        services.comment_remove(comment=reply, actor=moderator, reason="by mistake")
        services.comment_restore(comment=reply, actor=moderator)
    assert len(mailoutbox) == 1


# -- moderators' edits --------------------------------------------------------------------


def test_moderator_edit_mails_the_writer_who_asked(asked, moderator, mailoutbox, mail_on_commit):
    with mail_on_commit():
        services.comment_edit(
            comment=asked, actor=moderator, reason="private reason: named a nurse",
            body="Is the schedule changing?", public_note="we removed a name",
        )  # fmt: skip
    [message] = mailoutbox
    assert message.to == ["Ruth@Example.org"]
    assert "edited" in message.subject
    assert "we removed a name" in message.body
    assert "Is the schedule changing?" in message.body
    assert "private reason" not in message.body
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe_link(message)}>"


def test_moderator_edit_sends_nothing_to_a_writer_who_did_not_ask(make, moderator, mailoutbox,
                                                                  mail_on_commit):  # fmt: skip
    comment = make("Words.", email="quiet@example.org")
    with mail_on_commit():
        services.comment_edit(comment=comment, actor=moderator, reason="r", body="Other words.")
    assert mailoutbox == []


def test_failed_edit_sends_nothing(asked, moderator, mailoutbox, mail_on_commit):
    with mail_on_commit(), pytest.raises(Exception):  # noqa: B017 - any refusal will do
        services.comment_edit(comment=asked, actor=moderator, reason="", body="New.")
    assert mailoutbox == []


# -- unsubscribing ------------------------------------------------------------------------


@pytest.fixture
def mailed(asked, submit, author, mailoutbox, mail_on_commit):
    with mail_on_commit():
        submit("Not this year.", parent=asked, user=author)
    [message] = mailoutbox
    return message


def path_of(link: str) -> str:
    return link.removeprefix(settings.SITE_URL.rstrip("/"))


def test_unsubscribe_link_asks_first_and_changes_nothing_on_get(mailed, asked):
    response = Client().get(path_of(unsubscribe_link(mailed)))
    assert response.status_code == 200
    assert re.search(r'<form method="post">\s*<button type="submit">Unsubscribe</button>',
                     response.text)  # fmt: skip
    asked.refresh_from_db()
    assert asked.notify_replies is True


def test_unsubscribe_post_turns_off_every_comment_with_that_email(mailed, asked, make):
    other = make("Another of Ruth's.", email="RUTH@example.org")
    stranger = make("Not Ruth.", email="ann@example.org")
    Comment.objects.filter(pk__in=[other.pk, stranger.pk]).update(notify_replies=True)
    client = Client(enforce_csrf_checks=True)  # a mail client's one-click POST has no token
    response = client.post(path_of(unsubscribe_link(mailed)), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "You will get no more emails" in response.text
    assert list(
        Comment.objects.filter(author_email__iexact="ruth@example.org").values_list(
            "notify_replies", flat=True
        )
    ) == [False, False]
    stranger.refresh_from_db()
    assert stranger.notify_replies is True


def test_after_unsubscribing_no_more_mail(mailed, asked, submit, author, mailoutbox,
                                          mail_on_commit):  # fmt: skip
    Client().post(path_of(unsubscribe_link(mailed)))
    with mail_on_commit():
        submit("A second answer.", parent=asked, user=author)
    assert len(mailoutbox) == 1  # only the first


@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_token_is_404_and_changes_nothing(asked, method):
    token = unsubscribe_token("ruth@example.org")
    payload, signed = token.split(":", 1)
    altered_signature = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    other_payload = unsubscribe_token("ann@example.org").split(":", 1)[0] + ":" + signed
    for bad in [altered_signature, other_payload, payload, "ruth@example.org"]:
        response = getattr(Client(), method)(f"/notifications/unsubscribe/{bad}/")
        assert response.status_code == 404
    asked.refresh_from_db()
    assert asked.notify_replies is True
