"""Seed posts with large, realistic discussions fast: nested sets computed here, one
bulk insert per post (the services would take minutes for 5,000 comments)."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from blog.models import Post
from comments.models import Comment, CommentRevision
from comments.text import render_comment

from .words import WORDS


def _text(rng: random.Random, index: int) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 60)))
    if index % 7 == 0:
        words += f" https://example.org/reports/{index}"
    if index % 11 == 0:
        words += "\n\nA second paragraph with more " + " ".join(rng.sample(WORDS, 6))
    return words.capitalize() + "."


def seed_post(slug: str, count: int, *, seed: int = 1, status: str = "") -> Post:
    """A published post with ``count`` comments: threads up to depth 4, quotes.

    They are approved unless ``status`` says otherwise (``Comment.Status.PENDING`` fills
    the moderation queue).
    """
    status = status or Comment.Status.APPROVED
    rng = random.Random(seed)
    author, _ = get_user_model().objects.get_or_create(
        username="bench-author", defaults={"is_staff": True}
    )
    Post.objects.filter(slug=slug).delete()
    post = Post.objects.create(
        title=f"Benchmark post with {count} comments",
        slug=slug,
        author=author,
        body="A post for measuring. " * 40,
        status=Post.Status.PUBLISHED,
        published_at=timezone.now() - datetime.timedelta(days=10),
    )
    last_tree = Comment.objects.order_by("-tree_id").values_list("tree_id", flat=True).first()
    next_tree = (last_tree or 0) + 1
    start = timezone.now() - datetime.timedelta(days=9)
    nodes: list[dict] = []  # in creation order
    threads: list[list[int]] = []
    for index in range(count):
        if not threads or rng.random() < 0.2:
            parent = None
            threads.append([index])
        else:
            thread = threads[-1] if rng.random() < 0.7 else rng.choice(threads)
            candidates = [n for n in thread if nodes[n]["level"] < 3]
            parent = rng.choice(candidates)
            thread.append(index)
        level = 0 if parent is None else nodes[parent]["level"] + 1
        nodes.append({"parent": parent, "level": level, "children": []})
        if parent is not None:
            nodes[parent]["children"].append(index)
    comments: list[Comment] = []
    for thread_no, thread in enumerate(threads):
        counter = 1

        def walk(index: int, counter: int) -> int:
            node = nodes[index]
            node["lft"] = counter
            counter += 1
            for child in node["children"]:
                counter = walk(child, counter)
            node["rght"] = counter
            return counter + 1

        walk(thread[0], counter)
        for index in thread:
            node = nodes[index]
            node["tree_id"] = next_tree + thread_no
    # Ids come from the table's sequence up front, so parents are known at insert time
    # and one bulk insert writes the whole discussion.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Comment._meta.db_table, count],
        )
        ids = [row[0] for row in cursor.fetchall()]
    # A pool of distinct texts, each rendered once: linkify is the slow part of seeding.
    pool = [_text(rng, index) for index in range(min(count, 300))]
    rendered = {body: render_comment(body) for body in pool}
    for index, node in enumerate(nodes):
        body = pool[index % len(pool)]
        node["body"] = body
        parent = node["parent"]
        comment = Comment(
            pk=ids[index],
            post=post,
            parent_id=ids[parent] if parent is not None else None,
            reply_to_id=ids[parent] if parent is not None else None,
            quote=" ".join(nodes[parent]["body"].split()[:6])
            if parent is not None and index % 4 == 0
            else "",
            author_name="" if index % 3 == 0 else f"Reader {index % 97}",
            author_email=f"reader{index % 97}@example.org",
            body=body,
            body_html=rendered[body],
            status=status,
            submitted_at=start + datetime.timedelta(minutes=index),
            lft=node["lft"],
            rght=node["rght"],
            tree_id=node["tree_id"],
            level=node["level"],
        )
        comments.append(comment)
    created = Comment.objects.bulk_create(comments, batch_size=1000)
    CommentRevision.objects.bulk_create(
        [CommentRevision(comment=c, body=c.body, quote=c.quote, reason="bench") for c in created],
        batch_size=1000,
    )
    return post
