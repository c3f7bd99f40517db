"""The only module that knows comments are an MPTT nested set.

django-mptt locks nothing: two writers inserting into one thread, or two new threads
taking "the next tree_id", corrupt the tree. Every write here runs inside a transaction
that first takes the lock for what it rewrites: the thread's root row for a reply, a
database-wide advisory lock for a new thread. A new comment's label number
(``comments.labels``) is counted under one more lock, the post's, taken in the same
statement as the first: replies in two threads of one post may be stored at once.
"""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from core.dbcopy import copy_objects

from .labels import minute_of
from .models import Comment

# An arbitrary, fixed key for pg_advisory_xact_lock: "new comment thread".
NEW_THREAD_LOCK = 0x436F6D6D  # "Comm"
# The first key of pg_advisory_xact_lock(int, int) for "one post's labels"; the second is
# the post's id. Always taken after the thread's (or new-thread) lock, never before, so
# two writers can never each hold one the other waits for.
LABEL_LOCK = 0x4C61626C  # "Labl"
# Every post's label lock, in one statement: as many as the posts (an import's batch).
_LOCK_LABELS = (
    "(SELECT count(pg_advisory_xact_lock(%s::int, post_id)) FROM unnest(%s::int[]) AS post_id)"
)


def lock_new_thread(*, label_posts: Collection[int] = ()) -> None:
    """The new-thread lock, then the label locks of ``label_posts`` (in id order)."""
    with connection.cursor() as cursor:
        if label_posts:
            cursor.execute(
                f"SELECT pg_advisory_xact_lock(%s), {_LOCK_LABELS}",
                [NEW_THREAD_LOCK, LABEL_LOCK, sorted(set(label_posts))],
            )
        else:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [NEW_THREAD_LOCK])


def lock_thread_of(comment: Comment) -> Comment:
    """Lock the thread ``comment`` is in; return ``comment`` re-read under the lock."""
    _lock_thread(comment.tree_id)
    return Comment.objects.get(pk=comment.pk)


def _lock_thread(tree_id: int, *, label_post: int | None = None) -> None:
    # One statement finds and locks the root row (tree_id never changes for a thread).
    # Written out: on the posting path the ORM's compiling cost more than the query.
    root = (
        f"SELECT id FROM {Comment._meta.db_table} "  # noqa: S608 - our table name
        "WHERE tree_id = %s AND parent_id IS NULL FOR UPDATE"
    )
    with connection.cursor() as cursor:
        if label_post is None:
            cursor.execute(root, [tree_id])
        else:
            # A subquery with FOR UPDATE is never flattened: the root row is locked first,
            # then the post's label lock is taken for it.
            cursor.execute(
                f"SELECT pg_advisory_xact_lock(%s::int, %s::int) FROM ({root}) AS root",  # noqa: S608
                [LABEL_LOCK, label_post, tree_id],
            )


def insert(comment: Comment, *, stamp_time: bool = True) -> Comment:
    """Save a new comment as the last child of ``comment.parent`` (or a new thread).

    With ``stamp_time`` the submission time is taken once the lock is held, so times
    follow the order of the tree. The nested-set values are set here, so django-mptt's
    ``save`` only inserts the row: a reply costs the lock, one statement that makes room
    and reads the parent's place, and the INSERT.
    """
    assert transaction.get_connection().in_atomic_block, "tree writes need a transaction"
    if comment.parent_id is None:
        lock_new_thread(label_posts=[comment.post_id])
        _stamp(comment, stamp_time)
        tree_id, last_number = _next_tree_id_and_label(comment)
        comment.tree_id, comment.lft, comment.rght, comment.level = tree_id, 1, 2, 0
    else:
        parent = comment.parent
        assert parent is not None  # parent_id is set
        _lock_thread(parent.tree_id, label_post=comment.post_id)
        _stamp(comment, stamp_time)
        # Under the lock, so this statement's snapshot holds every earlier writer's rows.
        right, level, last_number = _make_room_in(parent, label_of=comment)
        comment.tree_id, comment.lft, comment.rght = parent.tree_id, right, right + 1
        comment.level = level + 1
        parent.rght = right + 2  # as django-mptt keeps the parent in hand up to date
    comment.label_number = None if comment.author_name else (last_number or 0) + 1
    comment.save()
    return comment


def _stamp(comment: Comment, stamp_time: bool) -> None:
    if stamp_time:
        comment.submitted_at = timezone.now()
    comment.label_minute = minute_of(comment.submitted_at)


# The last label number given in the new comment's minute on its post (NULL: none yet).
_LAST_NUMBER = (
    "(SELECT max(label_number) FROM {table} WHERE post_id = %(post)s AND label_minute = %(minute)s)"
)


