"""Moderators' actions: each changes what it says, writes one event, and checks who acts."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from comments.models import Comment, CommentRevision
from comments.tree import check_trees
from moderation import services
from moderation.models import ModerationEvent
from moderation.services import InvalidTransition
from tests.factories import UserFactory

# service, the states it applies to, the state it leads to, the event's action
TRANSITIONS = {
    "comment_approve": ({"pending", "rejected"}, "approved", "approved"),
    "comment_reject": ({"pending", "approved"}, "rejected", "rejected"),
    "comment_mark_spam": ({"pending", "approved", "rejected"}, "spam", "spam"),
    "comment_mark_not_spam": ({"spam"}, "approved", "not_spam"),
    "comment_remove": ({"approved", "pending"}, "removed", "removed"),
    "comment_restore": ({"removed"}, "approved", "restored"),
}
STATUSES = ["pending", "approved", "rejected", "spam", "removed"]
VALID = [
    (name, status) for name, (sources, _, _) in TRANSITIONS.items() for status in sorted(sources)
]
INVALID = [
    (name, status)
    for name, (sources, _, _) in TRANSITIONS.items()
    for status in STATUSES
    if status not in sources
]


def act(name, comment, actor, reason="Off topic, see the house rules."):
    return getattr(services, name)(comment=comment, actor=actor, reason=reason)


def new_events(comment, after=1):
    """The events after the import event every ``make`` comment starts with."""
    return list(ModerationEvent.objects.filter(comment_ref=comment.pk).order_by("id"))[after:]


def snapshot(comment):
    comment = Comment.objects.get(pk=comment.pk)
    return (comment.status, comment.body, comment.quote, comment.edit_note, comment.edited_at)


# -- status changes -----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "status"), VALID)
def test_transition_changes_status_and_writes_one_event(make, moderator, name, status):
    comment = make("Something to decide on.", status=status)
    _, to_status, action = TRANSITIONS[name]
    returned = act(name, comment, moderator)
    assert returned.status == to_status
    assert Comment.objects.get(pk=comment.pk).status == to_status
    [event] = new_events(comment)
    assert event.actor == moderator
    assert event.action == action
    assert (event.from_status, event.to_status) == (status, to_status)
    assert event.reason == "Off topic, see the house rules."
    assert event.comment_id == comment.pk


@pytest.mark.parametrize(("name", "status"), INVALID)
def test_invalid_transition_raises_and_changes_nothing(make, moderator, name, status):
    comment = make("Something to decide on.", status=status)
    with pytest.raises(InvalidTransition):
        act(name, comment, moderator)
    assert Comment.objects.get(pk=comment.pk).status == status
    assert new_events(comment) == []


def test_restore_of_an_approved_comment_says_why_it_cannot(make, moderator):
    comment = make(status="approved")
    with pytest.raises(InvalidTransition, match="approved"):
        services.comment_restore(comment=comment, actor=moderator)


def test_invalid_transition_is_judged_on_the_current_state_not_a_stale_copy(make, moderator):
    comment = make(status="pending")
    stale = Comment.objects.get(pk=comment.pk)
    services.comment_approve(comment=comment, actor=moderator)
    with pytest.raises(InvalidTransition):
        services.comment_approve(comment=stale, actor=moderator)
    assert [event.action for event in new_events(comment)] == ["approved"]


@pytest.mark.parametrize("reason", ["", "   "])
def test_remove_requires_a_reason(make, moderator, reason):
    comment = make(status="approved")
    with pytest.raises(ValidationError) as error:
        services.comment_remove(comment=comment, actor=moderator, reason=reason)
    assert "reason" in error.value.message_dict
    assert Comment.objects.get(pk=comment.pk).status == "approved"
    assert new_events(comment) == []


def test_removed_comment_leaves_a_placeholder_when_it_has_replies(make, moderator, post):
    comment = make("Words that must go.", status="approved", name="Ruth")
    make("A reply that stays.", parent=comment, status="approved")
    services.comment_remove(comment=comment, actor=moderator, reason="Abusive")
    page = Client().get(post.get_absolute_url()).text
    assert "This comment was removed by a moderator." in page
    assert "A reply that stays." in page
    assert "Words that must go." not in page


# -- permissions --------------------------------------------------------------------------


@pytest.fixture
def staff_without_power(db):
    return UserFactory(username="intern", is_staff=True)


@pytest.fixture
def moderator_not_staff(db):
    user = UserFactory(username="lapsed")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


ONE_EACH = [(name, min(TRANSITIONS[name][0])) for name in TRANSITIONS]


def assert_refused_everything(make, actor, *, post=None):
    """``actor`` may not take any of the actions, and trying changes nothing."""
    for name, status in ONE_EACH:
        comment = make(status=status, post=post)
        with pytest.raises(PermissionDenied):
            act(name, comment, actor)
        assert Comment.objects.get(pk=comment.pk).status == status, name
        assert new_events(comment) == [], name


@pytest.mark.parametrize(
    "who", ["anonymous", "reader", "staff_without_power", "moderator_not_staff", None]
)
def test_people_without_the_power_may_not_act(make, request, who):
    assert_refused_everything(make, request.getfixturevalue(who) if who else None)


def test_inactive_moderator_may_not_act(make, moderator):
    moderator.is_active = False
    moderator.save()
    comment = make(status="pending")
    with pytest.raises(PermissionDenied):
        services.comment_approve(comment=comment, actor=moderator)


def test_author_may_approve_on_own_post(make, author):
    comment = make(status="pending")
    services.comment_approve(comment=comment, actor=author)
    assert Comment.objects.get(pk=comment.pk).status == "approved"
    [event] = new_events(comment)
    assert event.actor == author


def test_author_may_not_moderate_another_authors_post(make, other_post, author):
    assert_refused_everything(make, author, post=other_post)


def test_author_may_not_edit_even_on_own_post(make, author):
    comment = make("Original words.", status="approved")
    with pytest.raises(PermissionDenied):
        services.comment_edit(comment=comment, actor=author, reason="tidy", body="New words.")
    assert snapshot(comment)[1] == "Original words."
    assert comment.revisions.count() == 1
    assert new_events(comment) == []


@pytest.mark.parametrize("who", ["anonymous", "reader", "staff_without_power"])
def test_others_may_not_edit(make, request, who):
    comment = make("Original words.")
    with pytest.raises(PermissionDenied):
        services.comment_edit(
            comment=comment, actor=request.getfixturevalue(who), reason="x", body="New words."
        )
    assert snapshot(comment)[1] == "Original words."


# -- edits and revisions ------------------------------------------------------------------

NOTE = "part of this comment was not fit for purpose"


@pytest.fixture
def held(submit):
    """A reader's comment as they sent it (odd spacing and all), waiting for a moderator."""
    return submit(
        "I agree with the post.\n\nAlso, Dr X is a quack and a fraud.",
        author_name="Ruth",
        author_email="ruth@example.org",
    )


