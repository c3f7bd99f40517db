"""Who may do what: DESIGN.md section 5 as two tables, every admin page and every
moderation service against every kind of person.

People: anonymous; a registered reader (an account, not staff); the author of the post
the comments are on (staff, Authors); another author; a moderator (staff, Moderators); a
superuser. DESIGN.md: readers never see the admin; authors write posts and see (and, as
moderation.services allows, act on) the queue of their own posts; moderators work the
queue and edit comments but edit no post; erasure is for superusers only.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from moderation import services
from moderation.models import ModerationEvent, PolicySettings

from .conftest import stored_state

PEOPLE = ["anonymous", "reader", "author", "other_author", "moderator", "superuser"]

# Outcomes of an admin page:
#   login  - sent to the admin's sign-in page (the admin is not for them)
#   denied - 403
#   hidden - the object is not theirs to see: the admin says it does not exist (302 to the
#            index, or 404 for our own views)
#   view   - the page, read-only
#   edit   - the page, with the form to change it
#   ok     - the page (lists and the index)
#   done / refused - a POST action: it happened, or it was turned down with a message
ADMIN_PAGES = [
    # page                          anonymous reader   author     other      moderator  superuser
    ("admin index",                 "login", "login", "ok",      "ok",      "ok",      "ok"),
    ("post list",                   "login", "login", "ok",      "ok",      "ok",      "ok"),
    # Moderators may look at every post (for context) but change none.
    ("post change (author's post)", "login", "login", "edit",    "hidden",  "view",    "edit"),
    ("post add",                    "login", "login", "edit",    "edit",    "denied",  "edit"),
    ("comment list",                "login", "login", "ok",      "ok",      "ok",      "ok"),
    ("comment change",              "login", "login", "view",    "hidden",  "edit",    "edit"),
    ("moderation queue",            "login", "login", "ok",      "ok",      "ok",      "ok"),
    ("moderation events",           "login", "login", "denied",  "denied",  "ok",      "ok"),
    ("blocked terms",               "login", "login", "denied",  "denied",  "ok",      "ok"),
    ("policy settings",             "login", "login", "denied",  "denied",  "edit",    "edit"),
    ("erase comment",               "login", "login", "denied",  "denied",  "denied",  "ok"),
    ("restore revision (POST)",     "login", "login", "refused", "hidden",  "done",    "done"),
    ("users",                       "login", "login", "denied",  "denied",  "denied",  "ok"),
]  # fmt: skip

# Outcomes of a service: "yes" (it ran and changed the comment) or "no" (PermissionDenied,
# nothing stored changed).
SERVICES = [
    # service                    anonymous reader author other moderator superuser
    ("comment_approve",           "no", "no", "yes", "no", "yes", "yes"),
    ("comment_reject",            "no", "no", "yes", "no", "yes", "yes"),
    ("comment_mark_spam",         "no", "no", "yes", "no", "yes", "yes"),
    ("comment_mark_not_spam",     "no", "no", "yes", "no", "yes", "yes"),
    ("comment_remove",            "no", "no", "yes", "no", "yes", "yes"),
    ("comment_restore",           "no", "no", "yes", "no", "yes", "yes"),
    ("comment_approve_and_reply", "no", "no", "yes", "no", "yes", "yes"),
    ("comment_edit",              "no", "no", "no",  "no", "yes", "yes"),
    ("comment_edit_and_approve",  "no", "no", "no",  "no", "yes", "yes"),
    ("comment_restore_revision",  "no", "no", "no",  "no", "yes", "yes"),
    ("comment_erase",             "no", "no", "no",  "no", "no",  "yes"),
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


def edited_comment(make, moderator) -> Comment:
    """An approved comment on the author's post, edited once by a moderator."""
    comment = make("What the reader wrote.", name="Ruth", email="ruth@example.org")
    return services.comment_edit(
        comment=comment, actor=moderator, reason="tidying", body="What the moderator kept."
    )


def client_for(user) -> Client:
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


def admin_request(page: str, client: Client, post, comment):
    """Ask for ``page``; return (response, a check of whether a change form is editable)."""
    first_revision = comment.revisions.order_by("created_at", "pk").first()
    urls = {
        "admin index": reverse("admin:index"),
        "post list": reverse("admin:blog_post_changelist"),
        "post change (author's post)": reverse("admin:blog_post_change", args=[post.pk]),
        "post add": reverse("admin:blog_post_add"),
        "comment list": reverse("admin:comments_comment_changelist"),
        "comment change": reverse("admin:comments_comment_change", args=[comment.pk]),
        "moderation queue": reverse("admin:moderation_pendingcomment_changelist"),
        "moderation events": reverse("admin:moderation_moderationevent_changelist"),
        "blocked terms": reverse("admin:moderation_blockedterm_changelist"),
        "policy settings": reverse(
            "admin:moderation_policysettings_change", args=[PolicySettings.current().pk]
        ),
        "erase comment": reverse("admin:comments_comment_erase", args=[comment.pk]),
        "restore revision (POST)": reverse(
            "admin:comments_comment_restore_revision", args=[comment.pk, first_revision.pk]
        ),
        "users": reverse("admin:auth_user_changelist"),
    }
    editable_field = {
        "post change (author's post)": 'name="title"',
        "post add": 'name="title"',
        "comment change": 'name="body"',
        "policy settings": 'name="max_links"',
    }
    if page.endswith("(POST)"):
        return client.post(urls[page], {"reason": "back to the original"}), None
    return client.get(urls[page]), editable_field.get(page)


