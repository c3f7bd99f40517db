"""Who may do what to a comment, from one table: every entry point against every person.

Issue 14 item 3 and issue 16 item 1. The rules live in ``comments.permissions`` (and
``blog.permissions`` for drafts); this table is what they must add up to at each door a
comment can be changed through: the public views, every admin URL pattern, bulk action and
queue button of the comment models, every function of ``moderation/services.py`` and the
management commands that change comments. Guards fail when a new admin URL, bulk action,
queue button, service or command has no row.

Columns (DESIGN.md section 5): anonymous; ``reader`` (an account, not staff); ``clerk``
(staff, no permission); ``viewer`` (staff with only ``comments.view_comment``); ``author``
(wrote the post the comment is on); ``other`` (an author of another post); ``moderator``;
``superuser``; ``inactive`` (a moderator whose account is switched off).

Every cell is driven for real, and afterwards the comment's stored state and its
ModerationEvent count are compared with what the cell says: a refusal of any kind leaves
both exactly as they were.

Refused, as each door says it:
    login            - 302 to the admin's sign-in page
    403              - 403
    404              - 404
    hidden           - the admin's "does not exist": 404, or its redirect to the index
    PermissionDenied - a service raised it
    refused          - the request was answered (a message), and nothing changed
Allowed:
    done             - changed as it should, with an audit event naming the actor
    held / approved / approved:author / approved:moderator / approved:team
                     - a new comment stored with this status and badge, one audit event
    unsubscribed     - the comment's reply mail is off, nothing else of it changed
    page             - 200, the page (a GET: nothing changes)
    lists / empty    - a list page with / without the comment (and its writer's email)
    view / edit      - the change page, read-only / with only the comment's words editable
    queue / change   - redirected to the moderation queue / the comment's change page
    system           - a management command: it has no person and acts as the system (run by
                       whoever runs manage.py); the same outcome whoever "asks", checked once
"""

import inspect
import io
import re
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.management import call_command, get_commands
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from comments.models import Comment, CommentRevision
from moderation import services
from moderation.models import ModerationEvent, PendingComment
from moderation.notifications import unsubscribe_token
from tests.factories import PostFactory, UserFactory

from .conftest import stored_state

PEOPLE = [
    "anonymous", "reader", "clerk", "viewer", "author", "other", "moderator", "superuser",
    "inactive",
]  # fmt: skip
Status = Comment.Status
PD = "PermissionDenied"
SYSTEM = ["system"] * 9

