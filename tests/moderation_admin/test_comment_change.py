"""The comment change form: edits need a reason, keep the original, and can be undone."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, CommentRevision
from comments.services import comment_create_as_is
from moderation.models import ModerationEvent
from tests.factories import PostFactory
from tests.moderation.test_concurrency import moderators

from .conftest import QUEUE_URL, change_url, events_of, messages_of, queue_item, text

Action = ModerationEvent.Action
ORIGINAL = "This is a stupid idea about the data."
EDITED = "This is a questionable idea about the data."
NOTE = "part of this comment was not fit for purpose"


def form_data(comment, **changes) -> dict:
    data = {"body": comment.body, "quote": comment.quote, "reason": "", "public_note": ""}
    data.update(changes)
    data["_save"] = "Save"
    return data


def restore_url(comment, revision) -> str:
    return reverse("admin:comments_comment_restore_revision", args=[comment.pk, revision.pk])


@pytest.fixture
def comment(make):
    return make(ORIGINAL, name="Ann", email="ann@example.org")


@pytest.fixture
def edited(as_user, moderator, comment):
    """``comment`` after a moderator changed one word, with a reason and a public note."""
    response = as_user(moderator).post(
        change_url(comment), form_data(comment, body=EDITED, reason="insult", public_note=NOTE)
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    comment.refresh_from_db()
    return comment


def test_moderator_sees_body_quote_reason_and_note_fields(as_user, moderator, comment):
    page = text(as_user(moderator).get(change_url(comment)))

    for field in ("body", "quote", "reason", "public_note"):
        assert f'name="{field}"' in page
    assert ORIGINAL in page


def test_changing_the_body_without_a_reason_is_refused(as_user, moderator, comment):
    response = as_user(moderator).post(change_url(comment), form_data(comment, body=EDITED))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "reason": ["Say why you are changing this comment."]
    }
    assert "Say why you are changing this comment." in text(response)
    comment.refresh_from_db()
    assert comment.body == ORIGINAL
    assert comment.edited_at is None
    assert comment.revisions.count() == 1
    assert events_of(comment, actor=moderator) == []


def test_a_blank_reason_is_no_reason(as_user, moderator, comment):
    response = as_user(moderator).post(
        change_url(comment), form_data(comment, body=EDITED, reason="   ")
    )

    assert response.status_code == 200
    assert "reason" in response.context["adminform"].form.errors
    assert Comment.objects.get(pk=comment.pk).body == ORIGINAL


def test_edit_with_reason_changes_the_text_and_keeps_both_versions(edited, moderator):
    assert edited.body == EDITED
    assert edited.edited_at is not None
    assert edited.edit_note == NOTE
    original, new = CommentRevision.objects.filter(comment=edited)
    assert original.body == ORIGINAL
    assert original.edited_by is None
    assert (new.body, new.edited_by, new.reason) == (EDITED, moderator, "insult")
    [event] = events_of(edited, actor=moderator)
    assert (event.action, event.reason) == (Action.EDITED, "insult")
    assert event.from_status == event.to_status == "approved"


def test_public_page_shows_the_new_text_and_the_note_not_the_original(edited, client, post):
    page = text(client.get(post.get_absolute_url()))

    assert EDITED in page
    assert f"Edited by a moderator: {NOTE}" in page
    assert "stupid" not in page


def test_public_permalink_does_not_show_the_original(edited, client):
    response = client.get(edited.get_absolute_url(), follow=True)

    assert response.status_code == 200
    assert "stupid" not in text(response)


def test_moderator_sees_the_original_and_a_word_diff_in_the_history(edited, as_user, moderator):
    response = as_user(moderator).get(change_url(edited))
    page = text(response)

    assert '<table class="revisions">' in page
    assert ORIGINAL in page  # the first revision, in full
    assert "<del>stupid</del><ins>questionable</ins>" in page
    assert "insult" in page  # why
    assert "mod" in page  # by whom
    assert "edited" in page  # the event log


def test_history_offers_to_restore_only_versions_unlike_the_current_one(edited, as_user, moderator):
    original, current = edited.revisions.all()

    page = text(as_user(moderator).get(change_url(edited)))

    assert f'form="restore-{original.pk}"' in page
    assert f'form="restore-{current.pk}"' not in page
    assert (
        f'<form id="restore-{original.pk}" method="post" action="{restore_url(edited, original)}">'
        in page
    )


def test_restore_brings_the_original_back_with_a_new_revision_and_event(edited, as_user, moderator):
    original = edited.revisions.first()

    response = as_user(moderator).post(restore_url(edited, original))

    assert response.status_code == 302
    assert response["Location"] == change_url(edited)
    edited.refresh_from_db()
    assert edited.body == ORIGINAL
    assert [r.body for r in edited.revisions.all()] == [ORIGINAL, EDITED, ORIGINAL]
    assert edited.revisions.last().edited_by == moderator
    [event] = events_of(edited, action=Action.REVISION_RESTORED)
    assert event.actor == moderator
    assert event.reason == "restored an earlier version"
    assert ("success", "The earlier version is back.") in messages_of(response)


def test_restore_needs_a_post(edited, as_user, moderator):
    response = as_user(moderator).get(restore_url(edited, edited.revisions.first()))

    assert response.status_code == 405
    assert Comment.objects.get(pk=edited.pk).body == EDITED


def test_restore_of_another_comments_revision_is_404(edited, as_user, moderator, make):
    stranger = make("Someone else's words.")

    response = as_user(moderator).post(restore_url(edited, stranger.revisions.first()))

    assert response.status_code == 404
    assert Comment.objects.get(pk=edited.pk).body == EDITED


def test_author_cannot_restore_a_revision(edited, as_user, author):
    response = as_user(author).post(restore_url(edited, edited.revisions.first()))

    assert response.status_code == 302
    assert Comment.objects.get(pk=edited.pk).body == EDITED
    assert events_of(edited, actor=author) == []
    assert [level for level, _message in messages_of(response)] == ["error"]


def test_quote_not_in_the_answered_comment_is_refused(as_user, moderator, make):
    parent = make("Relapse is common in the first year.")
    reply = make("Not so.", parent=parent, quote="common in the first year")

    response = as_user(moderator).post(
        change_url(reply), form_data(reply, quote="words nobody wrote", reason="fix quote")
    )

    reply.refresh_from_db()
    assert reply.quote == "common in the first year"
    assert events_of(reply, actor=moderator) == []
    # The form comes back with the error at the quote field (issue 12 item 5).
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "quote": ["The quote is not in the comment it answers."]
    }


def test_quote_can_be_shortened_to_part_of_the_answered_comment(as_user, moderator, make):
    parent = make("Relapse is common in the first year.")
    reply = make("Not so.", parent=parent, quote="common in the first year")

    as_user(moderator).post(
        change_url(reply), form_data(reply, quote="the first year", reason="shorter quote")
    )

    reply.refresh_from_db()
    assert reply.quote == "the first year"
    assert reply.body == "Not so."
    [event] = events_of(reply, actor=moderator)
    assert event.action == Action.EDITED


def test_saving_a_multiline_comment_unchanged_needs_no_reason(as_user, moderator, make):
    comment = make("First paragraph.\n\nSecond paragraph.")
    # Browsers send a textarea's line breaks as CRLF.
    data = form_data(comment, body="First paragraph.\r\n\r\nSecond paragraph.")

    response = as_user(moderator).post(change_url(comment), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert events_of(comment, actor=moderator) == []


def test_author_sees_body_and_quote_read_only(as_user, author, comment):
    response = as_user(author).get(change_url(comment))
    page = text(response)

    assert response.status_code == 200
    assert ORIGINAL in page
    assert 'name="body"' not in page
    assert 'name="quote"' not in page
    assert 'name="reason"' not in page


def test_author_posting_a_changed_body_changes_nothing(as_user, author, comment):
    as_user(author).post(
        change_url(comment), form_data(comment, body=EDITED, reason="I am the author")
    )

    comment.refresh_from_db()
    assert comment.body == ORIGINAL
    assert comment.edited_at is None
    assert comment.revisions.count() == 1
    assert events_of(comment, actor=author) == []


def test_author_cannot_open_a_comment_on_another_authors_post(as_user, author, make, other_post):
    theirs = make("On another post.", post=other_post)

    response = as_user(author).get(change_url(theirs))

    # The admin redirects to its index with a message for an object outside the queryset.
    assert response.status_code == 302
    assert "On another post." not in text(response)


# Issue 12 item 5: admin edits never lose input.


def test_a_refused_edit_comes_back_with_what_the_moderator_typed(as_user, moderator, make):
    parent = make("Relapse is common in the first year.")
    reply = make("Not so.", parent=parent, quote="common in the first year")
    typed = "Not so, and here is a long rewrite the moderator would hate to type again."
    revisions = CommentRevision.objects.filter(comment=reply).count()

    response = as_user(moderator).post(
        change_url(reply),
        form_data(reply, body=typed, quote="words nobody wrote", reason="tidy", public_note="n"),
    )

    assert response.status_code == 200
    page = text(response)
    assert typed in page
    assert re.search(r'<textarea name="quote"[^>]*>\s*words nobody wrote</textarea>', page)
    assert 'value="tidy"' in page
    # The message stands in the quote field's row, not in a banner.
    row = re.search(r'<div class="form-row[^"]*field-quote.*?</div>\s*</div>', page, re.S)
    assert row and "The quote is not in the comment it answers." in row.group(0)
    reply.refresh_from_db()
    assert (reply.body, reply.quote) == ("Not so.", "common in the first year")
    assert CommentRevision.objects.filter(comment=reply).count() == revisions


@pytest.fixture
def held(make):
    return make(ORIGINAL, name="Ann", email="ann@example.org", status=Comment.Status.PENDING)


def test_a_pending_comments_form_offers_save_and_approve(as_user, moderator, held, comment):
    assert 'name="_approve"' in text(as_user(moderator).get(change_url(held)))
    assert 'name="_approve"' not in text(as_user(moderator).get(change_url(comment)))


def test_save_and_approve_edits_then_approves(as_user, moderator, held):
    data = form_data(held, body=EDITED, reason="insult")
    data.pop("_save")
    data["_approve"] = "Save and approve"

    response = as_user(moderator).post(change_url(held), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:moderation_pendingcomment_changelist")
    held.refresh_from_db()
    assert (held.status, held.body) == (Comment.Status.APPROVED, EDITED)
    assert [e.action for e in events_of(held, actor=moderator)] == [
        Action.EDITED,
        Action.APPROVED,
    ]


def test_save_and_approve_refused_keeps_both_undone_and_the_text(as_user, moderator, held):
    data = form_data(held, body=EDITED, reason="insult")
    data.pop("_save")
    data["_approve"] = "Save and approve"
    # Approved meanwhile in another tab: the approval is refused, so the edit is undone too.
    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.SPAM)

    response = as_user(moderator).post(change_url(held), data)

    assert response.status_code == 200
    assert EDITED in text(response)
    assert "cannot be approved" in text(response)
    held.refresh_from_db()
    assert (held.status, held.body) == (Comment.Status.SPAM, ORIGINAL)
    assert events_of(held, actor=moderator) == []


def test_the_queue_marks_edited_comments(as_user, moderator, held):
    as_user(moderator).post(change_url(held), form_data(held, body=EDITED, reason="insult"))

    item = queue_item(as_user(moderator).get(QUEUE_URL), held)

    assert "edited by moderator · 1 earlier version" in item


def test_save_refused_under_the_lock_comes_back_with_the_text(transactional_db, monkeypatch):
    """The form's check passed, then another moderator filed the comment as spam (their
    own request, committed) before the save took the row lock: the service refuses,
    nothing is saved, and the form comes back with the moderator's words and why."""
    from moderation import refusals
    from moderation.services import comment_mark_spam

    me, other = moderators(2)
    held = comment_create_as_is(
        post=PostFactory(), parent=None, body=ORIGINAL, status="pending",
        submitted_at=timezone.now(), source="test",
    )  # fmt: skip
    checked = refusals.approval_problem

    def another_moderator_files_it_as_spam():
        try:
            comment_mark_spam(comment=Comment.objects.get(pk=held.pk), actor=other)
        finally:
            connection.close()

    def check_then_another_moderator_acts(*, comment):
        problem = checked(comment=comment)
        if not problem and not events_of(held, actor=other):
            worker = threading.Thread(target=another_moderator_files_it_as_spam)
            worker.start()
            worker.join()
        return problem

    monkeypatch.setattr(refusals, "approval_problem", check_then_another_moderator_acts)
    data = form_data(held, body=EDITED, reason="insult")
    data.pop("_save")
    data["_approve"] = "Save and approve"
    client = Client()
    client.force_login(me)

    response = client.post(change_url(held), data)

    assert response.status_code == 200
    assert EDITED in text(response)
    assert "cannot be approved" in text(response)
    held.refresh_from_db()
    assert (held.status, held.body) == (Comment.Status.SPAM, ORIGINAL)
    assert events_of(held, actor=me) == []
