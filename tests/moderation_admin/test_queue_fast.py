"""Issue 13 item 6 through Django's client: the queue's bulk helpers (with their confirmation
step), its pages, each card's spam score and address confirmation, the writer history's one
way of comparing addresses, and the reason filter's new entries."""

import re

import pytest

from comments.addresses import address_confirm
from comments.models import Comment
from comments.reasons import Kind, reason
from moderation.models import ModerationEvent

from .conftest import CHANGELIST_URL, QUEUE_URL, events_of, queue_ids, queue_item, status_of, text

Status = Comment.Status
Action = ModerationEvent.Action
SCORE_REASON = reason(Kind.SPAM_SCORE, score=0.97, decisions=1204)


def _pending(make, body, **fields):
    return make(body, status=Status.PENDING, **fields)


# Each card


def test_card_shows_the_spam_score_the_policy_recorded(as_user, moderator, make):
    scored = _pending(make, "Cheap pills.", email="a@example.org")
    scored.status_reasons = [SCORE_REASON]
    scored.save(update_fields=["status_reasons"])
    unscored = _pending(make, "A question about the method.", email="b@example.org")

    response = as_user(moderator).get(QUEUE_URL)

    assert "Spam score 0.97" in queue_item(response, scored)
    assert "Spam score" not in queue_item(response, unscored)


def test_card_says_whether_the_writers_address_is_confirmed(as_user, moderator, make):
    address_confirm(address="Ruth@Example.org")
    confirmed = _pending(make, "From a confirmed address.", email="ruth@example.ORG")
    unconfirmed = _pending(make, "From a typed address.", email="sam@example.org")
    no_email = _pending(make, "No email at all.", ip="192.0.2.9")

    response = as_user(moderator).get(QUEUE_URL)

    assert "Address confirmed" in queue_item(response, confirmed)
    assert "Address not confirmed" in queue_item(response, unconfirmed)
    assert "Address" not in queue_item(response, no_email).split("</header>")[1].split("<div")[0]


def test_history_finds_the_writer_under_the_normalised_address(as_user, moderator, make):
    # An imported comment keeps its address as typed, spaces and capitals included: it is
    # still the same reader as the clean address of their earlier comment.
    make("My earlier, approved one.", email="ann@example.org")
    held = _pending(make, "Held.", email="  Ann@Example.ORG ")

    item = queue_item(as_user(moderator).get(QUEUE_URL), held)

    assert "1 earlier comment by this writer" in item
    assert "My earlier, approved one." in item


# Pages


def test_queue_is_paginated_fifty_a_page_oldest_first(as_user, moderator, make):
    comments = [_pending(make, f"Held {n}.", email=f"w{n}@example.org") for n in range(120)]
    client = as_user(moderator)

    first = client.get(QUEUE_URL)
    third = client.get(QUEUE_URL + "?page=3")

    assert "120 comments are waiting, oldest first." in text(first)
    assert queue_ids(first) == [c.pk for c in comments[:50]]
    assert "Page 1 of 3" in text(first)
    assert queue_ids(third) == [c.pk for c in comments[100:]]


def test_acting_on_a_later_page_comes_back_to_that_page(as_user, moderator, make):
    comments = [_pending(make, f"Held {n}.", email=f"w{n}@example.org") for n in range(60)]
    client = as_user(moderator)

    response = client.post(QUEUE_URL + "?page=2", {"action": "approve", "comment": comments[55].pk})

    assert response.status_code == 302
    assert response["Location"].endswith("?page=2")
    assert status_of(comments[55]) == Status.APPROVED


# Approve all pending from this writer


def test_approve_writer_asks_first_saying_how_many_and_changes_nothing(as_user, moderator, make):
    mine = [_pending(make, f"Mine {n}.", email=e) for n, e in
            enumerate(["ann@example.org", "Ann@Example.org", "ANN@example.ORG"])]  # fmt: skip
    other = _pending(make, "Someone else.", email="bob@example.org")

    response = as_user(moderator).post(
        QUEUE_URL, {"action": "approve_writer", "comment": mine[0].pk}
    )

    assert response.status_code == 200
    assert "Approve all 3 pending comments from this writer?" in text(response)
    assert "Someone else." not in text(response)
    assert [status_of(c) for c in mine + [other]] == [Status.PENDING] * 4
    assert not ModerationEvent.objects.filter(action=Action.APPROVED).exists()