# (kind, entry point, method, what):
#   anonymous reader  clerk    viewer   author   other    moderator superuser inactive
TABLE = [
    # -- public views ----------------------------------------------------------------------
    # A comment's badge comes from the writer's role on this post, never from what they type;
    # active staff are the blog's team (issue 23): published at once, badged "Team".
    (("view", "comments:post", "POST", "comment"),
     ["held", "held", "approved:team", "approved:team", "approved:author", "approved:team",
      "approved:moderator", "approved:moderator", "held"]),
    (("view", "comments:post", "POST", "reply"),
     ["held", "held", "approved:team", "approved:team", "approved:author", "approved:team",
      "approved:moderator", "approved:moderator", "held"]),
    (("view", "comments:post", "POST", "reply on a draft"), ["404"] * 9),
    (("view", "comments:reply", "GET", "comment"), ["page"] * 9),
    (("view", "comments:reply", "GET", "draft's comment"), ["404"] * 9),
    # A draft: its author and those who may edit it; no staff as such, no moderator.
    (("view", "blog:post", "GET", "draft"),
     ["404", "404", "404", "404", "page", "404", "404", "page", "404"]),
    # The link in reply mail turns replies off for the address it was mailed to: the signed
    # token is the permission, whoever holds it. A preference, not a moderation: no event.
    (("view", "moderation:unsubscribe", "POST", "the mailed token"), ["unsubscribed"] * 9),
    (("view", "moderation:unsubscribe", "POST", "a forged token"), ["404"] * 9),
    # -- the admin: every URL pattern of every comment model ---------------------------------
    (("admin", "comments_comment_changelist", "GET", ""),
     ["login", "login", "403", "empty", "lists", "empty", "lists", "lists", "login"]),
    (("admin", "comments_comment_add", "GET", ""),
     ["login", "login", "403", "403", "403", "403", "403", "403", "login"]),
    (("admin", "comments_comment_change", "GET", ""),
     ["login", "login", "403", "hidden", "view", "hidden", "edit", "edit", "login"]),
    # Issue 16's back door replayed on the real change page: raw fields are ignored, the
    # words change only through comment_edit (for those who may edit them).
    (("admin", "comments_comment_change", "POST", "raw fields"),
     ["login", "login", "403", "403", "403", "refused", "done", "done", "login"]),
    (("admin", "comments_comment_delete", "GET", ""),
     ["login", "login", "403", "403", "403", "403", "403", "403", "login"]),
    (("admin", "comments_comment_delete", "POST", "delete"),
     ["login", "login", "403", "403", "403", "403", "403", "403", "login"]),
    (("admin", "comments_comment_history", "GET", ""),
     ["login", "login", "hidden", "hidden", "page", "hidden", "page", "page", "login"]),
    (("admin", "<path:object_id>/", "GET", "comments"),
     ["login", "login", "change", "change", "change", "change", "change", "change", "login"]),
    (("admin", "comments_comment_erase", "GET", ""),
     ["login", "login", "403", "403", "403", "403", "403", "page", "login"]),
    (("admin", "comments_comment_erase", "POST", "erase"),
     ["login", "login", "403", "403", "403", "403", "403", "done", "login"]),
    (("admin", "comments_comment_restore_revision", "POST", ""),
     ["login", "login", "hidden", "hidden", "refused", "hidden", "done", "done", "login"]),
    # The comment list's bulk actions.
    (("admin", "comments_comment_changelist", "POST", "approve_selected"),
     ["login", "login", "403", "refused", "done", "refused", "done", "done", "login"]),
    (("admin", "comments_comment_changelist", "POST", "reject_selected"),
     ["login", "login", "403", "refused", "done", "refused", "done", "done", "login"]),
    (("admin", "comments_comment_changelist", "POST", "spam_selected"),
     ["login", "login", "403", "refused", "done", "refused", "done", "done", "login"]),
    (("admin", "comments_comment_changelist", "POST", "not_spam_selected"),
     ["login", "login", "403", "refused", "done", "refused", "done", "done", "login"]),
    (("admin", "comments_comment_changelist", "POST", "remove_selected"),
     ["login", "login", "403", "refused", "done", "refused", "done", "done", "login"]),
    (("admin", "comments_comment_changelist", "POST", "restore_selected"),
     ["login", "login", "403", "refused", "done", "refused", "done", "done", "login"]),
    (("admin", "comments_comment_changelist", "POST", "delete_selected"),
     ["login", "login", "403", "refused", "refused", "refused", "refused", "refused", "login"]),
    # The moderation queue and its buttons.
    (("admin", "moderation_pendingcomment_changelist", "GET", ""),
     ["login", "login", "403", "empty", "lists", "empty", "lists", "lists", "login"]),
    (("admin", "moderation_pendingcomment_changelist", "POST", "approve"),
     ["login", "login", "403", "refused", "done", "refused", "done", "done", "login"]),
    (("admin", "moderation_pendingcomment_changelist", "POST", "reject"),
     ["login", "login", "403", "refused", "done", "refused", "done", "done", "login"]),
    (("admin", "moderation_pendingcomment_changelist", "POST", "spam"),
     ["login", "login", "403", "refused", "done", "refused", "done", "done", "login"]),
    (("admin", "moderation_pendingcomment_changelist", "POST", "approve_reply"),
     ["login", "login", "403", "refused", "done", "refused", "done", "done", "login"]),
    # The bulk helpers, confirmed (asking first changes nothing: test_queue_fast).
    (("admin", "moderation_pendingcomment_changelist", "POST", "approve_writer"),
     ["login", "login", "403", "refused", "done", "refused", "done", "done", "login"]),
    (("admin", "moderation_pendingcomment_changelist", "POST", "spam_domain"),
     ["login", "login", "403", "refused", "done", "refused", "done", "done", "login"]),
    # The queue's form for the selected comments: the same handler, a list of ids.
    (("admin", "moderation_pendingcomment_changelist", "POST", "selected:approve"),
     ["login", "login", "403", "refused", "done", "refused", "done", "done", "login"]),
    (("admin", "moderation_pendingcomment_changelist", "POST", "selected:reject"),
     ["login", "login", "403", "refused", "done", "refused", "done", "done", "login"]),
    (("admin", "moderation_pendingcomment_changelist", "POST", "selected:spam"),
     ["login", "login", "403", "refused", "done", "refused", "done", "done", "login"]),
    (("admin", "moderation_pendingcomment_change", "GET", ""),
     ["login", "login", "queue", "queue", "queue", "queue", "queue", "queue", "login"]),
    (("admin", "moderation_pendingcomment_change", "POST", "raw fields"),
     ["login", "login", "refused", "refused", "refused", "refused", "refused", "refused",
      "login"]),
    # The audit log: moderators' reading, nobody's writing.
    (("admin", "moderation_moderationevent_changelist", "GET", ""),
     ["login", "login", "403", "403", "403", "403", "page", "page", "login"]),
    (("admin", "moderation_moderationevent_add", "GET", ""),
     ["login", "login", "403", "403", "403", "403", "403", "403", "login"]),
    (("admin", "moderation_moderationevent_change", "GET", ""),
     ["login", "login", "403", "403", "403", "403", "view", "view", "login"]),
    (("admin", "moderation_moderationevent_change", "POST", "raw fields"),
     ["login", "login", "403", "403", "403", "403", "403", "403", "login"]),
    (("admin", "moderation_moderationevent_delete", "GET", ""),
     ["login", "login", "403", "403", "403", "403", "403", "403", "login"]),
    (("admin", "moderation_moderationevent_history", "GET", ""),
     ["login", "login", "403", "403", "403", "403", "page", "page", "login"]),
    (("admin", "<path:object_id>/", "GET", "events"),
     ["login", "login", "change", "change", "change", "change", "change", "change", "login"]),
    # The spam filter's review list (issue 24): what the model filed, and "Not spam".
    (("admin", "moderation_policysettings_spam_review", "GET", ""),
     ["login", "login", "403", "403", "page", "page", "page", "page", "login"]),
    (("admin", "moderation_policysettings_spam_not_spam", "POST", "spam-review:not_spam"),
     ["login", "login", "403", "403", "done", "403", "done", "done", "login"]),
    # -- moderation/services.py --------------------------------------------------------------
    (("service", "comment_approve", "", ""),
     [PD, PD, PD, PD, "done", PD, "done", "done", PD]),
    (("service", "comment_reject", "", ""),
     [PD, PD, PD, PD, "done", PD, "done", "done", PD]),
    (("service", "comment_mark_spam", "", ""),
     [PD, PD, PD, PD, "done", PD, "done", "done", PD]),
    (("service", "comment_mark_not_spam", "", ""),
     [PD, PD, PD, PD, "done", PD, "done", "done", PD]),
    (("service", "comment_remove", "", ""),
     [PD, PD, PD, PD, "done", PD, "done", "done", PD]),
    (("service", "comment_restore", "", ""),
     [PD, PD, PD, PD, "done", PD, "done", "done", PD]),
    (("service", "comment_approve_and_reply", "", ""),
     [PD, PD, PD, PD, "done", PD, "done", "done", PD]),
    # Only moderators change what readers wrote; a post's author does not.
    (("service", "comment_edit", "", ""),
     [PD, PD, PD, PD, PD, PD, "done", "done", PD]),
    (("service", "comment_edit_and_approve", "", ""),
     [PD, PD, PD, PD, PD, PD, "done", "done", PD]),
    (("service", "comment_restore_revision", "", ""),
     [PD, PD, PD, PD, PD, PD, "done", "done", PD]),
    (("service", "comment_erase", "", ""),
     [PD, PD, PD, PD, PD, PD, PD, "done", PD]),
    # The after-insert hook: it has no actor; it records the policy's (or an import's)
    # decision as the system.
    (("service", "comment_inserted", "", ""), SYSTEM),
    (("service", "comments_imported", "", ""), SYSTEM),
    (("service", "comment_update_from_import", "", ""), SYSTEM),
    # -- management commands that change comments: none takes an actor --------------------
    (("command", "purge_comment_addresses", "", ""), SYSTEM),
    (("command", "check_comment_trees", "", "--rebuild"), SYSTEM),
    (("command", "import_wxr", "", "wxr-minimal.xml"), SYSTEM),
    (("command", "import_blogger", "", "blogger-takeout.xml"), SYSTEM),
    (("command", "import_disqus", "", "disqus-matching.xml"), SYSTEM),
]  # fmt: skip

