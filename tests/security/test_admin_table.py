"""Issue 16 item 1: every admin URL of every comment model, for every kind of person, from
one table.

The URL patterns are read from the admin site itself, so a new page or action of a comment
model that is not in the table fails ``test_the_table_covers_every_admin_url``.

People: anonymous; ``clerk`` (staff, no permission); ``viewer`` (staff with only
``comments.view_comment``); ``author`` (wrote the post the comment is on); ``other`` (an
author of another post); ``moderator``; ``superuser``.

Outcomes of a GET:
    login   - sent to the admin's sign-in page
    denied  - 403
    hidden  - the comment is not theirs: 404, or the admin's "does not exist" redirect
    lists   - a list page that shows the comment (its writer's email included)
    empty   - a list page without the comment
    view    - the page, nothing editable
    edit    - the page with the comment's text editable (and nothing else of it)
    ok      - the page (erase form, audit list)
    queue   - redirected to the moderation queue
    change  - redirected to the comment's change page
Outcomes of a POST: login, denied, or
    done    - the comment changed as the action says, with one audit event
    refused - nothing about the comment changed, no event was written
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser, Permission
from django.test import Client
from django.urls import reverse

from comments.models import Comment, CommentRevision
from moderation import services
from moderation.models import ModerationEvent, PendingComment
from tests.factories import UserFactory

PEOPLE = ["anonymous", "clerk", "viewer", "author", "other", "moderator", "superuser"]
Status = Comment.Status

# (url name or pattern, method, what):
#     anonymous clerk  viewer   author    other     moderator superuser
TABLE = [
    (("comments_comment_changelist", "GET", ""),
     ["login", "denied", "empty", "lists", "empty", "lists", "lists"]),
    (("comments_comment_add", "GET", ""),
     ["login", "denied", "denied", "denied", "denied", "denied", "denied"]),
    (("comments_comment_change", "GET", ""),
     ["login", "denied", "hidden", "view", "hidden", "edit", "edit"]),
    # The back door replayed on the real change page: raw fields are ignored, the
    # words change only through comment_edit (for those who may edit them).
    (("comments_comment_change", "POST", "raw fields"),
     ["login", "denied", "denied", "denied", "refused", "done", "done"]),
    (("comments_comment_delete", "GET", ""),
     ["login", "denied", "denied", "denied", "denied", "denied", "denied"]),
    (("comments_comment_delete", "POST", "delete"),
     ["login", "denied", "denied", "denied", "denied", "denied", "denied"]),
    (("comments_comment_history", "GET", ""),
     ["login", "hidden", "hidden", "ok", "hidden", "ok", "ok"]),
    (("<path:object_id>/", "GET", "comments"),
     ["login", "change", "change", "change", "change", "change", "change"]),
    (("comments_comment_erase", "GET", ""),
     ["login", "denied", "denied", "denied", "denied", "denied", "ok"]),
    (("comments_comment_restore_revision", "POST", ""),
     ["login", "hidden", "hidden", "refused", "hidden", "done", "done"]),
    (("comments_comment_changelist", "POST", "approve_selected"),
     ["login", "denied", "refused", "done", "refused", "done", "done"]),
    (("comments_comment_changelist", "POST", "reject_selected"),
     ["login", "denied", "refused", "done", "refused", "done", "done"]),
    (("comments_comment_changelist", "POST", "spam_selected"),
     ["login", "denied", "refused", "done", "refused", "done", "done"]),
    (("comments_comment_changelist", "POST", "not_spam_selected"),
     ["login", "denied", "refused", "done", "refused", "done", "done"]),
    (("comments_comment_changelist", "POST", "remove_selected"),
     ["login", "denied", "refused", "done", "refused", "done", "done"]),
    (("comments_comment_changelist", "POST", "restore_selected"),
     ["login", "denied", "refused", "done", "refused", "done", "done"]),
    (("comments_comment_changelist", "POST", "delete_selected"),
     ["login", "denied", "refused", "refused", "refused", "refused", "refused"]),
    (("moderation_pendingcomment_changelist", "GET", ""),
     ["login", "denied", "empty", "lists", "empty", "lists", "lists"]),
    (("moderation_pendingcomment_changelist", "POST", "approve"),
     ["login", "denied", "refused", "done", "refused", "done", "done"]),
    (("moderation_pendingcomment_changelist", "POST", "reject"),
     ["login", "denied", "refused", "done", "refused", "done", "done"]),
    (("moderation_pendingcomment_changelist", "POST", "spam"),
     ["login", "denied", "refused", "done", "refused", "done", "done"]),
    (("moderation_pendingcomment_changelist", "POST", "approve_reply"),
     ["login", "denied", "refused", "done", "refused", "done", "done"]),
    # The queue's bulk helpers, confirmed (asking first changes nothing: test_queue_fast).
    (("moderation_pendingcomment_changelist", "POST", "approve_writer"),
     ["login", "denied", "refused", "done", "refused", "done", "done"]),
    (("moderation_pendingcomment_changelist", "POST", "spam_domain"),
     ["login", "denied", "refused", "done", "refused", "done", "done"]),
    (("moderation_pendingcomment_change", "GET", ""),
     ["login", "queue", "queue", "queue", "queue", "queue", "queue"]),
    (("moderation_pendingcomment_change", "POST", "raw fields"),
     ["login", "refused", "refused", "refused", "refused", "refused", "refused"]),
    (("moderation_moderationevent_changelist", "GET", ""),
     ["login", "denied", "denied", "denied", "denied", "ok", "ok"]),
    (("moderation_moderationevent_add", "GET", ""),
     ["login", "denied", "denied", "denied", "denied", "denied", "denied"]),
    (("moderation_moderationevent_change", "GET", ""),
     ["login", "denied", "denied", "denied", "denied", "view", "view"]),
    (("moderation_moderationevent_change", "POST", "raw fields"),
     ["login", "denied", "denied", "denied", "denied", "denied", "denied"]),
    (("moderation_moderationevent_delete", "GET", ""),
     ["login", "denied", "denied", "denied", "denied", "denied", "denied"]),
    (("moderation_moderationevent_history", "GET", ""),
     ["login", "denied", "denied", "denied", "denied", "ok", "ok"]),
    (("<path:object_id>/", "GET", "events"),
     ["login", "change", "change", "change", "change", "change", "change"]),
]  # fmt: skip

# What each POST should do to a comment in a given state: (start status, end status).
ACTION_STATES = {
    "approve_selected": (Status.PENDING, Status.APPROVED),
    "reject_selected": (Status.PENDING, Status.REJECTED),
    "spam_selected": (Status.PENDING, Status.SPAM),
    "not_spam_selected": (Status.SPAM, Status.APPROVED),
    "remove_selected": (Status.APPROVED, Status.REMOVED),
    "restore_selected": (Status.REMOVED, Status.APPROVED),
    "delete_selected": (Status.PENDING, None),
    "approve": (Status.PENDING, Status.APPROVED),
    "reject": (Status.PENDING, Status.REJECTED),
    "spam": (Status.PENDING, Status.SPAM),
    "approve_reply": (Status.PENDING, Status.APPROVED),
    "approve_writer": (Status.PENDING, Status.APPROVED),
    "spam_domain": (Status.PENDING, Status.SPAM),
}
COMMENT_MODELS = [Comment, PendingComment, CommentRevision, ModerationEvent]
MODEL_OF = {"comments": Comment, "events": ModerationEvent}
ORIGINAL, ATTACK = "What the reader wrote.", "Rewritten."
# With a link, so "spam all pending with this link domain" has a domain to act on.
EDITED = "What the moderator kept: https://kept.example/page"


def url_key(pattern) -> str:
    return pattern.name or str(pattern.pattern)


def test_the_table_covers_every_admin_url():
    """Every URL pattern of every registered comment model has at least one row."""
    in_table = {key[0] for key, _row in TABLE}
    for model in COMMENT_MODELS:
        model_admin = admin.site._registry.get(model)
        if model_admin is None:
            continue
        for pattern in model_admin.get_urls():
            assert url_key(pattern) in in_table, f"{model.__name__}: {pattern} is not in TABLE"
    actions = admin.site._registry[Comment].get_actions
    assert actions  # the bulk actions are rows too (checked in the moderator's row below)


def test_every_bulk_action_has_a_row(rf, moderator):
    request = rf.get("/")
    request.user = moderator
    names = set(admin.site._registry[Comment].get_actions(request))
    rows = {what for (name, method, what), _row in TABLE if name.endswith("changelist")}
    assert names <= rows, names - rows


@pytest.fixture
def people(author, other_author, other_post, moderator, superuser):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(content_type__app_label="comments", codename="view_comment")
    )
    return {
        "anonymous": AnonymousUser(),
        "clerk": UserFactory(username="clerk", is_staff=True),
        "viewer": viewer,
        "author": author,
        "other": other_author,
        "moderator": moderator,
        "superuser": superuser,
    }


def a_comment(make, moderator, start) -> Comment:
    """A comment on the author's post, edited once by a moderator, in status ``start``."""
    comment = make(ORIGINAL, name="Ruth", email="ruth@example.org", ip="10.9.9.9")
    services.comment_edit(comment=comment, actor=moderator, reason="tidying", body=EDITED)
    Comment.objects.filter(pk=comment.pk).update(status=start)
    return Comment.objects.get(pk=comment.pk)


