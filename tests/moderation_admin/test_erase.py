"""Erasure for data-removal requests: superusers only, with a reason, always logged."""

import pytest
from django.urls import reverse

from comments.models import Comment, CommentRevision
from moderation.models import ModerationEvent

from .conftest import CHANGELIST_URL, change_url, messages_of, text

Action = ModerationEvent.Action
SECRET = "My name is Ann Example and I live at 4 Privet Drive."


def erase_url(comment) -> str:
    return reverse("admin:comments_comment_erase", args=[comment.pk])


@pytest.fixture
def leaf(make):
    return make(SECRET, name="Ann Example", email="ann@example.org")


@pytest.fixture
def with_reply(make):
    root = make(SECRET, name="Ann Example", email="ann@example.org")
    reply = make("A reply that stays.", parent=root, name="Bea")
    return root, reply


@pytest.mark.parametrize("method", ["get", "post"])
def test_moderator_gets_403(as_user, moderator, leaf, method):
    response = getattr(as_user(moderator), method)(erase_url(leaf), {"reason": "request 12"})

    assert response.status_code == 403
    assert Comment.objects.get(pk=leaf.pk).body == SECRET
    assert not ModerationEvent.objects.filter(action=Action.ERASED).exists()


def test_only_superusers_see_the_erase_link(as_user, moderator, superuser, leaf):
    assert erase_url(leaf) in text(as_user(superuser).get(change_url(leaf)))
    assert erase_url(leaf) not in text(as_user(moderator).get(change_url(leaf)))


def test_superuser_sees_what_will_be_erased(as_user, superuser, leaf):
    response = as_user(superuser).get(erase_url(leaf))

    assert response.status_code == 200
    assert SECRET in text(response)
    assert 'name="reason"' in text(response)


def test_erase_without_a_reason_shows_an_error_and_keeps_the_comment(as_user, superuser, leaf):
    response = as_user(superuser).post(erase_url(leaf), {"reason": "   "})

    assert response.status_code == 200
    assert '<p class="errornote">Say which request this erasure answers.</p>' in text(response)
    assert Comment.objects.get(pk=leaf.pk).body == SECRET
    assert CommentRevision.objects.filter(comment_id=leaf.pk).exists()
    assert not ModerationEvent.objects.filter(action=Action.ERASED).exists()


def test_erasing_a_leaf_deletes_it_and_keeps_the_log(as_user, superuser, leaf):
    response = as_user(superuser).post(erase_url(leaf), {"reason": "data request 12"})

    assert response.status_code == 302
    assert response["Location"] == CHANGELIST_URL
    assert ("success", f"Comment {leaf.pk} erased.") in messages_of(response)
    assert not Comment.objects.filter(pk=leaf.pk).exists()
    assert not CommentRevision.objects.filter(comment_id=leaf.pk).exists()
    [erased] = ModerationEvent.objects.filter(action=Action.ERASED)
    assert (erased.comment_ref, erased.comment, erased.actor) == (leaf.pk, None, superuser)
    assert (erased.from_status, erased.reason) == ("approved", "data request 12")
    # The events from before the erasure stay too, pointing at the id only.
    assert ModerationEvent.objects.filter(comment_ref=leaf.pk).count() == 2


def test_erasing_a_comment_with_replies_blanks_it_in_place(as_user, superuser, with_reply):
    root, reply = with_reply

    as_user(superuser).post(erase_url(root), {"reason": "data request 13"})

    root.refresh_from_db()
    assert (root.body, root.author_name, root.author_email) == ("", "", "")
    assert root.status == Comment.Status.REMOVED
    assert not root.revisions.exists()
    reply.refresh_from_db()
    assert (reply.parent_id, reply.status) == (root.pk, Comment.Status.APPROVED)
    assert root.get_descendant_count() == 1
    [erased] = ModerationEvent.objects.filter(action=Action.ERASED)
    assert (erased.comment, erased.comment_ref) == (root, root.pk)


def test_public_page_shows_a_placeholder_where_the_erased_comment_was(
    as_user, superuser, with_reply, client, post
):
    root, reply = with_reply
    as_user(superuser).post(erase_url(root), {"reason": "data request 13"})

    page = text(client.get(post.get_absolute_url()))

    assert "This comment was removed by a moderator." in page
    assert "A reply that stays." in page
    assert "Privet Drive" not in page
    assert "Ann Example" not in page
    assert page.index(f'id="comment-{root.pk}"') < page.index(f'id="comment-{reply.pk}"')


def test_erased_comment_is_gone_from_the_moderators_change_form(
    as_user, superuser, moderator, with_reply
):
    root, _reply = with_reply
    as_user(superuser).post(erase_url(root), {"reason": "data request 13"})

    page = text(as_user(moderator).get(change_url(root)))

    assert "Privet Drive" not in page
    assert "data request 13" in page  # the event log says what happened


def test_erasing_clears_the_quotes_replies_took_from_it(as_user, superuser, make, client, post):
    root = make(SECRET, name="Ann Example", email="ann@example.org")
    reply = make("Why tell us where you live?", parent=root, quote="4 Privet Drive")

    as_user(superuser).post(erase_url(root), {"reason": "data request 14"})

    reply.refresh_from_db()
    assert reply.quote == ""
    assert not reply.revisions.filter(quote__contains="Privet").exists()
    page = text(client.get(post.get_absolute_url()))
    assert "Why tell us where you live?" in page
    assert "Privet" not in page
