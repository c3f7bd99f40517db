"""A mail server that fails never costs a reader their comment, nor a moderator's decision."""

import smtplib

import pytest
from django.core import mail

from comments.addresses import address_confirm
from comments.models import Comment
from comments.services import comment_create_as_is
from moderation.services import comment_approve
from tests.factories import PostFactory


@pytest.fixture
def broken_mail(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("mail server went away")

    monkeypatch.setattr(mail.EmailMessage, "send", refuse)


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
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            f"/comments/post/{post.pk}/", {"body": "Here is an answer.", "parent": question.pk}
        )
    assert callbacks, "a notification was due"
    assert response.status_code == 302
    reply = Comment.objects.get(body="Here is an answer.")
    assert reply.status == "approved"
    assert "Here is an answer." in client.get(post.get_absolute_url()).text


def test_approval_stands_when_the_notification_mail_fails(
    watched, broken_mail, django_capture_on_commit_callbacks
):
    post, question = watched
    held = comment_create_as_is(
        post=post, parent=question, body="A reader's answer.", status="pending",
        submitted_at=post.published_at, source="test",
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        comment_approve(comment=held, actor=post.author)
    assert callbacks
    held.refresh_from_db()
    assert held.status == "approved"
    assert held.events.filter(action="approved").count() == 1
