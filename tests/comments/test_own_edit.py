"""Issue 23, item 6: writers correct themselves. For the policy's window after posting the
writer (their signed cookie, or their account) may edit or withdraw their comment, until a
reply to it is published; each change has a revision and an audit row; a correction that
now trips a hold rule goes back to the queue; a reply quoting words the writer removed
says so. Everyone else, and everyone after the window, is refused with a reason."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from comments.models import Comment
from comments.reasons import describe_all
from core.models import OutboxMail
from moderation.models import BlockedTerm, ModerationEvent, PolicySettings
from moderation.services import comment_approve
from moderation.writer import comment_edit_own, comment_withdraw_own
from tests.factories import UserFactory

UA = {"HTTP_USER_AGENT": "Mozilla/5.0"}
TEXT = "The dose was 5 mg twice a day in my trial arm."
CORRECTED = "The dose was 50 mg twice a day in my trial arm."


def write(client, post, body=TEXT, **fields) -> Comment:
    """Post as a reader does (the form), so the browser gets its signed cookie."""
    response = client.post(
        f"/comments/post/{post.pk}/", {"body": body, "author_name": "", **fields}, **UA
    )
    assert response.status_code == 302, response.content
    return Comment.objects.filter(post=post).latest("pk")


@pytest.fixture
def written(client, post, moderator):
    """An anonymous reader's comment, held (no email), then approved by a moderator."""
    comment = write(client, post)
    return comment_approve(comment=comment, actor=moderator)


def edit(client, comment, body=CORRECTED):
    return client.post(f"/comments/{comment.pk}/edit/", {"body": body}, **UA)


def page(client, post) -> str:
    return client.get(post.get_absolute_url(), **UA).text


def test_an_anonymous_writer_corrects_their_comment(client, post, written):
    html = page(client, post)
    assert f'<a class="edit-link" href="/comments/{written.pk}/edit/"' in html
    assert '>Edit or withdraw</a> <span class="edit-until">(you can until ' in html
    form = client.get(f"/comments/{written.pk}/edit/", **UA)
    assert form.status_code == 200
    assert "You can correct or withdraw" in form.text and TEXT in form.text
    response = edit(client, written)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{written.pk}")
    written.refresh_from_db()
    assert (written.body, written.status) == (CORRECTED, Comment.Status.APPROVED)
    # Everyone sees the correction and that its writer made it, with the time.
    other = page(Client(), post)
    assert "50 mg" in other and "5 mg twice" not in other
    assert '<p class="comment-edited comment-edited-by-writer">Edited by its writer <time' in other
    assert "Edited by a moderator" not in other
    # The first text is kept as a revision; one audit row says who changed it.
    assert list(written.revisions.values_list("body", "reason")) == [
        (TEXT, "submitted"), (CORRECTED, "corrected by its writer"),
    ]  # fmt: skip
    event = ModerationEvent.objects.filter(comment_ref=written.pk).latest("id")
    assert (event.action, event.from_status, event.to_status) == (
        "writer_edited", "approved", "approved",
    )  # fmt: skip


def test_a_signed_in_writer_corrects_by_their_account(client, post, other_author, moderator):
    client.force_login(other_author)
    comment = write(client, post)
    assert comment.user == other_author
    # Of the blog's team, so shown at once: others are refused, not told "not found".
    assert comment.status == Comment.Status.APPROVED
    response = edit(client, comment)
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == CORRECTED
    assert comment.revisions.last().edited_by == other_author
    # Another account may not, nor may the same browser once signed out.
    someone = UserFactory(username="someone", is_staff=True)
    client.force_login(someone)
    assert edit(client, comment, "Hijacked.").status_code == 403
    client.logout()
    assert edit(client, comment, "Hijacked.").status_code == 403
    comment.refresh_from_db()
    assert comment.body == CORRECTED


def test_someone_else_s_cookie_is_refused(client, post, written):
    stranger = Client()
    write(stranger, post, "My own comment.")  # the stranger has a cookie, for their own
    response = edit(stranger, written, "Not what they wrote.")
    assert response.status_code == 403
    assert "Only the writer of a comment can change it" in response.text
    # What they typed is given back to keep.
    assert "Not what they wrote." in response.text
    assert stranger.post(f"/comments/{written.pk}/withdraw/", **UA).status_code == 403
    # A cookie they made up is not signed: refused the same way.
    forger = Client()
    forger.cookies["comments_mine"] = str(written.pk)
    assert edit(forger, written, "Forged.").status_code == 403
    assert f"/comments/{written.pk}/edit/" not in page(stranger, post)
    written.refresh_from_db()
    assert written.body == TEXT and written.status == Comment.Status.APPROVED


