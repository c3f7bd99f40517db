"""What happens to a new comment: each policy rule, through the service and the web form."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from comments.addresses import address_confirm
from comments.models import Comment
from comments.policy import SubmissionRefused
from comments.reasons import describe_all
from moderation.models import BlockedTerm, PolicySettings, SubmissionAttempt

APPROVED, PENDING, SPAM = "approved", "pending", "spam"
THREE_LINKS = (
    "See https://www.nice.org.uk/ta/1, https://www.ema.europa.eu/x and https://mssociety.org.uk/y"
)


def post_url(post):
    return f"/comments/post/{post.pk}/"


@pytest.fixture
def known(make):
    """An email with one approved comment, confirmed by its owner: the reader is no longer new."""
    make("An earlier approved comment.", email="ruth@example.org", name="Ruth")
    address_confirm(address="ruth@example.org")
    return "ruth@example.org"


def term(value, *, kind=BlockedTerm.Kind.TERM, outcome=BlockedTerm.Outcome.SPAM):
    return BlockedTerm.objects.create(value=value, kind=kind, outcome=outcome)


# -- trusted writers ---------------------------------------------------------------------


def test_author_on_own_post_is_approved_at_once(submit, author):
    comment = submit("Thanks, everyone, for the questions.", user=author)
    assert (comment.status, describe_all(comment.status_reasons), comment.role) == (
        APPROVED,
        [],
        "author",
    )


def test_moderator_is_approved_at_once_on_any_post(submit, moderator):
    comment = submit("Please keep to the topic.", user=moderator)
    assert (comment.status, describe_all(comment.status_reasons), comment.role) == (
        APPROVED,
        [],
        "moderator",
    )


def test_author_on_another_authors_post_is_of_the_team(submit, other_author, other_post):
    # other_author writes on `post`, which is not theirs: of the blog's team all the same
    # (issue 23), published at once with the "Team" badge (tests/moderation/test_team.py).
    comment = submit("A colleague's view.", user=other_author)
    assert (comment.status, describe_all(comment.status_reasons), comment.role) == (
        APPROVED,
        [],
        "team",
    )


def test_trusted_writers_skip_links_and_terms(submit, author):
    term("infusion", outcome=BlockedTerm.Outcome.SPAM)
    comment = submit(f"On infusion timing: {THREE_LINKS}", user=author)
    assert comment.status == APPROVED


# -- first comment ------------------------------------------------------------------------


def test_no_email_is_held(submit):
    comment = submit("I have a question.", author_name="Anon")
    assert comment.status == PENDING
    assert describe_all(comment.status_reasons) == ["no email given"]


def test_first_comment_from_an_email_is_held(submit):
    comment = submit("My first comment.", author_email="new@example.org")
    assert comment.status == PENDING
    assert describe_all(comment.status_reasons) == ["first comment from this email"]


def test_email_with_an_approved_comment_is_approved_whatever_its_case(submit, known):
    comment = submit("Back again.", author_email="RUTH@Example.ORG")
    assert (comment.status, describe_all(comment.status_reasons)) == (APPROVED, [])


@pytest.mark.parametrize("status", ["pending", "rejected", "spam", "removed"])
def test_an_email_whose_only_comments_are_not_approved_is_still_new(submit, make, status):
    make("Earlier, not approved.", email="ruth@example.org", status=status)
    comment = submit("Second try.", author_email="ruth@example.org")
    assert comment.status == PENDING
    assert describe_all(comment.status_reasons) == ["first comment from this email"]


def test_approving_the_first_comment_lets_the_second_through_once_confirmed(submit, moderator):
    from moderation.services import comment_approve

    first = submit("First.", author_email="ruth@example.org")
    assert first.status == PENDING
    comment_approve(comment=first, actor=moderator)
    second = submit("Second.", author_email="ruth@example.org")
    assert (second.status, describe_all(second.status_reasons)) == (
        PENDING,
        ["email not confirmed yet"],
    )
    address_confirm(address="ruth@example.org")
    assert submit("Third.", author_email="ruth@example.org").status == APPROVED


# -- links --------------------------------------------------------------------------------


def test_more_links_than_allowed_are_held(submit, known):
    comment = submit(THREE_LINKS, author_email=known)
    assert comment.status == PENDING
    assert describe_all(comment.status_reasons) == ["3 links"]


def test_as_many_links_as_allowed_pass(submit, known):
    comment = submit("See https://nice.org.uk/a and https://ema.europa.eu/b", author_email=known)
    assert comment.status == APPROVED


def test_new_reader_with_many_links_gets_both_reasons(submit):
    comment = submit(THREE_LINKS, author_email="new@example.org")
    assert comment.status == PENDING
    assert set(describe_all(comment.status_reasons)) == {"3 links", "first comment from this email"}


# -- blocked terms and domains ------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"body": "The best CASINO offers here."},
        {"body": "Hello.", "author_name": "Casino King"},
        {"body": "Hello.", "author_email": "casino@example.org"},
    ],
    ids=["body", "name", "email"],
)
def test_blocked_term_sends_to_spam(submit, known, fields):
    term(" Casino ")  # stored trimmed and lower case
    fields.setdefault("author_email", known)
    comment = submit(**fields)
    assert comment.status == SPAM
    assert describe_all(comment.status_reasons) == ["blocked term: casino"]


@pytest.mark.parametrize(
    "link",
    [
        "https://pills.example/buy",
        "https://www.pills.example/buy",
        "http://shop.pills.example/buy",
        "https://WWW.Pills.Example/buy",
    ],
)
def test_blocked_link_domain_sends_to_spam(submit, known, link):
    term("www.pills.example", kind=BlockedTerm.Kind.DOMAIN)
    comment = submit(f"Cheap: {link}", author_email=known)
    assert comment.status == SPAM
    assert describe_all(comment.status_reasons) == ["blocked link domain: pills.example"]


@pytest.mark.parametrize("link", ["https://notpills.example/a", "https://pills.example.org/a"])
def test_blocked_domain_does_not_catch_lookalikes(submit, known, link):
    term("pills.example", kind=BlockedTerm.Kind.DOMAIN)
    comment = submit(f"Read {link}", author_email=known)
    assert comment.status == APPROVED


def test_term_with_hold_outcome_holds_with_its_reason(submit, known):
    term("Ivermectin", outcome=BlockedTerm.Outcome.HOLD)
    comment = submit("Has anyone tried ivermectin?", author_email=known)
    assert comment.status == PENDING
    assert describe_all(comment.status_reasons) == ["blocked term: ivermectin"]


def test_spam_term_wins_over_hold_term(submit, known):
    term("ivermectin", outcome=BlockedTerm.Outcome.HOLD)
    term("casino")
    comment = submit("ivermectin casino", author_email=known)
    assert comment.status == SPAM
    assert describe_all(comment.status_reasons) == ["blocked term: casino"]


def test_honeypot_sends_to_spam(submit, known):
    comment = submit("Nice post.", author_email=known, honeypot="http://bot.example")
    assert comment.status == SPAM
    assert describe_all(comment.status_reasons) == ["honeypot field filled in"]


# -- settings edited at run time ----------------------------------------------------------


def test_max_links_change_takes_effect_at_once(submit, known):
    assert submit(THREE_LINKS, author_email=known).status == PENDING
    rules = PolicySettings.current()
    rules.max_links = 3
    rules.save()
    assert submit(THREE_LINKS, author_email=known).status == APPROVED
    rules.max_links = 0
    rules.save()
    one_link = submit("Only https://nice.org.uk/a", author_email=known)
    assert one_link.status == PENDING
    assert len(describe_all(one_link.status_reasons)) == 1
    assert describe_all(one_link.status_reasons)[0].startswith("1 link")


def test_turning_off_hold_first_comment_takes_effect_at_once(submit):
    assert submit("Before.").status == PENDING
    rules = PolicySettings.current()
    rules.hold_first_comment = False
    rules.save()
    assert submit("No email.").status == APPROVED
    assert submit("New email.", author_email="new@example.org").status == APPROVED
    # The other rules still apply.
    assert submit(THREE_LINKS).status == PENDING


# -- throttle -----------------------------------------------------------------------------


def test_sixth_comment_in_a_minute_from_one_address_is_refused(submit):
    for number in range(5):
        submit(f"Comment {number}", ip="198.51.100.1")
    with pytest.raises(SubmissionRefused) as refused:
        submit("One too many", ip="198.51.100.1")
    assert refused.value.retry_after == 60
    assert "wait" in refused.value.message
    assert Comment.objects.count() == 5
    assert not Comment.objects.filter(body="One too many").exists()
    assert submit("From elsewhere", ip="198.51.100.2").status == PENDING


def test_throttle_forgets_attempts_older_than_a_minute(submit):
    for number in range(5):
        submit(f"Comment {number}", ip="198.51.100.1")
    SubmissionAttempt.objects.update(at=timezone.now() - datetime.timedelta(minutes=2))
    assert submit("Later", ip="198.51.100.1").pk


def test_throttle_limit_is_a_setting(submit):
    rules = PolicySettings.current()
    rules.comments_per_minute = 2
    rules.save()
    submit("One", ip="198.51.100.1")
    submit("Two", ip="198.51.100.1")
    with pytest.raises(SubmissionRefused):
        submit("Three", ip="198.51.100.1")


# -- through the web form -----------------------------------------------------------------


def test_form_reader_without_email_is_held_with_reason(client, post):
    response = client.post(post_url(post), {"author_name": "Ruth", "body": "A question."})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.status, describe_all(comment.status_reasons)) == (PENDING, ["no email given"])


def test_form_first_comment_from_email_is_held(client, post):
    client.post(post_url(post), {"author_email": "new@example.org", "body": "Hi."})
    comment = Comment.objects.get()
    assert (comment.status, describe_all(comment.status_reasons)) == (
        PENDING,
        ["first comment from this email"],
    )


def test_form_known_reader_with_three_links_is_held_and_not_shown(client, post, known):
    client.post(post_url(post), {"author_email": "Ruth@example.org", "body": THREE_LINKS})
    comment = Comment.objects.get(body=THREE_LINKS)
    assert (comment.status, describe_all(comment.status_reasons)) == (PENDING, ["3 links"])
    assert "mssociety.org.uk/y" not in Client().get(post.get_absolute_url()).text


def test_form_known_reader_is_published_at_once(client, post, known):
    response = client.post(post_url(post), {"author_email": known, "body": "Published now."})
    comment = Comment.objects.get(body="Published now.")
    assert comment.status == APPROVED
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert "Published now." in Client().get(post.get_absolute_url()).text


@pytest.mark.parametrize("who", ["author", "moderator"])
def test_form_author_and_moderator_are_published_at_once(client, post, request, who):
    client.force_login(request.getfixturevalue(who))
    client.post(post_url(post), {"body": f"Written by the {who}."})
    comment = Comment.objects.get()
    assert (comment.status, comment.role) == (APPROVED, who)
    assert f"Written by the {who}." in Client().get(post.get_absolute_url()).text


def test_form_honeypot_goes_to_spam_quietly(client, post, known):
    response = client.post(
        post_url(post), {"author_email": known, "body": "Buy now", "website": "http://x.example"}
    )
    comment = Comment.objects.get(body="Buy now")
    assert (comment.status, describe_all(comment.status_reasons)) == (
        SPAM,
        ["honeypot field filled in"],
    )
    assert response.status_code == 302
    assert "Buy now" not in Client().get(post.get_absolute_url()).text


def test_form_blocked_term_goes_to_spam(client, post, known):
    term("casino")
    client.post(post_url(post), {"author_email": known, "body": "Visit my Casino"})
    comment = Comment.objects.get(body="Visit my Casino")
    assert (comment.status, describe_all(comment.status_reasons)) == (
        SPAM,
        ["blocked term: casino"],
    )


def test_form_throttle_answers_429_keeps_the_text_and_stores_nothing(client, post):
    for number in range(5):
        response = client.post(post_url(post), {"body": f"Comment {number}"})
        assert response.status_code == 302
    response = client.post(
        post_url(post), {"author_name": "Ruth", "body": "My carefully typed sixth comment"}
    )
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    html = response.text
    assert "Please wait a minute and try again" in html
    assert "My carefully typed sixth comment</textarea>" in html
    assert 'value="Ruth"' in html
    assert Comment.objects.count() == 5
    # Another reader, at another address, is not affected.
    other = Client(REMOTE_ADDR="192.0.2.99")
    assert other.post(post_url(post), {"body": "From elsewhere"}).status_code == 302
    assert Comment.objects.filter(body="From elsewhere").exists()
