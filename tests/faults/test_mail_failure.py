"""A mail server that fails never costs a reader their comment, nor a moderator's decision:
mail waits in the outbox, the worker's failed attempt is recorded, and nothing is lost."""

import smtplib

import pytest
from django.core import mail

from comments.addresses import address_confirm
from comments.models import Comment
from comments.services import comment_create_as_is
from core import outbox
from core.models import OutboxMail
from moderation.services import comment_approve
from tests.factories import PostFactory


@pytest.fixture
def broken_mail(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("mail server went away")

    monkeypatch.setattr(mail.EmailMessage, "send", refuse)


def the_worker_fails_and_keeps(kind: str) -> None:
    """The worker's round: the server refuses, the mail stays queued with the reason."""
    assert outbox.deliver_due().failed == 1
    [waiting] = OutboxMail.objects.filter(kind=kind)
    assert waiting.state == "queued" and waiting.to == "reader@example.org"
    assert waiting.last_error == "SMTPServerDisconnected: mail server went away"


@pytest.fixture
def watched(db):
    post = PostFactory()
    question = comment_create_as_is(
        post=post, parent=None, body="Please tell me when someone answers.",
        status="approved", submitted_at=post.published_at, source="test",
        author_email="reader@example.org",
    )  # fmt: skip
    question.notify_replies = True
    question.save()
    address_confirm(address="reader@example.org")  # so the reply notification is due
    return post, question


def test_author_reply_is_saved_when_the_notification_mail_fails(
    client, watched, broken_mail, django_capture_on_commit_callbacks
):
    post, question = watched
    client.force_login(post.author)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/comments/post/{post.pk}/", {"body": "Here is an answer.", "parent": question.pk}
        )
    assert response.status_code == 302
    reply = Comment.objects.get(body="Here is an answer.")
    assert reply.status == "approved"
    assert "Here is an answer." in client.get(post.get_absolute_url()).text
    the_worker_fails_and_keeps("reply")


def test_approval_stands_when_the_notification_mail_fails(
    watched, broken_mail, django_capture_on_commit_callbacks
):
    post, question = watched
    held = comment_create_as_is(
        post=post, parent=question, body="A reader's answer.", status="pending",
        submitted_at=post.published_at, source="test",
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        comment_approve(comment=held, actor=post.author)
    held.refresh_from_db()
    assert held.status == "approved"
    assert held.events.filter(action="approved").count() == 1
    the_worker_fails_and_keeps("reply")