def outcome(response, editable_field, comment) -> str:
    status, location = response.status_code, response.get("Location", "")
    if status == 302 and location.startswith(reverse("admin:login")):
        return "login"
    if status == 403:
        return "denied"
    if status == 404 or (status == 302 and location == reverse("admin:index")):
        return "hidden"
    if status == 302 and response.request["REQUEST_METHOD"] == "POST":
        restored = Comment.objects.get(pk=comment.pk).body == "What the reader wrote."
        return "done" if restored else "refused"
    assert status == 200, (status, location)
    if editable_field is None:
        return "ok"
    return "edit" if editable_field in response.content.decode() else "view"


@pytest.mark.parametrize(("page", "expected"), rows(ADMIN_PAGES))
def test_admin_pages(people, post, make, moderator, page, expected):
    found = {}
    comment = edited_comment(make, moderator)
    for person, user in people.items():
        if page.endswith("(POST)"):
            comment = edited_comment(make, moderator)  # one each: a POST may restore it
        response, editable_field = admin_request(page, client_for(user), post, comment)
        found[person] = outcome(response, editable_field, comment)
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


# -- the services -----------------------------------------------------------------------


def prepare(service: str, make, moderator) -> Comment:
    """A comment on the author's post in a state the service applies to."""
    Status = Comment.Status
    status = {
        "comment_approve": Status.PENDING,
        "comment_reject": Status.PENDING,
        "comment_mark_spam": Status.PENDING,
        "comment_mark_not_spam": Status.SPAM,
        "comment_restore": Status.REMOVED,
        "comment_approve_and_reply": Status.PENDING,
        "comment_edit_and_approve": Status.PENDING,
    }.get(service, Status.APPROVED)
    comment = make("What the reader wrote.", status=status, email="ruth@example.org")
    if service == "comment_restore_revision":
        services.comment_edit(comment=comment, actor=moderator, reason="tidying", body="Kept.")
    return comment


def call(service: str, comment: Comment, actor):
    function = getattr(services, service)
    if service in {"comment_edit", "comment_edit_and_approve"}:
        return function(comment=comment, actor=actor, reason="typo", body="Corrected.")
    if service == "comment_restore_revision":
        revision = comment.revisions.order_by("created_at", "pk").first()
        return function(comment=comment, revision=revision, actor=actor, reason="undo")
    if service == "comment_approve_and_reply":
        return function(comment=comment, actor=actor, body="Thank you for asking.")
    if service in {"comment_remove", "comment_erase"}:
        return function(comment=comment, actor=actor, reason="request 12")
    return function(comment=comment, actor=actor)


def attempt(service: str, comment: Comment, actor) -> str:
    """Run the service as ``actor``: "yes" if it changed the comment (and logged who did
    it), "no" if it refused and nothing stored changed."""
    state = Comment.objects.filter(pk=comment.pk).values("status", "body").first()
    before = stored_state()
    try:
        call(service, comment, actor)
    except PermissionDenied:
        unchanged = Comment.objects.filter(pk=comment.pk).values("status", "body").first()
        assert (stored_state(), unchanged) == (before, state), f"{service} refused, yet wrote"
        return "no"
    assert Comment.objects.filter(pk=comment.pk).values("status", "body").first() != state
    last_event = ModerationEvent.objects.filter(comment_ref=comment.pk).latest("pk")
    assert last_event.actor == actor
    return "yes"


@pytest.mark.parametrize(("service", "expected"), rows(SERVICES))
def test_moderation_services(people, make, moderator, service, expected):
    found = {
        person: attempt(service, prepare(service, make, moderator), user)
        for person, user in people.items()
    }
    assert found == expected


def test_every_moderation_service_is_in_the_matrix():
    """A new service must be given its row above."""
    public = {
        name
        for name, value in vars(services).items()
        if name.startswith("comment_") and callable(value) and value.__module__ == services.__name__
    }
    # Not a person's action: the after-insert hook, and the import (run by the operator).
    operator = {"comment_inserted", "comment_update_from_import"}
    assert public - operator == {row[0] for row in SERVICES}