# The importers' own small test files (tests/importers, or tests/porting once the
# importers live in their own app).
FIXTURES = next(
    path
    for path in (Path(__file__).parents[1] / name / "fixtures" for name in ("importers", "porting"))
    if path.exists()
)
# The apps whose management commands may touch comments.
COMMENT_APPS = {"comments", "moderation", "porting"}

# Commands that change no stored comment (or only create the demo's): not entry points.
COMMANDS_THAT_CHANGE_NO_COMMENT = {
    "export_json": "reads only",
    "export_wxr": "reads only",
    "seed_demo": "creates the demo's own posts and comments through comment_submit, once",
    "train_spam_filter": "reads moderators' decisions; saves a model, changes no comment",
    "retrain_spam_filter": "train_spam_filter when enough new decisions came",
    "evaluate_spam_filter": "reads a CSV file; changes nothing",
    "worker": "sends queued mail, queues digests, retrains the spam filter when due",
    "send_moderation_digest": "queues the staff's digests of what waits; reads comments",
}

# What a POST (or a service) should do to a comment: (start status, end status).
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
    "selected:approve": (Status.PENDING, Status.APPROVED),
    "selected:reject": (Status.PENDING, Status.REJECTED),
    "selected:spam": (Status.PENDING, Status.SPAM),
    "comment_approve": (Status.PENDING, Status.APPROVED),
    "comment_reject": (Status.PENDING, Status.REJECTED),
    "comment_mark_spam": (Status.PENDING, Status.SPAM),
    "comment_mark_not_spam": (Status.SPAM, Status.APPROVED),
    "spam-review:not_spam": (Status.SPAM, Status.APPROVED),
    "comment_remove": (Status.APPROVED, Status.REMOVED),
    "comment_restore": (Status.REMOVED, Status.APPROVED),
    "comment_approve_and_reply": (Status.PENDING, Status.APPROVED),
    "comment_edit": (Status.APPROVED, Status.APPROVED),
    "comment_edit_and_approve": (Status.PENDING, Status.APPROVED),
    "comment_restore_revision": (Status.APPROVED, Status.APPROVED),
}
COMMENT_MODELS = [Comment, PendingComment, CommentRevision, ModerationEvent]
MODEL_OF = {"comments": Comment, "events": ModerationEvent}
ORIGINAL, ATTACK = "What the reader wrote.", "Rewritten."
# With a link, so "spam all pending with this link domain" has a domain to act on.
EDITED = "What the moderator kept: https://kept.example/page"