def _next_tree_id_and_label(comment: Comment) -> tuple[int, int | None]:
    """The next tree_id, and the last label number of the comment's minute (one statement,
    under the new-thread and label locks)."""
    table = Comment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COALESCE(MAX(tree_id), 0) + 1 FROM {table}), "  # noqa: S608
            + _LAST_NUMBER.format(table=table),
            {"post": comment.post_id, "minute": comment.label_minute},
        )
        return cursor.fetchone()


def _make_room_in(parent: Comment, *, label_of: Comment) -> tuple[int, int, int | None]:
    """Shift everything at or right of ``parent``'s right edge by two, making room for a
    last child; return the parent's (right edge, level) from before the shift, and the
    last label number of ``label_of``'s minute on its post.

    django-mptt's ``insert_at`` with a fresh read of the parent, in one statement: every
    part of it reads the same snapshot, so ``target`` is the parent as it was.
    """
    table = Comment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH target AS (SELECT rght, level, tree_id FROM {table} WHERE id = %(parent)s),
            shifted AS (
                UPDATE {table} AS c
                SET lft = CASE WHEN c.lft >= t.rght THEN c.lft + 2 ELSE c.lft END,
                    rght = c.rght + 2
                FROM target AS t
                WHERE c.tree_id = %(tree)s AND t.tree_id = %(tree)s AND c.rght >= t.rght
            )
            SELECT rght, level, tree_id, {_LAST_NUMBER.format(table=table)} FROM target
            """,  # noqa: S608 - our table name; the values are parameters
            {
                "parent": parent.pk,
                "tree": parent.tree_id,
                "post": label_of.post_id,
                "minute": label_of.label_minute,
            },
        )
        row = cursor.fetchone()
    if row is None:
        raise Comment.DoesNotExist(f"comment {parent.pk} is gone")
    right, level, tree_id, last_number = row
    if tree_id != parent.tree_id:
        # Only a repair (rebuild_thread) moves a comment to another tree: nothing shifted.
        raise RuntimeError(f"comment {parent.pk} moved from tree {parent.tree_id} to {tree_id}")
    return right, level, last_number


def insert_threads(comments: list[Comment]) -> list[Comment]:
    """Save whole new threads at once (an import): one lock, one ``COPY`` of the rows.

    Each comment's ``parent`` is None (it starts a thread) or a comment earlier in the
    list, so the nested set is computed here, children in list order, as ``insert`` would
    have made it one comment at a time. Ids and tree_ids are reserved first, in one
    statement; the new-thread lock stays held to the end of the transaction, like
    ``insert``'s: nobody else can take a tree_id meanwhile.
    """
    assert transaction.get_connection().in_atomic_block, "tree writes need a transaction"
    if not comments:
        return comments
    posts = sorted({comment.post_id for comment in comments})
    lock_new_thread(label_posts=posts)
    ids, tree_id, last_numbers = _reserve(len(comments), posts)
    _number_threads(comments, ids, tree_id)
    _number_labels(comments, last_numbers)
    copy_objects(Comment, comments)
    return comments


def _reserve(count: int, posts: list[int]) -> tuple[list[int], int, dict[tuple, int]]:
    """``count`` new comment ids, the first free tree_id (under the new-thread lock), and
    the last label number of each (post, minute) of ``posts`` (under their label locks)."""
    table = connection.ops.quote_name(Comment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT nextval(pg_get_serial_sequence(%s, 'id')), "  # noqa: S608 - our table
            f"(SELECT COALESCE(MAX(tree_id), 0) + 1 FROM {table}), "
            # Once, in the first row: [[post, minute, last number], ...].
            f"CASE WHEN n = 1 THEN (SELECT json_agg(json_build_array(post_id, label_minute, "
            f"last)) FROM (SELECT post_id, label_minute, max(label_number) AS last FROM {table} "
            f"WHERE post_id = ANY(%s) AND label_number IS NOT NULL "
            f"GROUP BY post_id, label_minute) AS labels) END "
            f"FROM generate_series(1, %s) AS n",
            [Comment._meta.db_table, posts, count],
        )
        rows = cursor.fetchall()
    last_numbers = {(post, minute): last for post, minute, last in rows[0][2] or []}
    return [row[0] for row in rows], rows[0][1], last_numbers


def _number_labels(comments: list[Comment], last_numbers: dict[tuple, int]) -> None:
    """Each anonymous comment the next label number of its minute, in list order."""
    for comment in comments:
        comment.label_minute = minute_of(comment.submitted_at)
        if comment.author_name:
            comment.label_number = None
            continue
        key = (comment.post_id, comment.label_minute)
        comment.label_number = last_numbers[key] = last_numbers.get(key, 0) + 1


def _number_threads(comments: list[Comment], ids: list[int], tree_id: int) -> None:
    """Give each comment its id and its place (tree_id, lft, rght, level): each thread the
    next tree_id in list order of its root, children in list order."""
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


def ancestor_at_level(comment: Comment, level: int) -> Comment:
    """Walk up the parent links, which never change (unlike lft/rght under other writers)."""
    while comment.level > level:
        assert comment.parent_id is not None  # below the top level
        comment = Comment.objects.get(pk=comment.parent_id)
    return comment


@dataclass
class Problem:
    tree_id: int
    comment_id: int | None
    message: str

    def __str__(self) -> str:
        where = f"comment {self.comment_id}" if self.comment_id else "thread"
        return f"tree {self.tree_id}, {where}: {self.message}"


def check_trees(tree_ids=None) -> list[Problem]:
    """Check every thread's nested-set invariants; return what is broken."""
    rows = Comment.objects.order_by("tree_id", "lft")
    if tree_ids is not None:
        rows = rows.filter(tree_id__in=tree_ids)
    by_tree: dict[int, list[tuple]] = defaultdict(list)
    for row in rows.values_list("pk", "parent_id", "tree_id", "lft", "rght", "level", "post_id"):
        by_tree[row[2]].append(row)
    nodes = {row[0]: row for tree in by_tree.values() for row in tree}
    problems: list[Problem] = []
    for tree_id, tree in by_tree.items():
        roots = [row for row in tree if row[1] is None]
        if len(roots) != 1:
            problems.append(Problem(tree_id, None, f"{len(roots)} root comments (expected 1)"))
        edges = sorted(value for row in tree for value in (row[3], row[4]))
        if edges != list(range(1, 2 * len(tree) + 1)):
            problems.append(Problem(tree_id, None, "lft/rght values overlap or leave gaps"))
        for pk, parent_id, _, lft, rght, level, post_id in tree:
            if lft >= rght:
                problems.append(Problem(tree_id, pk, f"lft {lft} >= rght {rght}"))
            if parent_id is None:
                if level != 0 or lft != 1:
                    problems.append(Problem(tree_id, pk, "root not at level 0, lft 1"))
                continue
            parent = nodes.get(parent_id)
            if parent is None or parent[2] != tree_id:
                problems.append(Problem(tree_id, pk, "parent is in another tree"))
                continue
            if not (parent[3] < lft and rght < parent[4]):
                problems.append(Problem(tree_id, pk, "lies outside its parent's bounds"))
            if level != parent[5] + 1:
                problems.append(Problem(tree_id, pk, f"level {level}, parent's {parent[5]}"))
            if post_id != parent[6]:
                problems.append(Problem(tree_id, pk, "reply on another post than its parent"))
    return problems


