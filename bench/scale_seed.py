"""Seed a large corpus at COPY speed for ``make bench-scale`` (issue 15): posts, series
tags, approved discussions and a wave of pending spam, written with PostgreSQL's COPY.

Every call appends: posts continue the timeline backwards from the oldest one already
there (one post every ``POST_INTERVAL``), so a second, larger seeding leaves the newest
posts, the home page and this month's archive as they were and adds only history. Each
top-level comment roots its own tree (the next ``tree_id``); the nested sets are computed
here in one pass per post (subtree sizes backwards, then left edges forwards), so
``check_comment_trees`` passes. Comment revisions are not written: no page measured reads
them, and they would double the seeding time.

Import after ``django.setup()``.
"""

import datetime
import json
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from blog.models import Post, Series, TaggedPost
from blog.rendering import html_to_text, render_markdown
from comments.models import Comment
from comments.reasons import Kind, reason
from comments.text import render_comment

POST_INTERVAL = datetime.timedelta(hours=8)
WORDS = [
    "trial", "relapse", "dose", "infusion", "clinic", "scan", "fatigue", "walking", "data",
    "cohort", "placebo", "effect", "interval", "outcome", "measure", "follow-up", "biomarker",
    "question", "answer", "thanks", "result", "risk", "lesion", "neurologist", "study",
]  # fmt: skip
# One of these in every post's title: a search for one finds about 1 post in 40.
TOPICS = [
    "ocrelizumab", "natalizumab", "alemtuzumab", "cladribine", "fingolimod", "siponimod",
    "ofatumumab", "ublituximab", "rituximab", "ozanimod", "ponesimod", "teriflunomide",
    "dimethyl", "glatiramer", "interferon", "mitoxantrone", "tolebrutinib", "evobrutinib",
    "fenebrutinib", "remibrutinib", "masitinib", "ibudilast", "simvastatin", "metformin",
    "clemastine", "biotin", "vitamin", "smoking", "exercise", "diet", "sleep", "pregnancy",
    "vaccination", "neurofilament", "atrophy", "myelin", "remyelination", "microglia",
    "lymphocytes", "antibodies",
]  # fmt: skip
SERIES = ["ResearchSpeak", "MSBlog", "ClinicSpeak", "NewsSpeak", "TrialSpeak", "BrainHealth"]
SPAM_REASONS = [
    [reason(Kind.FIRST)],
    [reason(Kind.LINKS, count=3)],
    [reason(Kind.BLOCKED, what="term", value="casino")],
    [reason(Kind.NO_EMAIL)],
    [reason(Kind.FIRST), reason(Kind.LINKS, count=4)],
]
COMMENT_COLUMNS = [
    "id", "post_id", "parent_id", "reply_to_id", "author_name", "author_email", "author_url",
    "role", "body", "body_html", "quote", "status", "status_reasons", "submitted_at",
    "ip_hash", "user_agent", "notify_replies", "edit_note", "lft", "rght", "tree_id", "level",
]  # fmt: skip
POST_COLUMNS = [
    "id", "title", "slug", "author_id", "summary", "body", "body_html", "body_text", "status",
    "published_at", "competing_interests", "postscript", "postscript_html", "comments_open",
    "created_at", "updated_at",
]  # fmt: skip


@dataclass
class Seeded:
    posts: list[int]  # ids, newest first
    comments: int
    pending: int


def _reserve_ids(table: str, count: int) -> int:
    """The first of ``count`` consecutive ids taken from ``table``'s sequence at once."""
    if count == 0:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'),"
            " nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
            [table, table, count],
        )
        return cursor.fetchone()[0] - count + 1


def _next_tree_id() -> int:
    return (Comment.objects.aggregate(last=Max("tree_id"))["last"] or 0) + 1


def _copy(table: str, columns: list[str], rows) -> None:
    """COPY ``rows`` (tuples in ``columns`` order; None is NULL) into ``table``."""
    with connection.cursor() as cursor:
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)