def test_approve_writer_confirmed_approves_each_with_its_own_event(as_user, moderator, make):
    mine = [_pending(make, f"Mine {n}.", email=e) for n, e in
            enumerate(["ann@example.org", "Ann@Example.org"])]  # fmt: skip
    other = _pending(make, "Someone else.", email="bob@example.org")
    client = as_user(moderator)
    page = client.post(QUEUE_URL, {"action": "approve_writer", "comment": mine[1].pk})
    form = dict(re.findall(r'name="(action|comment|confirmed)" value="([^"]*)"', text(page)))
    chosen = re.findall(r'name="chosen" value="(\d+)"', text(page))

    response = client.post(QUEUE_URL, {**form, "chosen": chosen})

    assert response.status_code == 302
    assert [status_of(c) for c in mine] == [Status.APPROVED, Status.APPROVED]
    assert status_of(other) == Status.PENDING
    for comment in mine:
        (event,) = events_of(comment, action=Action.APPROVED)
        assert event.actor == moderator


def test_approve_writer_acts_only_on_what_was_confirmed(as_user, moderator, make):
    first = _pending(make, "Mine, seen on the confirmation page.", email="ann@example.org")
    late = _pending(make, "Mine, arrived after.", email="ann@example.org")

    as_user(moderator).post(QUEUE_URL, {"action": "approve_writer", "comment": first.pk,
                                        "confirmed": "yes", "chosen": [first.pk]})  # fmt: skip

    assert status_of(first) == Status.APPROVED
    assert status_of(late) == Status.PENDING


def test_approve_writer_without_email_groups_by_address(as_user, moderator, make):
    mine = [_pending(make, f"Mine {n}.", ip="192.0.2.1") for n in range(2)]
    elsewhere = _pending(make, "Another address.", ip="192.0.2.2")

    response = as_user(moderator).post(
        QUEUE_URL, {"action": "approve_writer", "comment": mine[0].pk}
    )

    assert "Approve all 2 pending comments from this writer?" in text(response)
    assert "Another address." not in text(response)
    assert status_of(elsewhere) == Status.PENDING


def test_author_approves_the_writers_comments_on_their_own_posts_only(
    as_user, author, make, other_post
):
    mine = _pending(make, "On the author's post.", email="ann@example.org")
    theirs = _pending(make, "On another author's post.", email="ann@example.org", post=other_post)
    client = as_user(author)

    page = client.post(QUEUE_URL, {"action": "approve_writer", "comment": mine.pk})
    assert "Approve 1 pending comment from this writer?" in text(page)
    client.post(QUEUE_URL, {"action": "approve_writer", "comment": mine.pk, "confirmed": "yes",
                            "chosen": [mine.pk, theirs.pk]})  # fmt: skip

    assert status_of(mine) == Status.APPROVED
    assert status_of(theirs) == Status.PENDING
    assert events_of(theirs, action=Action.APPROVED) == []


# Spam all pending with this link domain


def test_card_offers_spam_by_each_link_domain(as_user, moderator, make):
    held = _pending(make, "See https://www.pills.example/a and http://b.example/x", email="x@e.org")

    item = queue_item(as_user(moderator).get(QUEUE_URL), held)

    assert 'name="domain" value="pills.example"' in item
    assert 'name="domain" value="b.example"' in item


def test_spam_domain_asks_then_marks_each_linking_comment_as_spam(as_user, moderator, make):
    linking = [
        _pending(make, "Buy at https://pills.example/cheap", email="a@example.org"),
        _pending(make, "Also WWW.PILLS.EXAMPLE: https://www.pills.example/x", email="b@e.org"),
    ]
    # Names the domain without linking to it, or links to a look-alike: left alone.
    mention = _pending(make, "Has anyone tried pills.example? Sounds dodgy.", email="c@e.org")
    lookalike = _pending(make, "See https://pills.example.org/", email="d@example.org")
    client = as_user(moderator)

    page = client.post(QUEUE_URL, {"action": "spam_domain", "comment": linking[0].pk,
                                   "domain": "pills.example"})  # fmt: skip
    assert "Mark all 2 pending comments linking to pills.example as spam?" in text(page)
    assert [status_of(c) for c in linking] == [Status.PENDING] * 2
    chosen = re.findall(r'name="chosen" value="(\d+)"', text(page))

    confirm = {"action": "spam_domain", "comment": linking[0].pk, "domain": "pills.example"}
    client.post(QUEUE_URL, {**confirm, "confirmed": "yes", "chosen": chosen})

    assert [status_of(c) for c in linking] == [Status.SPAM] * 2
    for comment in linking:
        assert len(events_of(comment, action=Action.SPAM)) == 1
    assert status_of(mention) == Status.PENDING
    assert status_of(lookalike) == Status.PENDING