@transaction.atomic
def rebuild_thread(tree_id: int) -> list[int]:
    """Recompute one thread's nested set from its parent links, in submission order.

    Roots that wrongly share the tree_id get new tree_ids of their own first. Returns the
    tree_ids rebuilt.
    """
    lock_new_thread()
    roots = list(
        Comment.objects.filter(tree_id=tree_id, parent__isnull=True).order_by("submitted_at", "pk")
    )
    rebuilt = []
    for index, root in enumerate(roots):
        target = tree_id if index == 0 else _next_tree_id()
        # Membership follows the parent links, whatever tree_id the rows carry now.
        members = _descendant_ids(root.pk)
        Comment.objects.filter(pk__in=members).exclude(tree_id=target).update(tree_id=target)
        _renumber(target)
        rebuilt.append(target)
    return rebuilt


def _next_tree_id() -> int:
    return (Comment.objects.aggregate(top=Max("tree_id"))["top"] or 0) + 1


def _descendant_ids(root_id: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE thread(id) AS (
                SELECT id FROM {Comment._meta.db_table} WHERE id = %s
                UNION ALL
                SELECT c.id FROM {Comment._meta.db_table} c JOIN thread t ON c.parent_id = t.id
            ) SELECT id FROM thread
            """,  # noqa: S608 - our table name; the id is a parameter
            [root_id],
        )
        return [row[0] for row in cursor.fetchall()]


def _renumber(tree_id: int) -> None:
    """Walk the thread by parent links and write fresh lft/rght/level values."""
    rows = list(
        Comment.objects.filter(tree_id=tree_id)
        .order_by("submitted_at", "pk")
        .values_list("pk", "parent_id")
    )
    children = defaultdict(list)
    roots = []
    for pk, parent_id in rows:
        if parent_id is None:
            roots.append(pk)
        else:
            children[parent_id].append(pk)
    updates = []
    counter = 1
    stack = [(root, 0, False) for root in reversed(roots)]
    left: dict[int, tuple[int, int]] = {}  # pk: (lft, level)
    while stack:
        pk, level, done = stack.pop()
        if done:
            updates.append(Comment(pk=pk, lft=left[pk][0], rght=counter, level=left[pk][1]))
            counter += 1
            continue
        left[pk] = (counter, level)
        counter += 1
        stack.append((pk, level, True))
        stack.extend((child, level + 1, False) for child in reversed(children[pk]))
    Comment.objects.bulk_update(updates, ["lft", "rght", "level"], batch_size=500)
