"""Issue 16 item 1, replayed: the queue proxy's built-in change page was a back door.

As author ``lin``, ``GET /admin/moderation/pendingcomment/<id>/change/`` for a held comment
on ``amara``'s post showed every field editable; posting it approved the comment, rewrote
it, moved it to another post's thread and gave it a Moderator badge, with no revision and
no moderation event.
"""

from django.contrib.auth.models import Permission
from django.test import Client

from comments.models import Comment
from moderation.models import ModerationEvent
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