def test_edit_replaces_the_text_and_keeps_the_original(held, moderator):
    sent = held.body
    edited = services.comment_edit(
        comment=held, actor=moderator, reason="personal attack", body="I agree with the post.",
        public_note=NOTE,
    )  # fmt: skip
    held.refresh_from_db()
    assert held.body == "I agree with the post."
    assert "quack" not in held.body_html
    assert held.edit_note == NOTE
    assert held.edited_at is not None
    assert held.status == "pending"  # an edit is not a decision
    assert edited.body == held.body
    first, second = held.revisions.order_by("created_at", "id")
    assert (first.body, first.edited_by, first.reason) == (sent, None, "submitted")
    assert (second.body, second.edited_by, second.reason) == (
        "I agree with the post.",
        moderator,
        "personal attack",
    )
    [event] = ModerationEvent.objects.filter(comment_ref=held.pk, action="edited")
    assert event.actor == moderator
    assert (event.from_status, event.to_status) == ("pending", "pending")
    assert event.reason == "personal attack"
    assert ModerationEvent.objects.filter(comment_ref=held.pk).count() == 2  # submitted, edited


def test_first_revision_is_exactly_what_the_reader_sent(client, post):
    body = "Line one\n\nLine two with  two spaces   and https://example.org/x"
    client.post(f"/comments/post/{post.pk}/", {"author_name": "Ruth", "body": body})
    comment = Comment.objects.get()
    assert comment.revisions.get().body == body


