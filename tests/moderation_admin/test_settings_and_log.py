"""The audit log is read-only; the policy and the blocked terms change through the admin."""

import re

import pytest
from django.urls import reverse

from comments.addresses import address_confirm
from comments.models import Comment
from comments.reasons import describe_all
from moderation.models import BlockedTerm, ModerationEvent, PolicySettings

from .conftest import text

Status = Comment.Status
EVENTS_URL = "/admin/moderation/moderationevent/"
POLICY_ADD_URL = "/admin/moderation/policysettings/add/"
TERM_ADD_URL = "/admin/moderation/blockedterm/add/"


def policy_change_url() -> str:
    return reverse("admin:moderation_policysettings_change", args=[PolicySettings.current().pk])


def policy_form(**changes) -> dict:
    data = {"hold_first_comment": "on", "max_links": 2, "comments_per_minute": 5,
            "own_edit_minutes": 15}  # fmt: skip
    data.update(changes)
    return data


@pytest.fixture
def event(make):
    comment = make("A comment with a history.")
    return ModerationEvent.objects.get(comment_ref=comment.pk)


@pytest.fixture
def known(make):
    """A reader whose earlier comment was approved and who confirmed their address, so the
    first-comment rule lets them by."""
    make("Earlier and approved.", email="known@example.org")
    address_confirm(address="known@example.org")
    return "known@example.org"


# The audit log


def test_moderator_can_read_the_log(as_user, moderator, event):
    response = as_user(moderator).get(EVENTS_URL)

    assert response.status_code == 200
    assert [e.pk for e in response.context["cl"].result_list] == [event.pk]
    assert "imported from test" in text(response)


def test_moderator_cannot_add_change_or_delete_events(as_user, moderator, event):
    client = as_user(moderator)
    change = reverse("admin:moderation_moderationevent_change", args=[event.pk])
    delete = reverse("admin:moderation_moderationevent_delete", args=[event.pk])

    assert client.get(reverse("admin:moderation_moderationevent_add")).status_code == 403
    page = client.get(change)
    assert page.status_code == 200  # a view-only page
    assert 'name="reason"' not in text(page)
    assert 'name="_save"' not in text(page)
    assert client.post(change, {"reason": "rewritten", "action": "approved"}).status_code == 403
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    listing = client.get(EVENTS_URL)
    assert "delete_selected" not in text(listing)
    client.post(
        EVENTS_URL, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    unchanged = ModerationEvent.objects.get(pk=event.pk)
    assert unchanged.reason == event.reason
    assert unchanged.action == event.action


def test_author_cannot_see_the_log(as_user, author, event):
    client = as_user(author)
    change = reverse("admin:moderation_moderationevent_change", args=[event.pk])

    assert client.get(EVENTS_URL).status_code == 403
    assert client.get(change).status_code == 403


# The policy


def test_moderator_lowers_max_links_and_the_next_comment_with_a_link_is_held(
    as_user, moderator, known, submit
):
    response = as_user(moderator).post(policy_change_url(), policy_form(max_links=0))

    assert response.status_code == 302
    assert PolicySettings.current().max_links == 0
    held = submit("One source: https://example.org/study", author_email=known)
    assert held.status == Status.PENDING
    [reason] = describe_all(held.status_reasons)
    assert re.fullmatch(r"1 links?", reason)  # "1 links" before the policy learnt plurals


def test_before_the_change_one_link_passes(known, submit):
    assert submit("https://example.org/study", author_email=known).status == Status.APPROVED


def test_moderator_cannot_delete_the_policy(as_user, moderator):
    delete = reverse("admin:moderation_policysettings_delete", args=[PolicySettings.current().pk])

    assert as_user(moderator).post(delete, {"post": "yes"}).status_code == 403
    assert PolicySettings.objects.exists()


def test_there_is_only_one_policy(as_user, moderator):
    PolicySettings.current()

    assert as_user(moderator).get(POLICY_ADD_URL).status_code == 403


@pytest.mark.parametrize("who", ["author", "plain_staff"])
def test_author_or_plain_staff_cannot_change_the_policy(as_user, request, who):
    url = policy_change_url()
    client = as_user(request.getfixturevalue(who))

    assert client.post(url, policy_form(max_links=99)).status_code == 403
    assert PolicySettings.current().max_links == 2


@pytest.mark.parametrize("who", ["author", "plain_staff"])
def test_author_or_plain_staff_cannot_create_the_policy(as_user, request, who):
    assert not PolicySettings.objects.exists()
    client = as_user(request.getfixturevalue(who))

    response = client.post(
        POLICY_ADD_URL, policy_form(hold_first_comment="", max_links=99, comments_per_minute=0)
    )

    assert response.status_code == 403
    assert not PolicySettings.objects.exists()


# Blocked terms


def test_blocked_term_added_in_the_admin_sends_a_matching_comment_to_spam(
    as_user, moderator, known, submit
):
    response = as_user(moderator).post(
        TERM_ADD_URL, {"value": "  Casino ", "kind": "term", "outcome": "spam"}
    )

    assert response.status_code == 302
    assert BlockedTerm.objects.get().value == "casino"
    spam = submit("Best CASINO bonuses here.", author_email=known)
    assert spam.status == Status.SPAM
    assert describe_all(spam.status_reasons) == ["blocked term: casino"]
    assert submit("A fine comment.", author_email=known).status == Status.APPROVED


def test_blocked_domain_added_in_the_admin_sends_its_links_to_spam(
    as_user, moderator, known, submit
):
    as_user(moderator).post(
        TERM_ADD_URL, {"value": "www.Spam.example", "kind": "domain", "outcome": "spam"}
    )

    spam = submit("Look: https://cheap.spam.example/pills", author_email=known)
    assert spam.status == Status.SPAM
    assert describe_all(spam.status_reasons) == ["blocked link domain: spam.example"]


def test_blocked_term_with_hold_outcome_holds_the_comment(as_user, moderator, known, submit):
    as_user(moderator).post(
        TERM_ADD_URL, {"value": "ivermectin", "kind": "term", "outcome": "pending"}
    )

    held = submit("What about ivermectin?", author_email=known)
    assert held.status == Status.PENDING
    assert describe_all(held.status_reasons) == ["blocked term: ivermectin"]


def test_author_cannot_add_a_blocked_term(as_user, author):
    response = as_user(author).post(TERM_ADD_URL, {"value": "x", "kind": "term", "outcome": "spam"})

    assert response.status_code == 403
    assert not BlockedTerm.objects.exists()