def rows_of(kind: str):
    return [
        pytest.param(key, dict(zip(PEOPLE, row, strict=True)), id="-".join(filter(None, key)))
        for key, row in TABLE
        if key[0] == kind
    ]


# -- the guards: nothing escapes the table ------------------------------------------------


def url_key(pattern) -> str:
    return pattern.name or str(pattern.pattern)


def test_the_table_covers_every_admin_url():
    """Every URL pattern of every registered comment model has at least one row."""
    in_table = {name for (kind, name, _m, _w), _row in TABLE if kind == "admin"}
    for model in COMMENT_MODELS:
        model_admin = admin.site._registry.get(model)
        if model_admin is None:
            continue
        for pattern in model_admin.get_urls():
            assert url_key(pattern) in in_table, f"{model.__name__}: {pattern} is not in TABLE"


def rows_for(name: str) -> set[str]:
    return {what for (kind, n, method, what), _row in TABLE if n == name and method == "POST"}


def test_every_bulk_action_has_a_row(rf, moderator, superuser):
    for user in (moderator, superuser):
        request = rf.get("/")
        request.user = user
        names = set(admin.site._registry[Comment].get_actions(request))
        assert names, "no bulk actions at all: the guard would check nothing"
        assert names <= rows_for("comments_comment_changelist"), names