@pytest.mark.parametrize("reason", ["", "  "])
def test_edit_requires_a_reason_and_changes_nothing_without_one(held, moderator, reason):
    before = snapshot(held)
    with pytest.raises(ValidationError) as error:
        services.comment_edit(comment=held, actor=moderator, reason=reason, body="Short.")
    assert "reason" in error.value.message_dict
    assert snapshot(held) == before
    assert held.revisions.count() == 1
    assert not ModerationEvent.objects.filter(comment_ref=held.pk, action="edited").exists()


@pytest.mark.parametrize("body", ["", "   ", "x" * 10_001])
def test_edit_refuses_empty_or_oversized_text(held, moderator, body):
    before = snapshot(held)
    with pytest.raises(ValidationError) as error:
        services.comment_edit(comment=held, actor=moderator, reason="r", body=body)
    assert "body" in error.value.message_dict
    assert snapshot(held) == before


def test_edit_that_changes_nothing_is_refused(held, moderator):
    with pytest.raises(ValidationError):
        services.comment_edit(comment=held, actor=moderator, reason="r", body=held.body)
    assert held.revisions.count() == 1


def test_edited_comment_on_the_post_page_shows_the_note_not_the_original(make, moderator, post):
    comment = make("Helpful part. Defamatory part about Dr X.", name="Ruth")
    services.comment_edit(
        comment=comment, actor=moderator, reason="defamation", body="Helpful part.",
        public_note=NOTE,
    )  # fmt: skip
    page = Client().get(post.get_absolute_url()).text
    assert "Helpful part." in page
    assert f"Edited by a moderator: {NOTE}" in page
    assert "Defamatory" not in page
    assert "defamation" not in page  # the private reason stays private
    feed = Client().get(f"/comments/feed/{post.slug}/").text
    assert "Helpful part." in feed and "Defamatory" not in feed


@pytest.fixture
def exchange(make):
    """A comment that was later edited, and a reply to it."""
    parent = make("Infusions are scheduled next year. Waiting lists are long.", name="Ruth")
    reply = make("Thanks.", parent=parent, name="Ann", quote="Waiting lists are long.")
    return parent, reply


def test_edit_quote_to_words_of_the_answered_comment(exchange, moderator):
    parent, reply = exchange
    services.comment_edit(
        comment=reply, actor=moderator, reason="better quote", quote="Infusions are scheduled"
    )
    reply.refresh_from_db()
    assert (reply.quote, reply.body) == ("Infusions are scheduled", "Thanks.")
    assert [r.quote for r in reply.revisions.order_by("id")] == [
        "Waiting lists are long.",
        "Infusions are scheduled",
    ]


def test_edit_quote_may_come_from_an_earlier_revision_of_the_answered_comment(exchange, moderator):
    parent, reply = exchange
    services.comment_edit(
        comment=parent, actor=moderator, reason="shorten", body="Infusions are scheduled."
    )
    services.comment_edit(
        comment=reply, actor=moderator, reason="fix quote", quote="Waiting   lists"
    )
    reply.refresh_from_db()
    assert reply.quote == "Waiting lists"


@pytest.mark.parametrize("quote", ["Words nobody wrote", "Thanks."])
def test_edit_quote_not_in_the_answered_comment_is_refused(exchange, moderator, quote):
    _, reply = exchange
    with pytest.raises(ValidationError) as error:
        services.comment_edit(comment=reply, actor=moderator, reason="r", quote=quote)
    assert "quote" in error.value.message_dict
    reply.refresh_from_db()
    assert reply.quote == "Waiting lists are long."


def test_top_level_comment_cannot_gain_a_quote(make, moderator):
    comment = make("Top level words.")
    with pytest.raises(ValidationError):
        services.comment_edit(comment=comment, actor=moderator, reason="r", quote="Top level")


def test_edit_can_remove_a_quote(exchange, moderator):
    _, reply = exchange
    services.comment_edit(comment=reply, actor=moderator, reason="drop quote", quote="")
    reply.refresh_from_db()
    assert reply.quote == ""


