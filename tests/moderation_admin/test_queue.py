"""The moderation queue in the admin: what a moderator sees, and what their buttons do."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment
from comments.reasons import Kind, reason
from moderation.models import ModerationEvent

from .conftest import (
    QUEUE_URL,
    THREE_LINKS,
    events_of,
    messages_of,
    queue_ids,
    queue_item,
    status_of,
    text,
)

Status = Comment.Status
Action = ModerationEvent.Action


# What the queue shows


def test_queue_lists_only_pending_comments(as_user, moderator, make, submit):
    pending = submit("Waiting for a decision.", author_email="new@example.org")
    approved = make("Already published.")
    rejected = make("Turned down.", status=Status.REJECTED)
    spam = make("Buy now.", status=Status.SPAM)
    removed = make("Taken down.", status=Status.REMOVED)

    response = as_user(moderator).get(QUEUE_URL)

    assert response.status_code == 200
    assert queue_ids(response) == [pending.pk]
    page = text(response)
    for hidden in (approved, rejected, spam, removed):
        assert hidden.body not in page
    assert "1 comment is waiting, oldest first." in page


def test_queue_is_oldest_first_whatever_the_thread_order(as_user, moderator, make, submit):
    # Submitted now, in the first thread; then two older ones arrive in later threads.
    newest = submit("Newest.", author_email="c@example.org")
    oldest = make("Oldest.", status=Status.PENDING, email="a@example.org")
    middle = make("Middle.", status=Status.PENDING, email="b@example.org")
    assert newest.tree_id < oldest.tree_id < middle.tree_id

    response = as_user(moderator).get(QUEUE_URL)

    assert queue_ids(response) == [oldest.pk, middle.pk, newest.pk]


def test_queue_item_shows_post_parent_quote_reasons_and_body(as_user, moderator, make, submit):
    parent = make("Relapse is common in the first year, not after.", name="Bea")
    held = submit(
        f"I disagree. {THREE_LINKS}",
        parent=parent,
        quote="common in the first year",
        author_email="new@example.org",
        author_name="Ann",
    )
    assert held.status == Status.PENDING

    item = queue_item(as_user(moderator).get(QUEUE_URL), held)

    assert "Relapse rates, explained" in item
    assert 'href="/posts/relapse-rates/"' in item
    assert "In reply to <bdi>Bea</bdi>" in item
    assert "Relapse is common in the first year, not after." in item
    assert "Quoting" in item
    assert "<blockquote><bdi>common in the first year</bdi></blockquote>" in item
    assert "<li><bdi>3 links</bdi></li>" in item
    assert "<li><bdi>first comment from this email</bdi></li>" in item
    assert "<bdi>Ann</bdi> &lt;<bdi>new@example.org</bdi>&gt;" in item
    assert "I disagree." in item


def test_queue_item_without_parent_or_quote_shows_neither(as_user, moderator, submit):
    held = submit("A top-level comment.", author_email="new@example.org")

    item = queue_item(as_user(moderator).get(QUEUE_URL), held)

    assert "In reply to" not in item
    assert "Quoting" not in item
    assert "No earlier comments from this writer." in item


def test_queue_shows_writers_earlier_comments_by_email_whatever_its_case(
    as_user, moderator, make, submit, other_post
):
    make("My approved one.", email="Ann@Example.ORG")
    make("My rejected one.", email="ann@example.org", status=Status.REJECTED)
    make("My spam one.", email="ANN@EXAMPLE.ORG", status=Status.SPAM, post=other_post)
    make("Someone else entirely.", email="bob@example.org")
    held = submit(THREE_LINKS, author_email="ann@example.org")
    assert held.status == Status.PENDING

    item = queue_item(as_user(moderator).get(QUEUE_URL), held)

    assert "3 earlier comments by this writer" in item
    assert "<strong>Approved</strong>" in item
    assert "My approved one." in item
    assert "<strong>Rejected</strong>" in item
    assert "My rejected one." in item
    assert "<strong>Spam</strong>" in item
    assert "Sample sizes, revisited: <bdi>My spam one.</bdi>" in item
    assert "Someone else entirely." not in item


def test_queue_history_does_not_mix_writers_without_an_address(as_user, moderator, make):
    # Imported comments carry no IP address; only the email says who wrote them.
    make("Bob's earlier comment.", email="bob@example.org")
    ann = make("Ann waits.", email="ann@example.org", status=Status.PENDING)
    make("Bob waits.", email="bob@example.org", status=Status.PENDING)

    item = queue_item(as_user(moderator).get(QUEUE_URL), ann)

    assert "Bob" not in item
    assert "No earlier comments from this writer." in item


def test_queue_history_does_not_mix_writers_without_an_email(as_user, moderator, submit):
    # Two readers, two addresses, neither gives an email.
    submit("Earlier, from the second address.", ip="192.0.2.2")
    first = submit("Waiting, from the first address.", ip="192.0.2.1")
    submit("Waiting, from the second address.", ip="192.0.2.2")

    item = queue_item(as_user(moderator).get(QUEUE_URL), first)

    assert "second address" not in item


# Acting on one comment


def test_single_approve_publishes_with_one_event_by_the_moderator(as_user, moderator, submit):
    held = submit("Please publish me.", author_email="new@example.org")
    other = submit("Not this one.", author_email="other@example.org")

    response = as_user(moderator).post(QUEUE_URL, {"action": "approve", "comment": held.pk})

    assert response.status_code == 302
    assert response["Location"] == QUEUE_URL
    assert status_of(held) == Status.APPROVED
    assert status_of(other) == Status.PENDING
    [event] = events_of(held, action=Action.APPROVED)
    assert (event.actor, event.from_status, event.to_status) == (moderator, "pending", "approved")
    assert events_of(other, actor=moderator) == []
    assert ("success", "1 comment(s) approved.") in messages_of(response)


def test_single_spam_marks_spam_with_one_event(as_user, moderator, submit):
    held = submit("Cheap pills.", author_email="new@example.org")

    as_user(moderator).post(QUEUE_URL, {"action": "spam", "comment": held.pk})

    assert status_of(held) == Status.SPAM
    [event] = events_of(held, actor=moderator)
    assert (event.action, event.from_status, event.to_status) == (Action.SPAM, "pending", "spam")


def test_single_reject_keeps_the_reason_in_the_event(as_user, moderator, submit):
    held = submit("Off topic.", author_email="new@example.org")

    as_user(moderator).post(
        QUEUE_URL, {"action": "reject", "comment": held.pk, "reason": "  off topic  "}
    )

    assert status_of(held) == Status.REJECTED
    [event] = events_of(held, actor=moderator)
    assert event.action == Action.REJECTED
    assert event.reason == "off topic"
    assert (event.from_status, event.to_status) == ("pending", "rejected")


def test_unknown_action_changes_nothing_and_says_so(as_user, moderator, submit):
    held = submit("Waiting.", author_email="new@example.org")

    response = as_user(moderator).post(QUEUE_URL, {"action": "delete", "comment": held.pk})

    assert status_of(held) == Status.PENDING
    assert events_of(held, actor=moderator) == []
    assert ("error", "Choose an action.") in messages_of(response)


def test_acted_on_comment_leaves_the_queue(as_user, moderator, submit):
    held = submit("Waiting.", author_email="new@example.org")
    client = as_user(moderator)
    client.post(QUEUE_URL, {"action": "approve", "comment": held.pk})

    assert queue_ids(client.get(QUEUE_URL)) == []


# Acting on many


@pytest.mark.parametrize(
    ("action", "status", "event_action"),
    [
        ("approve", Status.APPROVED, Action.APPROVED),
        ("reject", Status.REJECTED, Action.REJECTED),
        ("spam", Status.SPAM, Action.SPAM),
    ],
)
def test_bulk_action_gives_each_selected_comment_one_event(
    as_user, moderator, submit, action, status, event_action
):
    chosen = [submit(f"Chosen {n}.", author_email=f"r{n}@example.org") for n in range(3)]
    left = submit("Not selected.", author_email="left@example.org")

    response = as_user(moderator).post(
        QUEUE_URL,
        {"action": action, "selected": [c.pk for c in chosen], "reason": "bulk decision"},
    )

    assert response.status_code == 302
    for comment in chosen:
        assert status_of(comment) == status
        [event] = events_of(comment, actor=moderator)
        assert (event.action, event.from_status, event.to_status) == (
            event_action,
            "pending",
            status,
        )
    assert status_of(left) == Status.PENDING
    assert events_of(left, actor=moderator) == []
    assert ModerationEvent.objects.filter(actor=moderator).count() == 3


def test_bulk_reject_stores_the_shared_reason_on_every_event(as_user, moderator, submit):
    chosen = [submit(f"Chosen {n}.", author_email=f"r{n}@example.org") for n in range(2)]

    as_user(moderator).post(
        QUEUE_URL, {"action": "reject", "selected": [c.pk for c in chosen], "reason": "duplicate"}
    )

    assert [e.reason for e in ModerationEvent.objects.filter(actor=moderator)] == [
        "duplicate",
        "duplicate",
    ]


def test_bulk_reports_a_comment_already_decided_and_changes_the_rest(
    as_user, moderator, make, submit
):
    held = submit("Waiting.", author_email="new@example.org")
    already = make("Already approved.")

    response = as_user(moderator).post(
        QUEUE_URL, {"action": "approve", "selected": [held.pk, already.pk]}
    )

    assert status_of(held) == Status.APPROVED
    assert events_of(already, actor=moderator) == []
    found = messages_of(response)
    assert ("success", "1 comment(s) approved.") in found
    [warning] = [message for level, message in found if level == "warning"]
    assert f"#{already.pk}" in warning


# Approve and reply


def test_approve_and_reply_publishes_both_with_the_moderators_badge_and_quote(
    as_user, moderator, submit
):
    held = submit("Relapse is rare after five years.", author_email="new@example.org")

    response = as_user(moderator).post(
        QUEUE_URL,
        {
            "action": "approve_reply",
            "comment": held.pk,
            "reply": "Thanks, here is the source.",
            "quote": "rare after  five years",
        },
    )

    assert response.status_code == 302
    assert status_of(held) == Status.APPROVED
    [reply] = Comment.objects.filter(parent=held)
    assert reply.reply_to_id == held.pk
    assert reply.status == Status.APPROVED
    assert reply.user == moderator
    assert reply.role == "moderator"
    assert reply.body == "Thanks, here is the source."
    assert reply.quote == "rare after five years"
    [approval] = events_of(held, actor=moderator)
    assert approval.action == Action.APPROVED
    [level, message] = messages_of(response)[0]
    assert level == "success"
    assert reply.get_absolute_url() in message


def test_approve_and_reply_is_shown_on_the_public_page(as_user, moderator, submit, client, post):
    held = submit("Is this peer reviewed?", author_email="new@example.org")
    as_user(moderator).post(
        QUEUE_URL,
        {"action": "approve_reply", "comment": held.pk, "reply": "Yes, in 2021.", "quote": ""},
    )

    page = text(client.get(post.get_absolute_url()))

    assert "Is this peer reviewed?" in page
    assert "Yes, in 2021." in page
    assert "badge-moderator" in page


def test_approve_and_reply_with_a_bad_quote_stores_nothing(as_user, moderator, submit):
    held = submit("Relapse is rare after five years.", author_email="new@example.org")

    response = as_user(moderator).post(
        QUEUE_URL,
        {
            "action": "approve_reply",
            "comment": held.pk,
            "reply": "Thanks.",
            "quote": "words nobody wrote",
        },
    )

    assert response.status_code == 302
    assert not Comment.objects.filter(parent=held).exists()
    assert status_of(held) == Status.PENDING  # the approval rolled back with the reply
    assert events_of(held, actor=moderator) == []
    assert messages_of(response) == [("error", "The quote is not in the comment it answers.")]


def test_approve_and_reply_with_an_empty_reply_stores_nothing(as_user, moderator, submit):
    held = submit("Waiting.", author_email="new@example.org")

    response = as_user(moderator).post(
        QUEUE_URL, {"action": "approve_reply", "comment": held.pk, "reply": "  ", "quote": ""}
    )

    assert not Comment.objects.filter(parent=held).exists()
    assert status_of(held) == Status.PENDING
    assert [level for level, _message in messages_of(response)] == ["error"]


# Who may see and act


def test_author_sees_only_pending_comments_on_their_own_posts(as_user, author, submit, other_post):
    mine = submit("On your post.", author_email="a@example.org")
    theirs = submit("On another post.", author_email="b@example.org", target=other_post)

    response = as_user(author).get(QUEUE_URL)

    assert response.status_code == 200
    assert queue_ids(response) == [mine.pk]
    assert theirs.body not in text(response)


def test_author_can_approve_a_comment_on_their_own_post(as_user, author, submit):
    mine = submit("On your post.", author_email="a@example.org")

    as_user(author).post(QUEUE_URL, {"action": "approve", "comment": mine.pk})

    assert status_of(mine) == Status.APPROVED
    [event] = events_of(mine, actor=author)
    assert event.action == Action.APPROVED


def test_author_can_approve_and_reply_with_the_authors_badge(as_user, author, submit):
    mine = submit("A question for the author.", author_email="a@example.org")

    as_user(author).post(
        QUEUE_URL, {"action": "approve_reply", "comment": mine.pk, "reply": "An answer."}
    )

    assert status_of(mine) == Status.APPROVED
    [reply] = Comment.objects.filter(parent=mine)
    assert (reply.user, reply.role, reply.status) == (author, "author", Status.APPROVED)


@pytest.mark.parametrize("action", ["approve", "reject", "spam", "approve_reply"])
def test_author_cannot_act_on_a_comment_on_another_authors_post(
    as_user, author, submit, other_post, action
):
    theirs = submit("On another post.", author_email="b@example.org", target=other_post)

    as_user(author).post(
        QUEUE_URL, {"action": action, "comment": theirs.pk, "reply": "Mine now.", "reason": "x"}
    )

    assert status_of(theirs) == Status.PENDING
    assert events_of(theirs, actor=author) == []
    assert not Comment.objects.filter(parent=theirs).exists()


def test_author_bulk_action_skips_comments_on_another_authors_post(
    as_user, author, submit, other_post
):
    mine = submit("On your post.", author_email="a@example.org")
    theirs = submit("On another post.", author_email="b@example.org", target=other_post)

    as_user(author).post(QUEUE_URL, {"action": "spam", "selected": [mine.pk, theirs.pk]})

    assert status_of(mine) == Status.SPAM
    assert status_of(theirs) == Status.PENDING
    assert events_of(theirs, actor=author) == []


@pytest.mark.parametrize("method", ["get", "post"])
def test_staff_without_a_group_gets_403(as_user, plain_staff, submit, method):
    held = submit("Waiting.", author_email="new@example.org")

    response = getattr(as_user(plain_staff), method)(
        QUEUE_URL, {"action": "approve", "comment": held.pk}
    )

    assert response.status_code == 403
    assert status_of(held) == Status.PENDING


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_the_login_page(client, submit, method):
    held = submit("Waiting.", author_email="new@example.org")

    response = getattr(client, method)(QUEUE_URL, {"action": "approve", "comment": held.pk})

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")
    assert status_of(held) == Status.PENDING


# Query budget


def _fill_queue(make, post, count: int) -> None:
    """``count`` pending replies, each answering a different writer, each writer with history."""
    base = timezone.now() - datetime.timedelta(days=1)
    for n in range(count):
        parent = make(f"Parent {n}.", email=f"parent{n}@example.org")
        make(f"Earlier {n}.", email=f"Writer{n}@example.org", status=Status.REJECTED)
        held = make(
            f"Held {n}.", parent=parent, quote=f"Parent {n}.", email=f"writer{n}@example.org",
            status=Status.PENDING, ip=f"198.51.100.{n}",
        )  # fmt: skip
        held.status_reasons = [reason(Kind.LINKS, count=3)]
        held.submitted_at = base + datetime.timedelta(seconds=n)
        held.save(update_fields=["status_reasons", "submitted_at"])


def _queue_queries(client) -> int:
    client.get(QUEUE_URL)  # warm: the reserved names are cached after the first request
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE_URL)
    assert response.status_code == 200
    return len(queries)


def test_queue_query_count_does_not_grow_with_the_queue(as_user, moderator, make, post):
    client = as_user(moderator)
    _fill_queue(make, post, 5)
    with_five = _queue_queries(client)
    _fill_queue(make, post, 45)
    response = client.get(QUEUE_URL)
    assert len(queue_ids(response)) == 50
    assert "1 earlier comment by this writer" in text(response)

    assert _queue_queries(client) == with_five


def test_queue_query_count_is_the_same_for_10_and_200_pending(as_user, moderator, make, post):
    # Issue 13 item 6: the queue is paginated; each card's spam score, address confirmation
    # and history come in batches, so a longer queue costs no more queries.
    client = as_user(moderator)
    _fill_queue(make, post, 10)
    with_ten = _queue_queries(client)
    _fill_queue(make, post, 190)
    response = client.get(QUEUE_URL)
    assert "200 comments are waiting, oldest first." in text(response)
    assert len(queue_ids(response)) == 50

    assert _queue_queries(client) == with_ten
