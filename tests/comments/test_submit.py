"""comment_submit: what is stored, what is refused, and that refusals store nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from comments.models import Comment, CommentRevision
from comments.tree import check_trees
from tests.factories import PostFactory, UserFactory


def stored():
    return Comment.objects.count(), CommentRevision.objects.count()


def test_reader_comment_is_held_with_first_revision(submit):
    comment = submit("  My first\r\ncomment\x00 here  ", author_name="  Ann\u0007 Lee ")
    assert comment.status == Comment.Status.PENDING
    assert comment.status_reasons
    assert comment.body == "My first\ncomment here"
    assert comment.author_name == "Ann Lee"
    revision = comment.revisions.get()
    assert revision.body == comment.body
    assert comment.ip_hash and "203.0.113.7" not in comment.ip_hash


def test_blank_name_reads_anonymous(submit):
    assert submit("Hi").display_name == "Anonymous"


def test_staff_author_reply_is_approved_with_author_role(submit, make, author):
    parent = make("Question?")
    reply = submit("Answer.", parent=parent, user=author)
    assert reply.status == Comment.Status.APPROVED
    assert reply.role == "author"
    assert reply.parent == parent and reply.reply_to == parent


def test_moderator_gets_moderator_role(submit, make, moderator):
    reply = submit("Noted.", parent=make("Q"), user=moderator)
    assert reply.role == "moderator"


def test_honeypot_sends_to_spam(submit):
    assert submit("Buy now", honeypot="http://spam.example").status == Comment.Status.SPAM


@pytest.mark.parametrize(
    ("body", "field"),
    [("", "body"), ("   \n\x00 ", "body"), ("x" * 10_001, "body")],
)
def test_bad_bodies_are_refused(submit, body, field):
    before = stored()
    with pytest.raises(ValidationError) as error:
        submit(body)
    assert field in error.value.message_dict
    assert stored() == before


def test_ten_thousand_characters_is_fine(submit):
    assert len(submit("y" * 10_000).body) == 10_000


def test_name_over_80_characters_refused(submit):
    with pytest.raises(ValidationError) as error:
        submit("Hi", author_name="n" * 81)
    assert "author_name" in error.value.message_dict


def test_parent_on_another_post_refused(submit, make, post):
    other = make("Elsewhere", post=PostFactory())
    before = stored()
    with pytest.raises(ValidationError) as error:
        submit("Reply", parent=other)
    assert "not available" in error.value.message_dict["parent"][0]
    assert stored() == before


@pytest.mark.parametrize("status", ["pending", "rejected", "spam", "removed"])
def test_reply_to_invisible_comment_refused(submit, make, status):
    hidden = make("Hidden", status=status)
    with pytest.raises(ValidationError) as error:
        submit("Reply", parent=hidden)
    assert "not available" in error.value.message_dict["parent"][0]


def test_closed_post_refuses(submit, post):
    post.comments_open = False
    post.save()
    with pytest.raises(ValidationError) as error:
        submit("Late")
    assert "closed" in error.value.message_dict["__all__"][0]


def test_close_after_date_refuses(submit, post):
    post.comments_close_at = timezone.now() - datetime.timedelta(minutes=1)
    post.save()
    with pytest.raises(ValidationError):
        submit("Late")
    assert Comment.objects.count() == 0


def test_draft_post_refuses(submit):
    draft = PostFactory(status="draft", published_at=None)
    with pytest.raises(ValidationError):
        submit("Early", target=draft)


def test_quote_must_occur_in_parent_whitespace_normalised(submit, make):
    parent = make("So, I'm scheduled for an\n  infusion next year and worry.")
    reply = submit("Answer", parent=parent, quote="I'm scheduled for an infusion   next year")
    assert reply.quote == "I'm scheduled for an infusion next year"
    assert "scheduled" not in reply.body  # stored apart from the body
    with pytest.raises(ValidationError) as error:
        submit("Answer", parent=parent, quote="words that were never written")
    assert "not in the comment" in error.value.message_dict["quote"][0]


def test_quote_without_parent_refused(submit):
    with pytest.raises(ValidationError) as error:
        submit("Answer", quote="something")
    assert "quote" in error.value.message_dict


def test_deep_reply_attaches_to_deepest_allowed_ancestor(submit, make, author, settings):
    settings.COMMENTS_MAX_DEPTH = 4
    level0 = make("0")
    level1 = make("1", parent=level0)
    level2 = make("2", parent=level1)
    level3 = make("three deep words", parent=level2)
    reply = submit("4", parent=level3, user=author, quote="deep words")
    assert reply.level == 3
    assert reply.parent == level2
    assert reply.reply_to == level3
    assert reply.quote == "deep words"
    assert check_trees() == []


def test_new_threads_take_their_own_tree(submit, make):
    first, second = make("a"), make("b")
    assert first.tree_id != second.tree_id
    staff = UserFactory(is_staff=True)
    third = submit("c", user=staff)
    assert third.tree_id not in (first.tree_id, second.tree_id)
    assert check_trees() == []
