"""Issue 16 item 8: drafts are visible to their author and to those who may edit them.

Any staff user, even one with no permission, read every draft at its public URL, and
every author saw other authors' draft titles in the comment list's "By post" filter.
"""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from comments.services import comment_create_as_is
from tests.factories import PostFactory, UserFactory


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def editor(db):
    user = UserFactory(username="editor", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="blog", codename="edit_any_post"),
        Permission.objects.get(content_type__app_label="blog", codename="change_post"),
    )
    return user


def test_a_draft_is_visible_to_its_author_and_editors_only(
    author, other_author, moderator, superuser, editor
):
    draft = PostFactory(title="Unannounced results", author=author, draft=True)
    clerk = UserFactory(username="clerk", is_staff=True)
    seen = {
        name: client_for(user).get(draft.get_absolute_url()).status_code
        for name, user in {
            "anonymous": None,
            "plain staff": clerk,
            "other author": other_author,
            "moderator": moderator,
            "author": author,
            "editor": editor,
            "superuser": superuser,
        }.items()
    }
    assert seen == {
        "anonymous": 404,
        "plain staff": 404,
        "other author": 404,
        "moderator": 404,
        "author": 200,
        "editor": 200,
        "superuser": 200,
    }


def test_the_by_post_filter_lists_only_posts_the_author_moderates(
    author, post, other_author, moderator
):
    posts = [
        post,
        PostFactory(title="Lin's secret draft", author=other_author, draft=True),
        PostFactory(title="Amara's own draft", author=author, draft=True),
    ]
    # "By post" offers the posts with the newest comments: each has one (a preview's).
    for each in posts:
        comment_create_as_is(
            post=each, parent=None, body="On this post.", status="pending",
            submitted_at=timezone.now(), source="test",
        )  # fmt: skip

    page = client_for(author).get("/admin/comments/comment/").content.decode()
    assert "Amara&#x27;s own draft" in page
    assert post.title in page
    assert "secret draft" not in page

    page = client_for(moderator).get("/admin/comments/comment/").content.decode()
    assert "Lin&#x27;s secret draft" in page
