"""Issue 11, telling the writer: what is moderated, why their comment waits, and, when a
moderator turns it down, that it was not published and why. Nobody else learns anything."""

from django.core import mail
from django.test import Client

from comments.models import Comment
from moderation.models import PolicySettings
from moderation.services import comment_reject, comment_remove

UA = {"HTTP_USER_AGENT": "Mozilla/5.0"}


def post_url(post):
    return f"/comments/post/{post.pk}/"


def test_the_form_says_comments_are_moderated_and_what_waits(client, post):
    client.get(post.get_absolute_url(), **UA)  # the summary is cached, then the policy changes
    rules = PolicySettings.current()
    rules.max_links = 3
    rules.save()
    html = client.get(post.get_absolute_url(), **UA).text
    assert "Comments are moderated." in html
    assert "your first comment, and comments without an email address" in html
    assert "comments with more than 3 links" in html


def test_a_held_comment_says_why_in_plain_words(client, post):
    response = client.post(
        post_url(post),
        {"author_name": "Ruth", "author_email": "ruth@example.org", "body": "First time here."},
        follow=True,
        **UA,
    )
    assert Comment.objects.get().status == "pending"
    assert "Your first comment here waits for a moderator." in response.text


def test_a_held_comment_does_not_name_the_watched_word(client, post):
    from moderation.models import BlockedTerm

    BlockedTerm.objects.create(value="miracle", kind="term", outcome="hold")
    response = client.post(
        post_url(post),
        {"author_name": "Ruth", "body": "A miracle cure!"},
        follow=True,
        **UA,
    )
    assert "Something in it is on our watch list" in response.text
    assert "blocked term" not in response.text


def reject_through_the_service(client, post, moderator, *, notify=False, remove=False):
    """A reader posts (held), a moderator turns it down with a reason."""
    data = {"author_name": "Ruth", "body": "Stop your treatment, it is all a plot."}
    if notify:
        data |= {"author_email": "ruth@example.org", "notify_replies": "on"}
    client.post(post_url(post), data, **UA)
    comment = Comment.objects.get()
    reason = "Medical advice we cannot check; please ask your neurologist."
    if remove:
        from moderation.services import comment_approve

        comment_approve(comment=comment, actor=moderator)
        comment_remove(comment=comment, actor=moderator, reason=reason)
    else:
        comment_reject(comment=comment, actor=moderator, reason=reason)
    return comment, reason


def test_the_writer_sees_not_published_with_the_reason_and_nobody_else_does(
    client, post, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment, reason = reject_through_the_service(client, post, moderator)
    writer = client.get(post.get_absolute_url(), **UA).text
    assert f'id="comment-{comment.pk}"' in writer
    assert "Not published" in writer
    assert reason in writer
    stranger = Client().get(post.get_absolute_url(), **UA).text
    assert f'id="comment-{comment.pk}"' not in stranger
    assert "Not published" not in stranger and reason not in stranger
    assert "Stop your treatment" not in stranger
    assert mail.outbox == []  # no email was left: no mail


def test_a_removed_comment_is_marked_for_its_writer_too(
    client, post, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment, reason = reject_through_the_service(client, post, moderator, remove=True)
    writer = client.get(post.get_absolute_url(), **UA).text
    assert "Not published" in writer and reason in writer


def test_a_writer_who_asked_for_mail_gets_one_with_their_text_and_the_reason(
    client, post, moderator, readers_mail_only, mail_on_commit
):
    from comments.addresses import address_confirm

    address_confirm(address="ruth@example.org")  # mail goes only to confirmed addresses
    with mail_on_commit():  # the worker sends what the rejection queued
        comment, reason = reject_through_the_service(client, post, moderator, notify=True)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ruth@example.org"]
    assert "was not published" in message.subject
    assert reason in message.body
    assert "Stop your treatment, it is all a plot." in message.body
    assert "List-Unsubscribe" in message.extra_headers


def test_the_refused_comments_reason_costs_a_query_only_for_its_writer(
    client, post, moderator, django_assert_max_num_queries, make
):
    """Other readers' pages do not ask for reasons; the thread query count is unchanged."""
    make("An approved comment.")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        Client().get(post.get_absolute_url(), **UA)
    assert not any("moderation_moderationevent" in q["sql"] for q in queries.captured_queries)