def test_restore_revision_brings_back_an_earlier_text(held, moderator):
    sent = held.body
    services.comment_edit(comment=held, actor=moderator, reason="attack", body="Cut.")
    original = held.revisions.order_by("id").first()
    services.comment_restore_revision(
        comment=held, revision=original, actor=moderator, reason="on reflection, fair comment"
    )
    held.refresh_from_db()
    assert held.body == sent
    assert [r.body for r in held.revisions.order_by("id")] == [sent, "Cut.", sent]
    event = ModerationEvent.objects.filter(comment_ref=held.pk).order_by("id").last()
    assert event.action == ModerationEvent.Action.REVISION_RESTORED
    assert (event.actor, event.reason) == (moderator, "on reflection, fair comment")
    assert ModerationEvent.objects.filter(comment_ref=held.pk).count() == 3


def test_restore_revision_of_another_comment_is_refused(make, moderator):
    first, second = make("First."), make("Second.")
    with pytest.raises(ValidationError):
        services.comment_restore_revision(
            comment=first, revision=second.revisions.get(), actor=moderator, reason="r"
        )
    first.refresh_from_db()
    assert first.body == "First."
    assert first.revisions.count() == 1


def test_restore_revision_needs_the_edit_power(make, moderator, author):
    comment = make("Original.")
    services.comment_edit(comment=comment, actor=moderator, reason="r", body="Edited.")
    with pytest.raises(PermissionDenied):
        services.comment_restore_revision(
            comment=comment, revision=comment.revisions.first(), actor=author, reason="r"
        )
    comment.refresh_from_db()
    assert comment.body == "Edited."


# -- approve and reply --------------------------------------------------------------------


def test_approve_and_reply_publishes_both(make, moderator):
    comment = make("When is the infusion due?", status="pending", name="Ruth")
    approved, reply = services.comment_approve_and_reply(
        comment=comment, actor=moderator, body="Next spring.", quote="the infusion"
    )
    assert Comment.objects.get(pk=comment.pk).status == "approved"
    reply = Comment.objects.get(pk=reply.pk)
    assert (reply.status, reply.parent_id, reply.reply_to_id) == (
        "approved",
        comment.pk,
        comment.pk,
    )
    assert (reply.user, reply.role, reply.quote) == (moderator, "moderator", "the infusion")
    assert [(e.action, e.actor) for e in new_events(comment)] == [("approved", moderator)]
    assert check_trees() == []


def test_author_approves_and_replies_on_own_post(make, author, post):
    comment = make("A question for the author.", status="pending")
    _, reply = services.comment_approve_and_reply(comment=comment, actor=author, body="An answer.")
    assert (reply.status, reply.role) == ("approved", "author")
    page = Client().get(post.get_absolute_url()).text
    assert "A question for the author." in page and "An answer." in page


def test_author_may_not_approve_and_reply_on_another_post(make, author, other_post):
    comment = make("A question.", status="pending", post=other_post)
    with pytest.raises(PermissionDenied):
        services.comment_approve_and_reply(comment=comment, actor=author, body="Answer.")
    assert Comment.objects.get(pk=comment.pk).status == "pending"
    assert Comment.objects.count() == 1


def test_approve_and_reply_with_a_bad_reply_approves_nothing(make, moderator):
    comment = make("A question.", status="pending")
    with pytest.raises(ValidationError):
        services.comment_approve_and_reply(
            comment=comment, actor=moderator, body="Answer.", quote="not in the comment"
        )
    assert Comment.objects.get(pk=comment.pk).status == "pending"
    assert Comment.objects.count() == 1
    assert new_events(comment) == []


@pytest.mark.parametrize("status", ["spam", "removed"])
def test_approve_and_reply_refuses_spam_and_removed(make, moderator, status):
    comment = make(status=status)
    with pytest.raises(InvalidTransition):
        services.comment_approve_and_reply(comment=comment, actor=moderator, body="Answer.")
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("who", ["reader", "staff_without_power"])
def test_approve_and_reply_on_an_approved_comment_still_needs_the_power(make, request, who):
    comment = make("Already published.", status="approved")
    with pytest.raises(PermissionDenied):
        services.comment_approve_and_reply(
            comment=comment, actor=request.getfixturevalue(who), body="Sneaky reply."
        )
    assert not Comment.objects.filter(body="Sneaky reply.").exists()