def url_for(name: str, what: str, comment: Comment) -> str:
    if name == "<path:object_id>/":
        model = MODEL_OF[what]
        pk = comment.pk if model is Comment else ModerationEvent.objects.filter(
            comment_ref=comment.pk).first().pk  # fmt: skip
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") + (
            f"{pk}/"
        )
    if name.endswith(("changelist", "_add")):
        return reverse(f"admin:{name}")
    if name == "comments_comment_restore_revision":
        first = comment.revisions.order_by("created_at", "pk").first()
        return reverse(f"admin:{name}", args=[comment.pk, first.pk])
    if name.startswith("moderation_moderationevent"):
        event = ModerationEvent.objects.filter(comment_ref=comment.pk).first()
        return reverse(f"admin:{name}", args=[event.pk])
    return reverse(f"admin:{name}", args=[comment.pk])


def post_data(name: str, what: str, comment: Comment) -> dict:
    raw = {
        "post": comment.post_id + 1000, "parent": "", "reply_to": "", "user": "",
        "role": "moderator", "status": Status.APPROVED, "ip_hash": "x", "user_agent": "x",
        "author_name": "Mallory", "author_email": "m@example.org", "body": ATTACK,
        "quote": "", "reason": "because", "public_note": "", "edit_note": "x",
    }  # fmt: skip
    if what == "raw fields" or what == "delete":
        return {**raw, "post": "yes"} if what == "delete" else raw
    if name == "comments_comment_changelist":
        return {"action": what, "_selected_action": [comment.pk], "post": "yes", "index": 0}
    if name == "moderation_pendingcomment_changelist":
        return {"action": what, "comment": comment.pk, "reason": "off topic",
                "reply": "Thank you.", "quote": "", "domain": "kept.example",
                "confirmed": "yes", "chosen": [comment.pk]}  # fmt: skip
    return {"reason": "back to the original"}


