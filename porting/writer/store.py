"""Whole new threads of an import stored at once, with ``COPY``.

The rows are those of ``comments.services.comments_create_as_is`` (the comment in its
nested set, its first revision, the after-insert hook's audit rows, its post's pages
retired once the import commits), written the way an import of 100,000 comments needs:
ids and tree_ids reserved in one statement, the nested set computed here, then one
``COPY`` each for the comments and the revisions. Comments come from
``comments.services.comment_as_is``, so they are cleaned and rendered as any other.

The new-thread lock of ``comments.tree`` is taken first and held to the end of the
import's transaction, as ``comments.tree.insert_threads`` does: nobody else can take a
tree_id meanwhile.
"""

from collections import defaultdict

from django.db import connection, transaction

from blog import pagecache
from comments.models import Comment, CommentRevision
from comments.policy import after_insert_many
from comments.tree import lock_new_thread

from .copy import copy_objects


def store_threads(*, comments: list[Comment], sources: list[str]) -> list[Comment]:
    """Save whole new threads: each comment's ``parent`` is None or earlier in the list.

    ``sources`` says where each came from (the revision's reason, the audit event's).
    """
    assert transaction.get_connection().in_atomic_block, "tree writes need a transaction"
    if not comments:
        return comments
    lock_new_thread()
    ids, tree_id = _reserve(len(comments))
    number_threads(comments, ids, tree_id)
    copy_objects(Comment, comments)
    copy_objects(
        CommentRevision,
        (
            CommentRevision(
                comment_id=comment.pk,
                body=comment.body,
                quote=comment.quote,
                reason=source,
                created_at=comment.submitted_at,
            )
            for comment, source in zip(comments, sources, strict=True)
        ),
    )
    after_insert_many(comments=comments, sources=sources)
    for post_id in {comment.post_id for comment in comments}:
        transaction.on_commit(lambda post_id=post_id: pagecache.bump(post_id))
    return comments


def _reserve(count: int) -> tuple[list[int], int]:
    """``count`` new comment ids, and the first free tree_id (under the new-thread lock)."""
    table = Comment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT nextval(pg_get_serial_sequence(%s, 'id')), "  # noqa: S608 - our table
            f"(SELECT COALESCE(MAX(tree_id), 0) + 1 FROM {connection.ops.quote_name(table)}) "
            f"FROM generate_series(1, %s)",
            [table, count],
        )
        rows = cursor.fetchall()
    return [row[0] for row in rows], rows[0][1]


def number_threads(comments: list[Comment], ids: list[int], tree_id: int) -> None:
    """Give each comment its id and its place: tree_id, lft, rght, level.

    Each thread gets the next tree_id in list order of its root; children are numbered
    in list order, as one insert after another would have placed them.
    """
    members = {id(comment) for comment in comments}
    children: dict[int, list[Comment]] = defaultdict(list)
    roots = []
    for comment, pk in zip(comments, ids, strict=True):
        comment.pk = pk
        parent = comment.parent
        if parent is None:
            roots.append(comment)
            continue
        assert id(parent) in members and parent.pk is not None, "parents come first, here"
        comment.parent_id = parent.pk
        children[parent.pk].append(comment)
    for root in roots:
        counter = 1
        stack = [(root, 0, False)]
        while stack:
            comment, level, done = stack.pop()
            if done:
                comment.rght = counter
                counter += 1
                continue
            comment.tree_id, comment.level, comment.lft = tree_id, level, counter
            counter += 1
            stack.append((comment, level, True))
            stack.extend((child, level + 1, False) for child in reversed(children[comment.pk]))
        tree_id += 1
