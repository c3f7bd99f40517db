"""Who may do what in the rest of the admin: DESIGN.md section 5 for the pages that are not
a comment's (posts, policy, users). Every entry point that acts on a comment (its admin
pages, actions and queue, the services, the views, the commands) is in one table,
test_permission_matrix.py.

People: anonymous; a registered reader (an account, not staff); the author of the post
the comments are on (staff, Authors); another author; a moderator (staff, Moderators); a
superuser. DESIGN.md: readers never see the admin; authors write posts and see (and, as
moderation.services allows, act on) the queue of their own posts; moderators work the
queue and edit comments but edit no post; erasure is for superusers only.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from moderation.models import PolicySettings

PEOPLE = ["anonymous", "reader", "author", "other_author", "moderator", "superuser"]

# Outcomes of an admin page:
#   login  - sent to the admin's sign-in page (the admin is not for them)
#   denied - 403
#   hidden - the object is not theirs to see: the admin says it does not exist (302 to the
#            index, or 404 for our own views)
#   view   - the page, read-only
#   edit   - the page, with the form to change it
#   ok     - the page (lists and the index)
ADMIN_PAGES = [
    # page                          anonymous reader   author     other      moderator  superuser
    ("admin index",                 "login", "login", "ok",      "ok",      "ok",      "ok"),
    ("post list",                   "login", "login", "ok",      "ok",      "ok",      "ok"),
    # Moderators may look at every post (for context) but change none.
    ("post change (author's post)", "login", "login", "edit",    "hidden",  "view",    "edit"),
    ("post add",                    "login", "login", "edit",    "edit",    "denied",  "edit"),
    ("blocked terms",               "login", "login", "denied",  "denied",  "ok",      "ok"),
    ("policy settings",             "login", "login", "denied",  "denied",  "edit",    "edit"),
    ("users",                       "login", "login", "denied",  "denied",  "denied",  "ok"),
]  # fmt: skip


def rows(table):
    """One test per row; it checks every person and compares the whole row at once."""
    return [
        pytest.param(row[0], dict(zip(PEOPLE, row[1:], strict=True)), id=row[0]) for row in table
    ]


@pytest.fixture
def people(reader, author, other_author, moderator, superuser):
    return {
        "anonymous": AnonymousUser(),
        "reader": reader,
        "author": author,
        "other_author": other_author,
        "moderator": moderator,
        "superuser": superuser,
    }


def client_for(user) -> Client:
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


def admin_request(page: str, client: Client, post):
    """Ask for ``page``; return (response, a check of whether a change form is editable)."""
    urls = {
        "admin index": reverse("admin:index"),
        "post list": reverse("admin:blog_post_changelist"),
        "post change (author's post)": reverse("admin:blog_post_change", args=[post.pk]),
        "post add": reverse("admin:blog_post_add"),
        "blocked terms": reverse("admin:moderation_blockedterm_changelist"),
        "policy settings": reverse(
            "admin:moderation_policysettings_change", args=[PolicySettings.current().pk]
        ),
        "users": reverse("admin:auth_user_changelist"),
    }
    editable_field = {
        "post change (author's post)": 'name="title"',
        "post add": 'name="title"',
        "policy settings": 'name="max_links"',
    }
    return client.get(urls[page]), editable_field.get(page)


def outcome(response, editable_field) -> str:
    status, location = response.status_code, response.get("Location", "")
    if status == 302 and location.startswith(reverse("admin:login")):
        return "login"
    if status == 403:
        return "denied"
    if status == 404 or (status == 302 and location == reverse("admin:index")):
        return "hidden"
    assert status == 200, (status, location)
    if editable_field is None:
        return "ok"
    return "edit" if editable_field in response.content.decode() else "view"


@pytest.mark.parametrize(("page", "expected"), rows(ADMIN_PAGES))
def test_admin_pages(people, post, page, expected):
    found = {}
    for person, user in people.items():
        response, editable_field = admin_request(page, client_for(user), post)
        found[person] = outcome(response, editable_field)
    assert found == expected


def test_readers_are_told_the_admin_is_not_for_them(reader):
    response = client_for(reader).get(reverse("admin:index"), follow=True)
    assert "You are authenticated as reader, but are not authorized to access this page" in (
        response.content.decode()
    )


def test_a_moderator_cannot_save_a_post(people, post):
    """Viewing is allowed (to see what comments are about); saving is refused."""
    response = client_for(people["moderator"]).post(
        reverse("admin:blog_post_change", args=[post.pk]),
        {"title": "Rewritten by a moderator", "slug": post.slug, "body": "x", "status": "draft"},
    )
    assert response.status_code == 403
    post.refresh_from_db()
    assert post.title == "Relapse rates, explained"


def test_authors_see_only_their_own_posts_comments(people, post, other_post, make):
    mine = make("On my post.", status=Comment.Status.PENDING)
    theirs = make("On their post.", status=Comment.Status.PENDING, post=other_post)
    for page in ["admin:comments_comment_changelist", "admin:moderation_pendingcomment_changelist"]:
        html = client_for(people["author"]).get(reverse(page)).content.decode()
        assert mine.body in html and theirs.body not in html, page