def test_every_queue_button_has_a_row(make, moderator):
    make("Held for the queue.", status=Status.PENDING, email="ruth@example.org")
    client = Client()
    client.force_login(moderator)
    page = client.get(reverse("admin:moderation_pendingcomment_changelist")).content.decode()
    buttons = set(re.findall(r'<button[^>]*name="action"[^>]*value="([^"]+)"', page))
    select = re.search(r'<select[^>]*name="action".*?</select>', page, re.S)
    options = {f"selected:{value}" for value in re.findall(r'value="([^"]+)"', select.group(0))}
    assert buttons and options, "no queue buttons found: the guard would check nothing"
    assert buttons | options <= rows_for("moderation_pendingcomment_changelist")


# Public URLs of the comment apps that change no comment: not entry points of the table.
VIEWS_THAT_CHANGE_NO_COMMENT = {
    "comments:permalink": "a redirect to the comment's page",
    "comments:feed": "reads the published comments",
    "comments:site_feed": "reads the published comments of published posts",
    "moderation:confirm_email": "records that an address is confirmed; no comment changes",
    "comments:token": "hands the reader a CSRF token; changes nothing",
}


def test_every_public_view_of_the_comment_apps_has_a_row():
    from comments import urls as comments_urls
    from moderation import urls as moderation_urls

    names = {
        f"{module.app_name}:{pattern.name}"
        for module in (comments_urls, moderation_urls)
        for pattern in module.urlpatterns
    }
    in_table = {name for (kind, name, _m, _w), _row in TABLE if kind == "view"}
    assert names == (in_table - {"blog:post"}) | set(VIEWS_THAT_CHANGE_NO_COMMENT)


def test_every_moderation_service_has_a_row():
    public = {
        name
        for name, value in vars(services).items()
        if not name.startswith("_")
        and inspect.isfunction(value)
        and value.__module__ == services.__name__
    }
    assert public == {name for (kind, name, _m, _w), _row in TABLE if kind == "service"}


def test_every_command_that_changes_comments_has_a_row():
    commands = {name for name, app in get_commands().items() if app in COMMENT_APPS}
    in_table = {name for (kind, name, _m, _w), _row in TABLE if kind == "command"}
    assert commands == in_table | set(COMMANDS_THAT_CHANGE_NO_COMMENT)


# -- the people -------------------------------------------------------------------------


@pytest.fixture
def people(reader, author, other_author, other_post, moderator, superuser):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(content_type__app_label="comments", codename="view_comment")
    )
    inactive = UserFactory(username="gone", is_staff=True, is_active=False)
    inactive.groups.add(Group.objects.get(name="Moderators"))
    return {
        "anonymous": AnonymousUser(),
        "reader": reader,
        "clerk": UserFactory(username="clerk", is_staff=True),
        "viewer": viewer,
        "author": author,
        "other": other_author,
        "moderator": moderator,
        "superuser": superuser,
        "inactive": inactive,
    }


def client_for(user, number: int) -> Client:
    # A new address per person, so that the rate limit never decides a cell.
    client = Client(REMOTE_ADDR=f"10.77.{number}.1")
    if user.is_authenticated:
        client.force_login(user)
    return client


def a_comment(make, moderator, start, **fields) -> Comment:
    """A comment on the author's post, edited once by a moderator, in status ``start``."""
    comment = make(ORIGINAL, name="Ruth", email="ruth@example.org", ip="10.9.9.9", **fields)
    services.comment_edit(comment=comment, actor=moderator, reason="tidying", body=EDITED)
    Comment.objects.filter(pk=comment.pk).update(status=start)
    return Comment.objects.get(pk=comment.pk)


