"""An import's statements grow with its batches, never with its comments.

Batches are made small here (50 comments) so that a few hundred comments span several;
``COPY`` statements are counted like any other (``core.dbcopy`` logs them).
"""

import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.import_scale import write_export
from blog.models import Post, TaggedPost
from comments.models import Comment, CommentRevision
from moderation.models import ModerationEvent
from porting import staging
from porting.models import ImportedItem
from porting.writer import batch
from porting.writer.ledger import Ledger

from .conftest import run

pytestmark = pytest.mark.usefixtures("trees_intact")

SMALL_BATCH = 50
# Per batch of new threads: staging insert, its page read back, which ids are known, the
# new-thread lock, ids and tree_ids reserved, then the comments, revisions, audit events
# and ImportedItem rows: nine. One more for slack.
PER_BATCH = 10


def statements(path, site: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        run("import_wxr", path, "--site", site)
    return [query["sql"] for query in queries.captured_queries]


def test_statements_grow_by_batches_not_by_comments(db, tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "BATCH", SMALL_BATCH)
    monkeypatch.setattr(staging, "BATCH", SMALL_BATCH)
    counted = {}
    for comments in (100, 400):
        path = tmp_path / f"{comments}.xml"
        write_export(path, posts=2, comments=comments)
        counted[comments] = statements(path, f"site-{comments}")
    assert Comment.objects.count() == CommentRevision.objects.count() == 500
    assert ModerationEvent.objects.count() == 500
    assert ImportedItem.objects.filter(kind="comment").count() == 500
    # The rows really went in with COPY, a batch at a time.
    copies = [sql for sql in counted[400] if sql.startswith("COPY")]
    assert len(copies) >= 3 * math.ceil(400 / SMALL_BATCH)
    # 300 more comments are six more batches (a batch closes at a thread's end: one more).
    more_batches = math.ceil(400 / SMALL_BATCH) - math.ceil(100 / SMALL_BATCH) + 1
    growth = len(counted[400]) - len(counted[100])
    assert growth <= PER_BATCH * more_batches, (len(counted[100]), len(counted[400]))


def test_a_second_import_of_the_same_file_adds_nothing(db, tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "BATCH", SMALL_BATCH)
    monkeypatch.setattr(staging, "BATCH", SMALL_BATCH)
    path = tmp_path / "export.xml"
    write_export(path, posts=3, comments=200)
    run("import_wxr", path)
    counts = (Comment.objects.count(), CommentRevision.objects.count(),
              ModerationEvent.objects.count(), ImportedItem.objects.count())  # fmt: skip
    assert counts[0] == 200
    report = run("import_wxr", path)
    assert "comments: 200 unchanged" in report
    assert (Comment.objects.count(), CommentRevision.objects.count(),
            ModerationEvent.objects.count(), ImportedItem.objects.count()) == counts  # fmt: skip


def test_known_ids_are_found_by_one_index_probe_each(db):
    """Which comments were imported before is asked once a batch; with the import's own
    rows in the table and no statistics yet, it must read the rows it asks about, not
    every row of the site (which made a first import quadratic)."""
    site = Ledger(source="wxr", site_key="s")
    with connection.cursor() as cursor:  # a large import's rows, before any ANALYZE
        cursor.execute(
            "INSERT INTO moderation_importeditem (source, source_key, kind, source_id, "
            "object_id, source_url, digest, imported_at, updated_at) SELECT 'wxr', 's', "
            "'comment', n::text, n, '', '', now(), now() FROM generate_series(1, 20000) n"
        )
    asked = [str(n) for n in range(1000, 1050)] + ["never-imported"]
    with CaptureQueriesContext(connection) as queries:
        found = site.imported_ids("comment", asked)
    assert found == set(asked[:-1])
    [query] = queries.captured_queries
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {query['sql']}")
        plan = cursor.fetchone()[0][0]["Plan"]
    # Rows each scan of the table produced or threw away, over all its loops.
    table = ImportedItem._meta.db_table
    read = [
        (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * node["Actual Loops"]
        for node in nodes(plan)
        if node.get("Relation Name") == table
    ]
    assert read and sum(read) <= len(asked), plan


def nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def test_new_posts_are_written_and_read_back_a_batch_at_a_time(db, tmp_path):
    counted = {}
    for posts in (20, 220):
        path = tmp_path / f"{posts}.xml"
        write_export(path, posts=posts, comments=posts)  # a comment each: one batch
        counted[posts] = statements(path, f"site-{posts}")
    assert Post.objects.count() == 240
    assert Comment.objects.filter(post__slug="post-220").count() == 1
    assert TaggedPost.objects.count() == 240
    assert ImportedItem.objects.filter(kind="post").exclude(source_url="").count() == 240
    # 200 more posts are two more batches of a hundred: which ids are known, which slugs
    # are taken, then the posts, their series and their ImportedItem rows. Their comments
    # are one batch either way, which reads its posts in one query.
    growth = len(counted[220]) - len(counted[20])
    assert growth <= 2 * 5 + 2, (len(counted[20]), len(counted[220]))
