"""A newer export changes a comment only through comment_update_from_import."""

import pytest

from comments.models import Comment
from moderation.models import ModerationEvent
from moderation.services import InvalidTransition, comment_update_from_import

SOURCE = "WordPress export blog.xml"


def events(comment):
    return list(
        ModerationEvent.objects.filter(comment_ref=comment.pk)
        .exclude(reason__startswith="imported from")
        .values_list("action", "from_status", "to_status", "reason")
    )


def test_new_text_and_status_make_one_revision_and_one_event(make):
    comment = make("Before.", status=Comment.Status.PENDING, name="Ann")
    changes = comment_update_from_import(
        comment=comment,
        fields={"body": "After.", "status": "approved", "author_name": "Ann"},
        source=SOURCE,
    )
    comment.refresh_from_db()
    assert changes == ["text", "status"]
    assert (comment.body, comment.status) == ("After.", "approved")
    assert "After." in comment.body_html
    assert [r.body for r in comment.revisions.order_by("id")][-1] == "After."
    assert comment.revisions.order_by("id").last().reason == f"updated from {SOURCE}"
    assert events(comment) == [
        ("imported", "pending", "approved", f"updated from {SOURCE}: text, status")
    ]


def test_nothing_new_changes_nothing(make):
    comment = make("Same.", name="Ann")
    revisions = comment.revisions.count()
    assert comment_update_from_import(
        comment=comment, fields={"body": "Same.", "author_name": "Ann"}, source=SOURCE
    ) == []  # fmt: skip
    assert comment.revisions.count() == revisions
    assert events(comment) == []


def test_a_comment_removed_here_stays_removed_with_its_text(make):
    comment = make("Removed by a moderator.", status=Comment.Status.REMOVED)
    changes = comment_update_from_import(
        comment=comment, fields={"body": "Back again.", "status": "approved"}, source=SOURCE
    )
    comment.refresh_from_db()
    assert changes == []
    assert (comment.body, comment.status) == ("Removed by a moderator.", "removed")
    assert events(comment) == []


def test_an_import_cannot_remove_or_touch_other_fields(make):
    comment = make("Text.")
    with pytest.raises(InvalidTransition):
        comment_update_from_import(comment=comment, fields={"status": "removed"}, source=SOURCE)
    with pytest.raises(ValueError, match="post"):
        comment_update_from_import(comment=comment, fields={"post": 1}, source=SOURCE)
    comment.refresh_from_db()
    assert comment.status == "approved"
    assert events(comment) == []


def test_it_takes_the_row_lock(make, django_assert_num_queries):
    comment = make("Before.")
    # savepoint, lock, revision, update, event, release
    with django_assert_num_queries(6) as captured:
        comment_update_from_import(comment=comment, fields={"body": "After."}, source=SOURCE)
    sqls = [query["sql"] for query in captured.captured_queries]
    assert sqls[1].startswith("SELECT") and sqls[1].endswith("FOR UPDATE")