def test_the_service_refuses_without_proof(post, written):
    with pytest.raises(PermissionDenied):
        comment_edit_own(comment=written, actor=None, own_ids=set(), body=CORRECTED)
    with pytest.raises(PermissionDenied):
        comment_withdraw_own(comment=written, actor=None, own_ids={written.pk + 1})


def test_the_window_closes_after_the_policy_s_minutes(client, post, written):
    Comment.objects.filter(pk=written.pk).update(
        submitted_at=written.submitted_at - datetime.timedelta(minutes=16)
    )
    assert "edit-link" not in page(client, post)
    response = edit(client, written)
    assert response.status_code == 403
    assert "The time to correct or withdraw this comment has passed (15 minutes" in response.text
    assert CORRECTED in response.text  # kept, to copy
    # Moderators set the window: at 30 minutes it is open again.
    rules = PolicySettings.current()
    rules.own_edit_minutes = 30
    rules.save()
    assert "edit-link" in page(client, post)
    assert edit(client, written).status_code == 302


def test_a_published_reply_ends_the_window(client, post, written, make, moderator):
    reply = make("I had the same dose.", parent=written, status=Comment.Status.PENDING)
    # A held reply is not seen by the writer: they may still correct.
    assert "edit-link" in page(client, post)
    comment_approve(comment=reply, actor=moderator)
    assert "edit-link" not in page(client, post)
    response = edit(client, written)
    assert response.status_code == 403
    assert "Someone has replied to this comment" in response.text


def test_a_correction_that_trips_a_hold_rule_goes_back_to_the_queue(client, post, written):
    told = OutboxMail.objects.filter(to=post.author.email)
    before = told.count()
    links = " ".join(f"https://example.org/{n}" for n in range(3))
    response = edit(client, written, f"{CORRECTED} Sources: {links}")
    assert response.status_code == 302
    written.refresh_from_db()
    assert written.status == Comment.Status.PENDING
    assert written.status_reasons == [{"kind": "links", "detail": {"count": 3}}]
    event = ModerationEvent.objects.filter(comment_ref=written.pk).latest("id")
    assert (event.from_status, event.to_status) == ("approved", "pending")
    assert "3 links" in event.reason
    # Back in the queue: the post's author, who moderates it, is told it waits.
    assert told.count() == before + 1
    assert "waits for you" in told.latest("id").subject
    # Its writer sees it awaiting moderation; nobody else sees it.
    mine = page(client, post)
    assert "Awaiting moderation" in mine and "Sources" in mine
    assert "Sources" not in page(Client(), post)


def test_a_watched_word_or_a_spam_term_is_caught_too(client, post, written):
    BlockedTerm.objects.create(value="miracle", kind="term", outcome="hold")
    edit(client, written, "A miracle cure, honestly.")
    written.refresh_from_db()
    assert written.status == Comment.Status.PENDING
    BlockedTerm.objects.create(value="casino", kind="term", outcome="spam")
    edit(client, written, "Visit the casino.")
    written.refresh_from_db()
    assert written.status == Comment.Status.SPAM


def test_withdrawal(client, post, written):
    confirm = client.get(f"/comments/{written.pk}/withdraw/", **UA)
    assert confirm.status_code == 200 and "Withdraw this comment" in confirm.text
    response = client.post(f"/comments/{written.pk}/withdraw/", **UA)
    assert response.status_code == 302
    written.refresh_from_db()
    assert written.status == Comment.Status.WITHDRAWN
    assert TEXT not in page(client, post) and TEXT not in page(Client(), post)
    assert written.body == TEXT  # kept for moderators: nothing a reader wrote is deleted
    event = ModerationEvent.objects.filter(comment_ref=written.pk).latest("id")
    assert (event.action, event.to_status) == ("withdrawn", "withdrawn")
    # Once withdrawn it cannot be edited back.
    assert edit(client, written).status_code == 403


def test_a_held_comment_can_be_corrected_before_a_moderator_sees_it(client, post):
    comment = write(client, post)
    assert comment.status == Comment.Status.PENDING
    assert edit(client, comment).status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert describe_all(comment.status_reasons) == ["no email given"]  # still why it waits