# -- erase (data-removal requests) --------------------------------------------------------


@pytest.mark.parametrize("who", ["moderator", "author", "reader"])
def test_only_superusers_may_erase(make, request, who):
    comment = make("Please erase me.", status="pending")
    with pytest.raises(PermissionDenied):
        services.comment_erase(
            comment=comment, actor=request.getfixturevalue(who), reason="GDPR request 12"
        )
    assert Comment.objects.get(pk=comment.pk).body == "Please erase me."


def test_erase_requires_a_reason(make, superuser):
    comment = make("Please erase me.")
    with pytest.raises(ValidationError):
        services.comment_erase(comment=comment, actor=superuser, reason=" ")
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_erase_without_replies_deletes_but_the_audit_remains(make, moderator, superuser):
    comment = make("My health details.", name="Ruth", email="ruth@example.org")
    services.comment_edit(comment=comment, actor=moderator, reason="trim", body="My details.")
    pk = comment.pk
    services.comment_erase(comment=comment, actor=superuser, reason="Request 12 by email")
    assert not Comment.objects.filter(pk=pk).exists()
    assert not CommentRevision.objects.filter(comment_id=pk).exists()
    events = list(ModerationEvent.objects.filter(comment_ref=pk).order_by("id"))
    assert [e.action for e in events] == ["imported", "edited", "erased"]
    assert all(e.comment_id is None for e in events)
    erased = events[-1]
    assert (erased.actor, erased.reason, erased.from_status) == (
        superuser,
        "Request 12 by email",
        "approved",
    )
    assert check_trees() == []


def test_erase_with_replies_leaves_an_empty_placeholder(make, moderator, superuser, post):
    comment = make("My health details.", name="Ruth Secret", email="ruth@example.org")
    make("A reply.", parent=comment, name="Ann")
    services.comment_edit(comment=comment, actor=moderator, reason="trim", body="My details.")
    services.comment_erase(comment=comment, actor=superuser, reason="Request 12")
    comment.refresh_from_db()
    assert (comment.body, comment.quote, comment.author_name, comment.author_email) == (
        "", "", "", "",
    )  # fmt: skip
    assert comment.status == "removed"
    assert comment.revisions.count() == 0
    [erased] = ModerationEvent.objects.filter(comment_ref=comment.pk, action="erased")
    assert (erased.actor, erased.from_status) == (superuser, "approved")
    page = Client().get(post.get_absolute_url()).text
    assert "This comment was removed by a moderator." in page
    assert "A reply." in page
    assert "health details" not in page and "Ruth Secret" not in page
    assert check_trees() == []


def test_erase_with_replies_records_the_status_it_leaves(make, superuser):
    comment = make("My health details.")
    make("A reply.", parent=comment)
    services.comment_erase(comment=comment, actor=superuser, reason="Request 12")
    [erased] = ModerationEvent.objects.filter(comment_ref=comment.pk, action="erased")
    assert (erased.from_status, erased.to_status) == ("approved", "removed")


def test_erased_words_do_not_survive_in_quotes_of_replies(make, superuser, post):
    comment = make("I was diagnosed in 2019 at St Mary's.", name="Ruth")
    make("Sorry to hear.", parent=comment, quote="diagnosed in 2019 at St Mary's")
    services.comment_erase(comment=comment, actor=superuser, reason="Request 12")
    page = Client().get(post.get_absolute_url()).text
    assert "Sorry to hear." in page
    assert "St Mary" not in page


# -- bad input to an edit -----------------------------------------------------------------


@pytest.mark.parametrize("field", ["public_note", "reason"])
def test_overlong_note_or_reason_is_a_clear_error(held, moderator, field):
    before = snapshot(held)
    kwargs = {"reason": "r", "public_note": "", field: "x" * 301}
    with pytest.raises(ValidationError) as error:
        services.comment_edit(comment=held, actor=moderator, body="Short.", **kwargs)
    assert error.value.message_dict
    assert snapshot(held) == before
