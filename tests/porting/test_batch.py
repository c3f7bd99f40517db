"""New threads are written in batches: the same rows as one at a time, in a few queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.import_scale import write_export
from comments.models import Comment, CommentRevision
from moderation.models import ModerationEvent
from porting.writer import batch

from .conftest import FIXTURES, TESTDATA, run

pytestmark = pytest.mark.usefixtures("trees_intact")


def stored() -> list[tuple]:
    """Every imported comment as a reader and a moderator would see it, ids left out."""
    rows = []
    by_pk = {c.pk: c for c in Comment.objects.select_related("post")}
    for comment in by_pk.values():
        parent = by_pk.get(comment.parent_id)
        revisions = list(comment.revisions.values_list("body", "reason"))
        events = list(
            ModerationEvent.objects.filter(comment_ref=comment.pk).values_list(
                "action", "from_status", "to_status", "reason"
            )
        )
        rows.append(
            (
                comment.post.slug, comment.body, comment.body_html, comment.status,
                comment.author_name, comment.quote, comment.level, comment.lft, comment.rght,
                parent.body if parent else None, comment.submitted_at,
                comment.status_reasons, revisions, events,
            )
        )  # fmt: skip
    return sorted(rows, key=repr)


def threads_in_order() -> list[tuple]:
    """Each post's threads in the order the page shows them (tree_id)."""
    return list(
        Comment.objects.filter(parent=None).order_by("tree_id").values_list("post__slug", "body")
    )


@pytest.mark.parametrize(
    "path",
    [FIXTURES / "wxr-1.2-https.xml", TESTDATA / "wxr" / "isso-tests-wordpress.xml"],
    ids=["ours", "isso"],
)
def test_batches_store_what_one_at_a_time_stores(db, path, monkeypatch):
    run("import_wxr", path)
    batched, order = stored(), threads_in_order()
    assert batched
    Comment.objects.all().delete()
    from porting.models import ImportedItem

    ImportedItem.objects.filter(kind="comment").delete()
    monkeypatch.setattr(batch.Batches, "_build_thread", lambda *args: False)
    run("import_wxr", path)
    assert stored() == batched
    assert threads_in_order() == order


def test_queries_do_not_grow_with_the_number_of_comments(db, tmp_path):
    counts = {}
    for comments in (40, 400):
        path = tmp_path / f"{comments}.xml"
        write_export(path, posts=2, comments=comments)
        with CaptureQueriesContext(connection) as queries:
            run("import_wxr", path, "--site", f"site-{comments}")
        counts[comments] = len(queries)
        assert Comment.objects.filter(post__slug__startswith="post-").count() >= comments
    assert counts[400] <= counts[40] + 5, counts
    assert CommentRevision.objects.count() == Comment.objects.count() == 440
