"""The comment list: threads as trees, filters, audited bulk actions, no add and no delete."""

import re

import pytest
from django.urls import reverse

from comments.addresses import address_confirm
from comments.models import Comment
from moderation.models import BlockedTerm, ModerationEvent, PolicySettings

from .conftest import CHANGELIST_URL, THREE_LINKS, events_of, messages_of, status_of, text

Status = Comment.Status
Action = ModerationEvent.Action


def listed(response) -> list[int]:
    assert response.status_code == 200
    return [comment.pk for comment in response.context["cl"].result_list]


def run_action(client, action: str, comments, **extra):
    return client.post(
        CHANGELIST_URL,
        {"action": action, "_selected_action": [c.pk for c in comments], "index": 0, **extra},
    )


def action_names(response) -> list[str]:
    return [name for name, _label in response.context["action_form"].fields["action"].choices]


# The tree


def indents(page: str) -> dict[str, str]:
    """Each row's excerpt text and the left padding django-mptt put on its indented column."""
    rows = re.findall(r"<tr class=\"row\d\">.*?</tr>", page, re.S)
    found = {}
    for row in rows:
        excerpt = re.search(r'<th class="field-excerpt"[^>]*><a [^>]*>(.*?)</a>', row).group(1)
        padding = re.search(r'class="field-(\w+)[^"]*" style="padding-left:(\d+)px"', row)
        found[excerpt] = padding and padding.groups()
    return found


@pytest.fixture
def thread(make):
    root = make("Root comment.")
    reply = make("A reply.", parent=root)
    return [root, reply, make("A reply to the reply.", parent=reply)]


def test_changelist_indents_replies_by_depth(as_user, moderator, thread):
    found = indents(text(as_user(moderator).get(CHANGELIST_URL)))

    # django-mptt's admin pads one column: 8px plus mptt_level_indent (18) per level.
    assert [padding for _column, padding in found.values()] == ["8", "26", "44"]


def test_changelist_indents_the_comment_not_the_post_title(as_user, moderator, thread):
    found = indents(text(as_user(moderator).get(CHANGELIST_URL)))

    assert {column for column, _padding in found.values()} == {"excerpt"}


def test_changelist_lists_replies_under_their_thread(as_user, moderator, make):
    first = make("First thread.")
    second = make("Second thread.")
    reply = make("Late reply to the first.", parent=first)

    assert listed(as_user(moderator).get(CHANGELIST_URL)) == [first.pk, reply.pk, second.pk]


# Filters


def test_filter_by_status(as_user, moderator, make):
    make("Approved.")
    held = make("Held.", status=Status.PENDING)
    spam = make("Spam.", status=Status.SPAM)
    client = as_user(moderator)

    assert listed(client.get(CHANGELIST_URL, {"status__exact": "pending"})) == [held.pk]
    assert listed(client.get(CHANGELIST_URL, {"status__exact": "spam"})) == [spam.pk]


def test_filter_by_post(as_user, moderator, make, other_post):
    make("On the first post.")
    theirs = make("On the other post.", post=other_post)

    response = as_user(moderator).get(CHANGELIST_URL, {"post__id__exact": other_post.pk})

    assert listed(response) == [theirs.pk]


@pytest.fixture
def by_reason(make, submit):
    """One comment per policy reason, plus one the policy let through."""
    make("Known reader's first.", email="known@example.org")
    address_confirm(address="known@example.org")  # so the address vouches for them
    BlockedTerm.objects.create(value="casino")
    BlockedTerm.objects.create(value="pills.example", kind=BlockedTerm.Kind.DOMAIN)
    return {
        "first": submit("Hello, first time here.", author_email="new@example.org"),
        "links": submit(THREE_LINKS, author_email="known@example.org"),
        "blocked": submit("Try the casino.", author_email="known@example.org"),
        "domain": submit("https://pills.example/buy", author_email="known@example.org"),
        "none": submit("Nothing wrong.", author_email="known@example.org"),
    }


@pytest.mark.parametrize(
    ("reason", "expected"),
    [("first", ["first"]), ("links", ["links"]), ("blocked", ["blocked", "domain"])],
)
def test_filter_by_policy_reason(as_user, moderator, by_reason, reason, expected):
    assert by_reason["none"].status == Status.APPROVED
    assert by_reason["blocked"].status == by_reason["domain"].status == Status.SPAM

    response = as_user(moderator).get(CHANGELIST_URL, {"reason": reason})

    assert listed(response) == [by_reason[name].pk for name in expected]


def test_filter_by_links_finds_a_comment_held_for_one_link(as_user, moderator, make, submit):
    PolicySettings.objects.update_or_create(pk=1, defaults={"max_links": 0})
    make("Known reader's first.", email="known@example.org")
    held = submit("One source: https://example.org/study", author_email="known@example.org")
    assert held.status == Status.PENDING

    response = as_user(moderator).get(CHANGELIST_URL, {"reason": "links"})

    assert listed(response) == [held.pk]


def test_reason_column_shows_the_policys_reasons(as_user, moderator, by_reason):
    page = text(as_user(moderator).get(CHANGELIST_URL))

    assert "first comment from this email" in page
    assert "3 links" in page
    assert "blocked term: casino" in page