def state(comment: Comment):
    """What a refusal must leave as it was: the comment's fields and its audit events."""
    row = Comment.objects.filter(pk=comment.pk).values_list(
        "status", "body", "quote", "author_name", "author_email", "role", "ip_hash",
        "user_agent", "post_id", "parent_id",
    )  # fmt: skip
    return (list(row), ModerationEvent.objects.filter(comment_ref=comment.pk).count())


# -- public views -----------------------------------------------------------------------


@pytest.mark.parametrize(("key", "expected"), rows_of("view"))
def test_public_views(key, expected, people, post, make, moderator):
    _kind, name, method, what = key
    draft = PostFactory(author=post.author, slug="a-draft", status=Post.Status.DRAFT)
    seen = {}
    for number, (person, user) in enumerate(people.items()):
        on_draft = "draft" in what
        target = draft if on_draft else post
        parent = a_comment(make, moderator, Status.APPROVED, post=target)
        before, total_before = state(parent), ModerationEvent.objects.count()
        client = client_for(user, number)
        if name == "comments:post":
            body = f"Posted by {person} ({what})."
            data = {"body": body, "author_name": "Pat", "author_email": f"{person}@r.example"}
            if what != "comment":
                data["parent"] = parent.pk
            response = client.post(reverse(name, args=[target.pk]), data)
            seen[person] = posted(response, body, person)
        elif name == "moderation:unsubscribe":
            Comment.objects.filter(pk=parent.pk).update(notify_replies=True)
            token = unsubscribe_token("ruth@example.org")
            if what == "a forged token":
                token = signing.dumps("ruth@example.org", salt="not the unsubscribe salt")
            response = client.post(reverse(name, args=[token]))
            notify = Comment.objects.get(pk=parent.pk).notify_replies
            assert response.status_code in (200, 404), (person, response.status_code)
            assert notify is (response.status_code == 404), person
            seen[person] = "404" if response.status_code == 404 else "unsubscribed"
        else:
            args = [draft.slug] if name == "blog:post" else [parent.pk]
            response = client.get(reverse(name, args=args))
            assert response.status_code in (200, 404), (person, response.status_code)
            seen[person] = "page" if response.status_code == 200 else "404"
        assert state(parent) == before, (person, "the comment it touched changed")
        created = 1 if seen[person].startswith(("held", "approved")) else 0
        assert ModerationEvent.objects.count() == total_before + created, person
    assert seen == expected


def posted(response, body: str, person: str) -> str:
    """The new comment's status and badge; it has exactly one event, its submission."""
    if response.status_code == 404:
        assert not Comment.objects.filter(body=body).exists()
        return "404"
    assert response.status_code == 302, (person, response.status_code)
    comment = Comment.objects.get(body=body)
    events = ModerationEvent.objects.filter(comment_ref=comment.pk)
    assert [(e.action, e.actor_id) for e in events] == [(ModerationEvent.Action.SUBMITTED, None)]
    if comment.status == Status.PENDING:
        assert comment.role == "", person
        return "held"
    assert comment.status == Status.APPROVED, (person, comment.status)
    return f"approved:{comment.role}" if comment.role else "approved"


# -- the admin --------------------------------------------------------------------------


def url_for(name: str, what: str, comment: Comment) -> str:
    if name == "<path:object_id>/":
        model = MODEL_OF[what]
        pk = comment.pk if model is Comment else ModerationEvent.objects.filter(
            comment_ref=comment.pk).first().pk  # fmt: skip
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") + (
            f"{pk}/"
        )
    if name.endswith(("changelist", "_add")) or name.startswith("moderation_policysettings_spam"):
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
    if what == "raw fields":
        return raw
    if what == "delete":
        return {**raw, "post": "yes"}
    if what == "erase":
        return {"reason": "request 12", "confirm": "on", "confirmation": "erase"}
    if name == "moderation_policysettings_spam_not_spam":
        return {"comment": comment.pk}
    if name == "comments_comment_changelist":
        return {"action": what, "_selected_action": [comment.pk], "post": "yes", "index": 0}
    if name == "moderation_pendingcomment_changelist" and what.startswith("selected:"):
        return {"action": what.removeprefix("selected:"), "selected": [comment.pk],
                "reason": "off topic"}  # fmt: skip
    if name == "moderation_pendingcomment_changelist":
        return {"action": what, "comment": comment.pk, "reason": "off topic",
                "reply": "Thank you.", "quote": "", "domain": "kept.example",
                "confirmed": "yes", "chosen": [comment.pk]}  # fmt: skip
    return {"reason": "back to the original"}