def test_nothing_changed_or_empty_is_refused_and_stores_nothing(client, post, written):
    response = edit(client, written, TEXT)
    assert response.status_code == 400 and "Nothing changed." in response.text
    response = edit(client, written, "   ")
    assert response.status_code == 400 and "Please write a comment." in response.text
    assert written.revisions.count() == 1


def test_a_reply_quoting_words_the_writer_removed_says_so(client, post, written, moderator):
    replier = Client()
    replier.post(
        f"/comments/post/{post.pk}/",
        {"body": "Are you sure?", "parent": written.pk, "quote": "5 mg twice a day"},
        **UA,
    )
    reply = Comment.objects.get(reply_to=written)
    assert reply.status == Comment.Status.PENDING  # held: the writer may still correct
    edit(client, written)
    comment_approve(comment=reply, actor=moderator)
    html = page(Client(), post)
    assert "the quoted words were since changed by their writer" in html
    assert "quoted text removed by a moderator" not in html
    assert "<p>5 mg twice a day</p>" not in html


def test_a_withdrawn_comment_with_a_reply_approved_later_says_its_writer_withdrew_it(
    client, post, written, make, moderator
):
    held_reply = make("Was it 5 mg?", parent=written, status=Comment.Status.PENDING)
    client.post(f"/comments/{written.pk}/withdraw/", **UA)
    comment_approve(comment=held_reply, actor=moderator)
    html = page(Client(), post)
    assert "This comment was withdrawn by its writer." in html
    assert "removed by a moderator" not in html and TEXT not in html
    # The thread keeps its shape: the placeholder stands where the comment was.
    assert f'<li id="comment-{written.pk}"' in html


def test_a_withdrawn_comment_s_permalink_leads_nowhere_even_for_its_writer(client, written):
    client.post(f"/comments/{written.pk}/withdraw/", **UA)
    assert client.get(f"/comments/{written.pk}/", **UA).status_code == 404


def test_corrections_count_against_the_rate_limit(client, post, written):
    rules = PolicySettings.current()
    rules.comments_per_minute = 1  # the post itself was this address's one
    rules.save()
    response = edit(client, written)
    assert response.status_code == 429
    assert "Please wait a minute" in response.text and CORRECTED in response.text
    written.refresh_from_db()
    assert written.body == TEXT


def test_the_audit_log_names_the_writer_not_the_policy(client, post, written):
    edit(client, written)
    event = ModerationEvent.objects.filter(comment_ref=written.pk).latest("id")
    assert event.actor is None and event.actor_label == "its writer"


def test_a_comment_filed_as_spam_is_offered_a_correction_as_a_held_one_is(client, post):
    """A spammer must not learn they were caught: their comment reads "awaiting
    moderation" with the same "Edit or withdraw"; a correction leaves it in spam."""
    comment = write(client, post, "Buy now.", website="http://spam.example")
    assert comment.status == Comment.Status.SPAM
    assert f'href="/comments/{comment.pk}/edit/"' in page(client, post)
    response = client.post(f"/comments/{comment.pk}/edit/", {"body": "A fine remark."},
                           follow=True, **UA)  # fmt: skip
    comment.refresh_from_db()
    assert (comment.body, comment.status) == ("A fine remark.", Comment.Status.SPAM)
    assert "It now waits for a moderator" in response.text
    assert "honeypot" not in response.text


def test_the_edit_links_cost_the_writer_s_page_no_query(client, post, written, make):
    from tests.comments.test_thread import post_page_queries

    page(client, post)  # the policy's rules are cached, as on a running site
    with_link = post_page_queries(client, post)
    assert "edit-link" in page(client, post)
    for n in range(20):
        make(f"Someone else, {n}.")
    Comment.objects.filter(pk=written.pk).update(
        submitted_at=written.submitted_at - datetime.timedelta(hours=1)
    )
    assert "edit-link" not in page(client, post)
    assert post_page_queries(client, post) == with_link


def test_someone_else_s_hidden_comment_is_not_found_rather_than_refused(client, post):
    held = write(client, post, "Held, and mine.")
    assert held.status == Comment.Status.PENDING
    stranger = Client()
    for url in (f"/comments/{held.pk}/edit/", f"/comments/{held.pk}/withdraw/"):
        assert stranger.get(url, **UA).status_code == 404
        assert stranger.get(url.replace(str(held.pk), str(held.pk + 999)), **UA).status_code == 404
    assert client.get(f"/comments/{held.pk}/edit/", **UA).status_code == 200