def test_author_lists_only_comments_on_their_own_posts(as_user, author, make, other_post):
    mine = make("On your post.")
    make("On another post.", post=other_post)

    assert listed(as_user(author).get(CHANGELIST_URL)) == [mine.pk]


def test_staff_without_a_group_gets_403(as_user, plain_staff, make):
    make("A comment.")

    assert as_user(plain_staff).get(CHANGELIST_URL).status_code == 403


# Bulk actions

ACTIONS = [
    # action, a status it applies to, the status after, the event, a status it refuses
    ("approve_selected", Status.PENDING, Status.APPROVED, Action.APPROVED, Status.APPROVED),
    ("reject_selected", Status.PENDING, Status.REJECTED, Action.REJECTED, Status.SPAM),
    ("spam_selected", Status.PENDING, Status.SPAM, Action.SPAM, Status.REMOVED),
    ("not_spam_selected", Status.SPAM, Status.APPROVED, Action.NOT_SPAM, Status.APPROVED),
    ("remove_selected", Status.APPROVED, Status.REMOVED, Action.REMOVED, Status.SPAM),
    ("restore_selected", Status.REMOVED, Status.APPROVED, Action.RESTORED, Status.APPROVED),
]


@pytest.mark.parametrize(("action", "before", "after", "event_action", "refused"), ACTIONS)
def test_bulk_action_writes_one_event_per_comment(
    as_user, moderator, make, action, before, after, event_action, refused
):
    chosen = [make(f"Chosen {n}.", status=before) for n in range(2)]
    left = make("Not selected.", status=before)

    response = run_action(as_user(moderator), action, chosen)

    assert response.status_code == 302
    for comment in chosen:
        assert status_of(comment) == after
        [event] = events_of(comment, actor=moderator)
        assert (event.action, event.from_status, event.to_status) == (event_action, before, after)
    assert status_of(left) == before
    assert events_of(left, actor=moderator) == []
    [(level, message)] = messages_of(response)
    assert level == "success"
    assert message.startswith("2 comment(s) ")


@pytest.mark.parametrize(("action", "before", "after", "event_action", "refused"), ACTIONS)
def test_bulk_action_reports_invalid_transitions_and_leaves_them(
    as_user, moderator, make, action, before, after, event_action, refused
):
    valid = make("Can change.", status=before)
    invalid = make("Cannot change.", status=refused)

    response = run_action(as_user(moderator), action, [valid, invalid])

    assert status_of(valid) == after
    assert status_of(invalid) == refused
    assert events_of(invalid, actor=moderator) == []
    found = dict(messages_of(response))
    assert found["success"].startswith("1 comment(s) ")
    assert found["warning"].startswith(f"Not changed: #{invalid.pk}: Comment {invalid.pk} is ")


def test_restore_action_puts_a_held_comment_back_in_the_queue(as_user, moderator, make):
    held = make("Held, removed by mistake.", status=Status.PENDING)
    client = as_user(moderator)

    run_action(client, "remove_selected", [held])
    assert status_of(held) == Status.REMOVED
    run_action(client, "restore_selected", [held])

    assert status_of(held) == Status.PENDING
    restored = events_of(held, actor=moderator)[-1]
    assert (restored.action, restored.from_status, restored.to_status) == (
        Action.RESTORED,
        "removed",
        "pending",
    )


def test_remove_action_records_why(as_user, moderator, make):
    comment = make("Will be removed.")

    run_action(as_user(moderator), "remove_selected", [comment])

    [event] = events_of(comment, actor=moderator)
    assert event.reason == "removed from the comment list"


def test_author_bulk_action_reaches_only_their_own_posts(as_user, author, make, other_post):
    mine = make("On your post.", status=Status.PENDING)
    theirs = make("On another post.", status=Status.PENDING, post=other_post)

    run_action(as_user(author), "approve_selected", [mine, theirs])

    assert status_of(mine) == Status.APPROVED
    assert status_of(theirs) == Status.PENDING
    assert events_of(theirs) == [events_of(theirs)[0]]  # only the import


# No add, no delete


@pytest.fixture(params=["moderator", "superuser"])
def staff(request):
    return request.getfixturevalue(request.param)


def test_nobody_can_add_a_comment_in_the_admin(as_user, staff):
    client = as_user(staff)

    assert client.get(reverse("admin:comments_comment_add")).status_code == 403
    assert 'href="/admin/comments/comment/add/"' not in text(client.get(CHANGELIST_URL))


def test_nobody_can_delete_a_comment_in_the_admin(as_user, staff, make):
    comment = make("Stays.")
    client = as_user(staff)

    response = client.get(CHANGELIST_URL)
    assert "approve_selected" in action_names(response)
    assert "delete_selected" not in action_names(response)
    delete_url = reverse("admin:comments_comment_delete", args=[comment.pk])
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    run_action(client, "delete_selected", [comment], post="yes")
    assert Comment.objects.filter(pk=comment.pk).exists()
    assert 'class="deletelink"' not in text(client.get(reverse(
        "admin:comments_comment_change", args=[comment.pk]
    )))  # fmt: skip