def _sentence(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))).capitalize()


def _thread_shapes(rng: random.Random, count: int):
    """Parent index (or None) and level of ``count`` comments in creation order: threads
    of a few to a few dozen comments, up to depth 4, as ``bench/seed.py`` makes them."""
    parents: list[int | None] = []
    levels: list[int] = []
    threads: list[list[int]] = []  # per thread: the comments that may still take replies
    for index in range(count):
        if not threads or rng.random() < 0.2:
            parent, thread = None, len(threads)
            threads.append([])
        else:
            thread = len(threads) - 1 if rng.random() < 0.7 else rng.randrange(len(threads))
            parent = rng.choice(threads[thread])  # never empty: the root takes replies
        level = 0 if parent is None else levels[parent] + 1
        parents.append(parent)
        levels.append(level)
        if level < 3:
            threads[thread].append(index)
    return parents, levels


def nested_sets(parents: list[int | None]) -> tuple[list[int], list[int], list[int]]:
    """Left, right and root of each node, children in creation order (parents first)."""
    count = len(parents)
    size = [1] * count
    for index in range(count - 1, -1, -1):
        parent = parents[index]
        if parent is not None:
            size[parent] += size[index]
    lft = [0] * count
    root = [0] * count
    next_free = [0] * count
    for index, parent in enumerate(parents):
        if parent is None:
            lft[index], root[index] = 1, index
        else:
            lft[index], root[index] = next_free[parent], root[parent]
            next_free[parent] += 2 * size[index]
        next_free[index] = lft[index] + 1
    rght = [lft[index] + 2 * size[index] - 1 for index in range(count)]
    return lft, rght, root


def _author():
    user, _ = get_user_model().objects.get_or_create(
        username="scale-author", defaults={"is_staff": True}
    )
    return user


def _series() -> list[int]:
    return [
        Series.objects.get_or_create(slug=name.lower(), defaults={"name": name})[0].pk
        for name in SERIES
    ]


def seed_posts(count: int, rng: random.Random) -> list[int]:
    """``count`` published posts older than every post there, each in one or two series."""
    author = _author()
    series = _series()
    existing = Post.objects.count()
    oldest = Post.objects.order_by("published_at").values_list("published_at", flat=True).first()
    start = oldest or timezone.now()
    first = _reserve_ids(Post._meta.db_table, count)
    bodies = []
    for number in range(8):
        source = "\n\n".join(_sentence(rng, 40, 90) + "." for _ in range(4))
        source += f"\n\nSee [the report](https://example.org/reports/{number})."
        html = render_markdown(source)
        bodies.append((source, html, html_to_text(html)))
    now = timezone.now()
    ids = list(range(first, first + count))

    def rows():
        for offset, pk in enumerate(ids):
            number = existing + offset
            body, html, text = bodies[number % len(bodies)]
            published = start - POST_INTERVAL * (offset + 1)
            title = f"{TOPICS[number % len(TOPICS)].capitalize()}: {_sentence(rng, 3, 7)}"
            yield (
                pk, title, f"scale-{number}", author.pk, _sentence(rng, 10, 25) + ".", body,
                html, text, Post.Status.PUBLISHED, published, "", "", "", True, now, now,
            )  # fmt: skip

    _copy(Post._meta.db_table, POST_COLUMNS, rows())
    content_type = ContentType.objects.get_for_model(Post).pk
    tags = []
    for offset, pk in enumerate(ids):
        tags.append((pk, content_type, series[(existing + offset) % len(series)]))
        if offset % 5 == 0:
            tags.append((pk, content_type, series[(existing + offset + 1) % len(series)]))
    _copy(TaggedPost._meta.db_table, ["object_id", "content_type_id", "tag_id"], tags)
    return ids