def outcome(response, method: str, comment: Comment, name: str) -> str:
    status, location = response.status_code, response.get("Location", "")
    if status == 302 and location.startswith(reverse("admin:login")):
        return "login"
    if status == 403:
        return "403"
    if method == "POST":
        return "hidden" if status == 404 else "answered"  # judged against the stored state
    if status == 404 or (status == 302 and location == reverse("admin:index")):
        return "hidden"
    if status == 302 and location == reverse("admin:moderation_pendingcomment_changelist"):
        return "queue"
    if status == 302 and location.endswith("/change/"):
        return "change"
    assert status == 200, (status, location)
    page = response.content.decode()
    if name.endswith("_changelist") and name.startswith(("comments", "moderation_pending")):
        return "lists" if "ruth@example.org" in page else "empty"
    if name in ("comments_comment_change", "moderation_moderationevent_change"):
        if 'name="body"' in page:
            # Only the words are a form field; nothing the issue names is.
            for field in ("post", "parent", "reply_to", "user", "role", "status", "ip_hash"):
                assert f'name="{field}"' not in page, field
            return "edit"
        return "view"
    return "page"


def judge_change(what: str, name: str, comment: Comment, before, after) -> str:
    """A POST that changed something: "done" only if it did exactly what it should."""
    rows, events = after
    _rows, events_before = before
    if what == "erase":
        # Erased without replies: the row is gone, the audit line stays.
        return "done" if rows == [] and events == events_before + 1 else "BROKEN"
    status, body, _quote, author_name, author_email, role, ip_hash, _ua, post_id, _p = rows[0]
    unchanged_identity = (author_name, author_email, role, ip_hash, post_id) == (
        "Ruth", "ruth@example.org", "", comment.ip_hash, comment.post_id
    )  # fmt: skip
    if what == "raw fields":
        expected = status == comment.status and body == ATTACK
    elif name == "comments_comment_restore_revision":
        expected = status == comment.status and body == ORIGINAL
    else:
        expected = status == ACTION_STATES[what][1] and body == EDITED
    return "done" if expected and unchanged_identity and events == events_before + 1 else "BROKEN"


@pytest.mark.parametrize(("key", "expected"), rows_of("admin"))
def test_admin(key, expected, people, make, moderator):
    _kind, name, method, what = key
    start = ACTION_STATES.get(what, (Status.PENDING, None))[0]
    seen = {}
    for number, (person, user) in enumerate(people.items()):
        comment = a_comment(make, moderator, start)
        client = client_for(user, number)
        url = url_for(name, what, comment)
        before = state(comment)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, post_data(name, what, comment))
        after = state(comment)
        result = outcome(response, method, comment, name)
        if result == "answered":
            result = "refused" if after == before else judge_change(
                what, name, comment, before, after)  # fmt: skip
        else:
            assert after == before, (person, result, "refused, yet something changed")
        seen[person] = result
    assert seen == expected


# -- the services -----------------------------------------------------------------------


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
    """Run the service as ``actor``: "done" if it changed the comment as it should and
    logged who did it, "PermissionDenied" if it refused and nothing stored changed."""
    before, everything = state(comment), stored_state()
    try:
        call(service, comment, actor)
    except PermissionDenied:
        assert (state(comment), stored_state()) == (before, everything), f"{service} wrote"
        return "PermissionDenied"
    rows, events = state(comment)
    if service == "comment_erase":
        assert rows == [] and events == before[1] + 1
        event = ModerationEvent.objects.filter(comment_ref=comment.pk).latest("pk")
        assert (event.action, event.actor) == (ModerationEvent.Action.ERASED, actor)
        return "done"
    assert rows != before[0], f"{service} changed nothing"
    assert rows[0][0] == ACTION_STATES[service][1]
    expected_events = 2 if service == "comment_edit_and_approve" else 1
    assert events == before[1] + expected_events
    assert ModerationEvent.objects.filter(comment_ref=comment.pk).latest("pk").actor == actor
    return "done"