def test_spam_domain_refuses_a_domain_the_comment_does_not_link_to(as_user, moderator, make):
    held = _pending(make, "No links here.", email="a@example.org")
    victim = _pending(make, "A fine link: https://journal.example/paper", email="b@example.org")

    response = as_user(moderator).post(QUEUE_URL, {"action": "spam_domain", "comment": held.pk,
                                                   "domain": "journal.example", "confirmed": "yes",
                                                   "chosen": [victim.pk]}, follow=True)  # fmt: skip

    assert "That comment has no link to that domain." in text(response)
    assert status_of(victim) == Status.PENDING


def test_spam_domain_by_an_author_skips_other_authors_posts(as_user, author, make, other_post):
    mine = _pending(make, "https://pills.example/1", email="a@example.org")
    theirs = _pending(make, "https://pills.example/2", email="b@example.org", post=other_post)
    client = as_user(author)

    page = client.post(QUEUE_URL, {"action": "spam_domain", "comment": mine.pk,
                                   "domain": "pills.example"})  # fmt: skip
    assert "Mark 1 pending comment linking to pills.example as spam?" in text(page)
    client.post(QUEUE_URL, {"action": "spam_domain", "comment": mine.pk, "domain": "pills.example",
                            "confirmed": "yes", "chosen": [mine.pk, theirs.pk]})  # fmt: skip

    assert status_of(mine) == Status.SPAM
    assert status_of(theirs) == Status.PENDING


# The reason filter


@pytest.mark.parametrize(
    ("key", "written"),
    [("unconfirmed", reason(Kind.UNCONFIRMED)), ("spamscore", SCORE_REASON)],
)
def test_reason_filter_finds_the_new_reasons(as_user, moderator, make, key, written):
    matching = _pending(make, "The one with the reason.", email="a@example.org")
    matching.status_reasons = [reason(Kind.LINKS, count=2), written]
    matching.save(update_fields=["status_reasons"])
    other = _pending(make, "The one without.", email="b@example.org")
    other.status_reasons = [reason(Kind.FIRST)]
    other.save(update_fields=["status_reasons"])

    page = text(as_user(moderator).get(CHANGELIST_URL + f"?reason={key}"))

    assert "The one with the reason." in page
    assert "The one without." not in page


@pytest.fixture
def trained_model(make, moderator, settings):
    """A model learned from 60 moderators' decisions, used at once by this process."""
    from bench.spam_corpus import corpus
    from moderation import services
    from moderation.spam import store
    from moderation.spam.jobs import train

    settings.SPAM_MODEL_CHECK_SECONDS = 0
    settings.SPAM_FILTER_MIN_EACH = 10
    store.forget()
    for item in corpus(per_source=12, seed=3):
        comment = make(item.text, status=Status.PENDING, name=item.name)
        action = services.comment_mark_spam if item.is_spam else services.comment_approve
        action(comment=comment, actor=moderator)
    assert train().model is not None
    yield
    store.forget()


def test_card_without_a_recorded_score_shows_todays_models_score(
    trained_model, as_user, moderator, make
):
    spammy = _pending(
        make, "Buy cheap viagra online without prescription, lowest prices "
        "http://pills-now.xyz/buy", email="seller@example.org",
    )  # fmt: skip
    readerly = _pending(
        make, "Has anyone tried the new infusion schedule? My neurologist thought it was "
        "worth a go.", email="reader@example.org",
    )  # fmt: skip

    response = as_user(moderator).get(QUEUE_URL)

    def score(comment) -> float:
        match = re.search(r"Spam score (\d\.\d\d) \(today.s model\)", queue_item(response, comment))
        assert match, queue_item(response, comment)
        return float(match.group(1))

    assert score(spammy) > 0.5 > score(readerly)


def test_card_flags_a_name_close_to_a_reserved_one(as_user, moderator, make):
    from comments.identity import forget_reserved_names
    from comments.models import ReservedName

    ReservedName.objects.create(name="Neurology Clinic Leeds")
    forget_reserved_names()
    fake = _pending(make, "Stop your treatment.", name="Neurology Clinic Leeds", email="x@e.org")
    ruth = _pending(make, "Thanks.", name="Ruth", email="ruth@example.org")

    response = as_user(moderator).get(QUEUE_URL)

    assert "is close to “<bdi>Neurology Clinic Leeds</bdi>”" in queue_item(response, fake)
    assert "Name check" not in queue_item(response, ruth)