def seed_comments(post_ids: list[int], count: int, rng: random.Random) -> int:
    """``count`` approved comments spread evenly over ``post_ids``, in threads."""
    if not post_ids or count == 0:
        return 0
    published = dict(Post.objects.filter(pk__in=post_ids).values_list("pk", "published_at"))
    first_id = _reserve_ids(Comment._meta.db_table, count)
    tree_id = _next_tree_id()
    pool = [_sentence(rng, 12, 60) + "." for _ in range(300)]
    pool = [text + f" https://example.org/reports/{n}" if n % 7 == 0 else text
            for n, text in enumerate(pool)]  # fmt: skip
    rendered = [render_comment(text) for text in pool]
    per_post, extra = divmod(count, len(post_ids))
    minute = datetime.timedelta(minutes=1)

    def rows():
        nonlocal tree_id
        next_id = first_id
        for position, post_id in enumerate(post_ids):
            size = per_post + (1 if position < extra else 0)
            parents, levels = _thread_shapes(rng, size)
            lft, rght, root = nested_sets(parents)
            trees = {}
            start = published[post_id] + minute
            for index in range(size):
                parent = parents[index]
                if parent is None:
                    trees[index] = tree_id
                    tree_id += 1
                text = index % len(pool)
                parent_id = None if parent is None else next_id - index + parent
                quote = ""
                if parent is not None and index % 4 == 0:
                    quote = " ".join(pool[parent % len(pool)].split()[:6])
                reader = rng.randrange(5000)
                yield (
                    next_id + 0, post_id, parent_id, parent_id,
                    "" if reader % 3 == 0 else f"Reader {reader}",
                    f"reader{reader}@example.org", "", "", pool[text], rendered[text], quote,
                    Comment.Status.APPROVED, "[]", start + minute * index,
                    f"{reader:064x}", "Mozilla/5.0 (bench)", False, "",
                    lft[index], rght[index], trees[root[index]], levels[index],
                )  # fmt: skip
                next_id += 1

    _copy(Comment._meta.db_table, COMMENT_COLUMNS, rows())
    return count


def seed_spam_wave(post_ids: list[int], count: int, rng: random.Random) -> int:
    """``count`` pending top-level comments over ``post_ids`` from few addresses, all in
    the last day: what a spam run leaves in the queue."""
    if not post_ids or count == 0:
        return 0
    first_id = _reserve_ids(Comment._meta.db_table, count)
    tree_id = _next_tree_id()
    body = "Cheap pills, best prices, visit https://spam.example/shop now"
    html = render_comment(body)
    start = timezone.now() - datetime.timedelta(days=1)
    step = datetime.timedelta(days=1) / count

    def rows():
        for index in range(count):
            reasons = SPAM_REASONS[index % len(SPAM_REASONS)]
            sender = rng.randrange(max(count // 10, 1))
            email = "" if reasons == [reason(Kind.NO_EMAIL)] else f"spammer{sender}@spam.example"
            yield (
                first_id + index, rng.choice(post_ids), None, None, f"Deals {sender}", email,
                "", "", body, html, "", Comment.Status.PENDING, json.dumps(reasons),
                start + step * index, f"{sender + 10**6:064x}", "spambot/1.0", False, "",
                1, 2, tree_id + index, 0,
            )  # fmt: skip

    _copy(Comment._meta.db_table, COMMENT_COLUMNS, rows())
    return count


def seed(*, posts: int, comments: int, pending: int, seed: int = 1) -> Seeded:
    """Append ``posts`` posts with ``comments`` approved comments between them and
    ``pending`` held ones, then refresh the planner's statistics."""
    rng = random.Random(seed)
    with transaction.atomic():
        post_ids = seed_posts(posts, rng)
        seed_comments(post_ids, comments, rng)
        seed_spam_wave(post_ids, pending, rng)
    with connection.cursor() as cursor:
        for model in (Post, TaggedPost, Comment):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    return Seeded(posts=post_ids, comments=comments, pending=pending)