def prepare(service: str, make, moderator) -> Comment:
    """A comment on the author's post in a state the service applies to."""
    start = ACTION_STATES.get(service, (Status.APPROVED,))[0]
    comment = make(ORIGINAL, status=start, email="ruth@example.org")
    if service == "comment_restore_revision":
        services.comment_edit(comment=comment, actor=moderator, reason="tidying", body="Kept.")
    return Comment.objects.get(pk=comment.pk)


# The services no person calls, and how each is driven.
SYSTEM_SERVICES = {
    "comment_inserted": lambda comment: services.comment_inserted(
        comment=comment, assessment=None, source="an export"
    ),
    "comments_imported": lambda comment: services.comments_imported(
        comments=[comment], sources=["an export"]
    ),
    "comment_update_from_import": lambda comment: services.comment_update_from_import(
        comment=comment, fields={"body": "Changed in a newer export."}, source="an export"
    ),
}


@pytest.mark.parametrize(("key", "expected"), rows_of("service"))
def test_services(key, expected, people, make, moderator):
    service = key[1]
    if expected == dict.fromkeys(PEOPLE, "system"):
        # The hooks of a stored comment and of an import: no actor, one event whose actor
        # is nobody; only an import's update changes what is stored.
        comment = make(ORIGINAL, status=Status.APPROVED)
        before = state(comment)
        SYSTEM_SERVICES[service](comment)
        rows, events = state(comment)
        assert (rows != before[0]) == (service == "comment_update_from_import")
        assert events == before[1] + 1
        event = ModerationEvent.objects.filter(comment_ref=comment.pk).latest("pk")
        assert (event.action, event.actor) == (ModerationEvent.Action.IMPORTED, None)
        return
    seen = {
        person: attempt(service, prepare(service, make, moderator), user)
        for person, user in people.items()
    }
    assert seen == expected


# -- management commands ----------------------------------------------------------------


def run(command: str, *args) -> None:
    call_command(command, *[str(arg) for arg in args], stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.parametrize(("key", "expected"), rows_of("command"))
def test_commands(key, expected, make, moderator):
    """No command takes a person: each acts as the system, whoever runs manage.py."""
    assert expected == dict.fromkeys(PEOPLE, "system")
    _kind, command, _method, what = key
    old = a_comment(make, moderator, Status.APPROVED)
    Comment.objects.filter(pk=old.pk).update(
        submitted_at=timezone.now() - timezone.timedelta(days=400), user_agent="Firefox"
    )
    before = state(old)
    existing = set(Comment.objects.values_list("pk", flat=True))
    if command == "purge_comment_addresses":
        run(command)
        rows, events = state(old)
        assert rows[0][6:8] == ("", "")  # the address hash and browser, nothing else
        assert (rows[0][:6], rows[0][8:], events) == (before[0][0][:6], before[0][0][8:], before[1])
    elif command == "check_comment_trees":
        run(command, what, old.tree_id)
        assert state(old) == before  # the tree is rebuilt; no comment's content or log
    else:
        run(command, FIXTURES / what)
        assert state(old) == before
        new = Comment.objects.exclude(pk__in=existing)
        assert new.exists(), f"{what} imported nothing: the row checks nothing"
        # Every imported comment has one audit line, written by nobody: the system.
        events = ModerationEvent.objects.filter(comment_ref__in=new.values("pk"))
        assert events.values("comment_ref").annotate(n=models.Count("pk")).filter(
            n=1).count() == new.count()  # fmt: skip
        assert set(events.values_list("action", "actor")) == {
            (ModerationEvent.Action.IMPORTED, None)
        }
