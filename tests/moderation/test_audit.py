"""The audit log: every policy decision and import is an event, and events are append-only."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from comments.reasons import describe_all
from moderation.models import BlockedTerm, ModerationEvent

ROOT = Path(__file__).resolve().parents[2]
THREE_LINKS = "https://a.example/1 https://b.example/2 https://c.example/3"


def events_of(comment):
    return list(ModerationEvent.objects.filter(comment_ref=comment.pk))


@pytest.mark.parametrize(
    ("fields", "status", "reasons"),
    [
        ({}, "pending", ["no email given"]),
        ({"author_email": "new@example.org"}, "pending", ["first comment from this email"]),
        ({"body": THREE_LINKS}, "pending", ["3 links", "no email given"]),
        ({"honeypot": "filled"}, "spam", ["honeypot field filled in"]),
        ({"body": "cheap casino"}, "spam", ["blocked term: casino"]),
        (
            {"body": "ask about ivermectin"},
            "pending",
            ["blocked term: ivermectin", "no email given"],
        ),
    ],
    ids=["no-email", "first", "links", "honeypot", "spam-term", "hold-term"],
)
def test_held_or_spammed_comment_records_why_in_comment_and_event(submit, fields, status, reasons):
    BlockedTerm.objects.create(value="casino")
    BlockedTerm.objects.create(value="ivermectin", outcome=BlockedTerm.Outcome.HOLD)
    fields.setdefault("body", "A comment.")
    comment = submit(**fields)
    comment.refresh_from_db()
    assert comment.status == status
    assert sorted(describe_all(comment.status_reasons)) == sorted(reasons)
    [event] = events_of(comment)
    assert event.action == ModerationEvent.Action.SUBMITTED
    assert event.actor is None
    assert event.actor_label == "policy"
    assert event.comment == comment
    assert event.to_status == status
    for reason in reasons:
        assert reason in event.reason


def test_comment_approved_by_policy_has_one_submitted_event(submit, author):
    comment = submit("Author here.", user=author)
    [event] = events_of(comment)
    assert (event.action, event.actor, event.to_status) == ("submitted", None, "approved")


def test_refused_submission_leaves_no_event(submit):
    from comments.policy import SubmissionRefused

    for _ in range(5):
        submit(ip="198.51.100.1")
    with pytest.raises(SubmissionRefused):
        submit(ip="198.51.100.1")
    assert ModerationEvent.objects.count() == 5


def test_imported_comment_gets_an_imported_event_naming_its_source(make):
    comment = make("From the old blog.", status="approved")
    [event] = events_of(comment)
    assert event.action == ModerationEvent.Action.IMPORTED
    assert event.actor is None
    assert event.to_status == "approved"
    assert "test" in event.reason  # the source the importer named


def test_event_cannot_be_changed_through_the_model(make):
    comment = make()
    [event] = events_of(comment)
    event.reason = "rewritten history"
    with pytest.raises(ValidationError):
        event.save()
    event.refresh_from_db()
    assert event.reason != "rewritten history"


def test_event_cannot_be_deleted_through_the_model(make):
    comment = make()
    [event] = events_of(comment)
    with pytest.raises(ValidationError):
        event.delete()
    assert ModerationEvent.objects.filter(pk=event.pk).exists()


def test_no_app_code_changes_a_status_with_queryset_update():
    """State changes go through moderation.services, which write the audit event."""
    pattern = re.compile(r"\.update\(\s*status\b")
    offenders = [
        f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, match.start()) + 1}"
        for app in ("comments", "moderation", "blog")
        for path in sorted((ROOT / app).rglob("*.py"))
        for text in [path.read_text()]
        for match in pattern.finditer(text)
    ]
    assert (ROOT / "moderation" / "services.py").exists()  # the walk really looked
    assert offenders == []


def test_a_batch_of_imports_gets_the_events_one_import_at_a_time_gets(post):
    """``comments_imported`` (the bulk hook, written with COPY) writes ``comment_inserted``'s
    rows: the event points at its comment, no actor, the source named in the reason."""
    from django.utils import timezone

    from comments.services import comment_as_is, comment_create_as_is, comments_create_as_is

    fields = {"post": post, "parent": None, "status": "approved", "submitted_at": timezone.now()}
    started = timezone.now()
    one = comment_create_as_is(body="One at a time.", source="an export", **fields)
    batch = comments_create_as_is(
        comments=[comment_as_is(body="In a batch.", **fields),
                  comment_as_is(body="Also.", **{**fields, "status": "spam"})],
        sources=["an export", "another export"],
    )  # fmt: skip

    def row(comment):
        [event] = events_of(comment)
        assert started <= event.created_at <= timezone.now()
        return (event.comment_id - comment.pk, event.comment_ref - comment.pk, event.actor_id,
                event.action, event.from_status, event.to_status, event.reason)  # fmt: skip

    assert row(one) == row(batch[0])
    assert row(batch[1])[5:] == ("spam", row(one)[6].replace("an export", "another export"))