def state(comment: Comment):
    row = Comment.objects.filter(pk=comment.pk).values_list(
        "status", "body", "author_name", "author_email", "role", "ip_hash", "post_id"
    )
    return (list(row), ModerationEvent.objects.filter(comment_ref=comment.pk).count())


def outcome(response, method: str, before, after, comment: Comment, name: str) -> str:
    status, location = response.status_code, response.get("Location", "")
    if status == 302 and location.startswith(reverse("admin:login")):
        return "login"
    if status == 403:
        return "denied"
    if method == "POST":
        if after == before:
            return "hidden" if status == 404 else "refused"
        return "changed"  # judged by the caller against what the action should do
    if status == 404 or (status == 302 and location == reverse("admin:index")):
        return "hidden"
    if status == 302 and location == reverse("admin:moderation_pendingcomment_changelist"):
        return "queue"
    if status == 302 and location == reverse("admin:comments_comment_change", args=[comment.pk]):
        return "change"
    if status == 302 and location.endswith("/change/"):
        return "change"
    assert status == 200, (status, location)
    page = response.content.decode()
    if name.endswith("_changelist") and name.startswith(("comments", "moderation_pending")):
        return "lists" if "ruth@example.org" in page else "empty"
    if name == "comments_comment_change" or name == "moderation_moderationevent_change":
        if 'name="body"' in page:
            # Only the words are a form field; nothing the issue names is.
            for field in ("post", "parent", "reply_to", "user", "role", "status", "ip_hash"):
                assert f'name="{field}"' not in page, field
            return "edit"
        return "view"
    return "ok"


def judge_change(what: str, name: str, comment: Comment, before, after) -> str:
    """A POST that changed something: "done" only if it did exactly what it should."""
    rows, events = after
    status, body, author_name, author_email, role, ip_hash, post_id = rows[0]
    _rows, events_before = before
    unchanged_identity = (author_name, author_email, role, ip_hash, post_id) == (
        "Ruth", "ruth@example.org", "", comment.ip_hash, comment.post_id
    )  # fmt: skip
    if what == "raw fields":
        expected = status == comment.status and body == ATTACK
    elif name == "comments_comment_restore_revision":
        expected = status == comment.status and body == ORIGINAL
    else:
        expected = status == ACTION_STATES[what][1] and body == EDITED
    return "done" if expected and unchanged_identity and events >= events_before + 1 else "BROKEN"


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param(key, dict(zip(PEOPLE, row, strict=True)), id="-".join(key))
        for key, row in TABLE
    ],
)
def test_admin_url_for_every_person(key, expected, people, make, moderator):
    name, method, what = key
    start = ACTION_STATES.get(what, (Status.PENDING, None))[0]
    seen = {}
    for person, user in people.items():
        comment = a_comment(make, moderator, start)
        client = Client()
        if user.is_authenticated:
            client.force_login(user)
        url = url_for(name, what, comment)
        before = state(comment)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, post_data(name, what, comment))
        after = state(comment)
        result = outcome(response, method, before, after, comment, name)
        if result == "changed":
            result = judge_change(what, name, comment, before, after)
        elif method == "POST":
            assert after == before, (person, "refused but changed")
        seen[person] = result
    assert seen == expected
