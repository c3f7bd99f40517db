"""Issue 16 item 1, replayed: the queue proxy's built-in change page was a back door.

As author ``lin``, ``GET /admin/moderation/pendingcomment/<id>/change/`` for a held comment
on ``amara``'s post showed every field editable; posting it approved the comment, rewrote
it, moved it to another post's thread and gave it a Moderator badge, with no revision and
no moderation event.
"""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from core import pagecache
from moderation.models import ModerationEvent, PendingComment
from tests.factories import UserFactory

from .conftest import stored_state


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_author_cannot_edit_another_authors_comment_through_the_queue(
    make, other_author, other_post
):
    held = make("Please hold me.", status=Comment.Status.PENDING, name="Ruth",
                email="ruth@example.org", ip="10.1.2.3")  # fmt: skip
    elsewhere = make("On lin's post.", post=other_post)
    url = f"/admin/moderation/pendingcomment/{held.pk}/change/"
    lin = client_for(other_author)

    page = lin.get(url)
    assert page.status_code != 200 or 'name="body"' not in page.content.decode()
    assert "ruth@example.org" not in page.content.decode()

    before = stored_state()
    lin.post(url, {
        "post": other_post.pk, "parent": elsewhere.pk, "reply_to": elsewhere.pk,
        "author_name": "Ruth", "author_email": "ruth@example.org", "user": "",
        "role": "moderator", "body": "Rewritten by lin.", "status": "approved",
        "ip_hash": "", "user_agent": "", "edit_note": "",
    })  # fmt: skip

    held.refresh_from_db()
    assert (held.status, held.body, held.role, held.post_id, held.parent_id) == (
        Comment.Status.PENDING, "Please hold me.", "", make.post.pk, None,
    )  # fmt: skip
    assert stored_state() == before
    assert not ModerationEvent.objects.filter(comment_ref=held.pk, actor=other_author).exists()


def test_staff_with_view_comment_reads_no_commenters_details(make):
    held = make("Held.", status=Comment.Status.PENDING, name="Ruth",
                email="ruth@example.org", ip="10.1.2.3", user_agent="Secret/1.0")  # fmt: skip
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(content_type__app_label="comments", codename="view_comment")
    )
    client = client_for(viewer)
    for url in (
        f"/admin/moderation/pendingcomment/{held.pk}/change/",
        f"/admin/comments/comment/{held.pk}/change/",
        "/admin/comments/comment/",
        "/admin/moderation/pendingcomment/",
    ):
        page = client.get(url, follow=True).content.decode()
        for secret in ("ruth@example.org", held.ip_hash, "Secret/1.0", "Held."):
            assert secret not in page, (url, secret)


def test_every_admin_change_retires_the_cached_page(
    make, moderator, as_moderator_client, django_capture_on_commit_callbacks
):
    held = make("Held for a decision.", status=Comment.Status.PENDING)
    post_id = held.post_id
    versions = [pagecache.version(post_id)]
    with django_capture_on_commit_callbacks(execute=True):
        as_moderator_client.post(
            reverse("admin:comments_comment_change", args=[held.pk]),
            {"body": "Held, tidied.", "quote": "", "reason": "tidy", "public_note": "",
             "_approve": "Save and approve"},
        )  # fmt: skip
    versions.append(pagecache.version(post_id))
    # Even a save through the queue's proxy model (no admin page does one) retires it.
    with django_capture_on_commit_callbacks(execute=True):
        PendingComment.objects.get(pk=held.pk).save()
    versions.append(pagecache.version(post_id))

    assert Comment.objects.get(pk=held.pk).status == Comment.Status.APPROVED
    assert versions[0] != versions[1] != versions[2]


@pytest.fixture
def as_moderator_client(moderator):
    return client_for(moderator)
