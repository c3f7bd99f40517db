"""Issue 21, items 8 and 9: the admin's "view on site" and the ids it is given.

Item 8: ``/admin/r/<content type>/<draft id>/`` (Django's "view on site") redirected any
staff member to ``/posts/<draft slug>/``: other authors' draft slugs leaked.

Item 9: the queue's POST with ``selected=²`` or a 5,000-digit id (``int(pk)`` after
``str.isdigit()``), and ``/admin/comments/comment/?post__id__exact=²``, answered 500.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from blog.models import Post
from comments.models import Comment
from tests.factories import CommentMaker, PostFactory
from tests.security.conftest import stored_state

QUEUE_URL = "/admin/moderation/pendingcomment/"
CHANGELIST_URL = "/admin/comments/comment/"
BAD_IDS = ["²", "١٢", "1" * 5000, "9" * 20, str(2**63), "0", "-1", " 1", "1e3", "0x10"]


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def view_on_site(obj) -> str:
    return f"/admin/r/{ContentType.objects.get_for_model(obj).pk}/{obj.pk}/"


@pytest.fixture
def draft(author):
    return PostFactory(title="Not yet", slug="secret-draft-slug", author=author, draft=True)


def test_view_on_site_does_not_lead_other_staff_to_a_draft(author, other_author, draft):
    comment = CommentMaker(draft)("On the draft.")
    for obj in (draft, comment):
        answer = as_user(other_author).get(view_on_site(obj))
        assert answer.status_code == 404
        assert "secret-draft-slug" not in answer.headers.get("Location", "")
        assert b"secret-draft-slug" not in answer.content
    # The same with the content type written as Django's own pattern would take it.
    content_type = ContentType.objects.get_for_model(Post).pk
    answer = as_user(other_author).get(f"/admin/r/%20{content_type}/{draft.pk}/")
    assert "secret-draft-slug" not in answer.headers.get("Location", "")


def test_view_on_site_still_works_for_those_who_may_see(author, other_author, draft, post):
    assert (
        as_user(author).get(view_on_site(draft))["Location"].endswith("/posts/secret-draft-slug/")
    )
    published = as_user(other_author).get(view_on_site(post))
    assert published.status_code == 302
    assert published["Location"].endswith(post.get_absolute_url())


def test_view_on_site_needs_the_admin_sign_in(draft):
    answer = Client().get(view_on_site(draft))
    assert answer.status_code == 302 and "/admin/login/" in answer["Location"]


@pytest.mark.parametrize("bad", BAD_IDS, ids=lambda value: value[:8])
@pytest.mark.parametrize("field", ["selected", "comment"])
def test_the_queue_refuses_ids_that_are_not_ids_with_400(moderator, post, bad, field):
    CommentMaker(post)("Held.", status=Comment.Status.PENDING)
    before = stored_state()
    answer = as_user(moderator).post(QUEUE_URL, {"action": "approve", field: bad})
    assert answer.status_code == 400
    assert stored_state() == before


@pytest.mark.parametrize("bad", BAD_IDS, ids=lambda value: value[:8])
def test_the_queue_confirmation_refuses_bad_chosen_ids_with_400(moderator, post, bad):
    held = CommentMaker(post)("Held.", status=Comment.Status.PENDING, email="x@example.org")
    before = stored_state()
    answer = as_user(moderator).post(
        QUEUE_URL,
        {"action": "approve_writer", "comment": held.pk, "confirmed": "yes", "chosen": bad},
    )
    assert answer.status_code == 400
    assert stored_state() == before


@pytest.mark.parametrize("bad", BAD_IDS, ids=lambda value: value[:8])
def test_the_comment_list_by_post_filter_refuses_bad_ids_with_400(moderator, post, bad):
    answer = as_user(moderator).get(CHANGELIST_URL, {"post__id__exact": bad})
    assert answer.status_code == 400


def test_good_ids_still_work(moderator, post):
    held = CommentMaker(post)("Held.", status=Comment.Status.PENDING)
    assert as_user(moderator).get(CHANGELIST_URL, {"post__id__exact": post.pk}).status_code == 200
    answer = as_user(moderator).post(QUEUE_URL, {"action": "approve", "selected": str(held.pk)})
    assert answer.status_code == 302
    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED
