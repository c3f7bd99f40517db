"""Exactly once: a comment sent twice (Back, then Post again; a double click) is stored once.

Two nets, the second under the first:

1. **A one-time key** rides in the form's hidden ``once`` field. The cached post page is the
   same bytes for every reader, so its form carries none: ``static/js/once.js`` makes one
   in the browser when the reader posts, and keeps it (with the parent and the text) in
   ``sessionStorage`` so that after Back the form is re-attached to the comment it
   answers and sends the same key. Pages made for one reader (the reply page that works
   without JavaScript, a form sent back with errors) carry a key made here. A stored
   comment's key is remembered in the cache for ``KEY_TTL``; the same key with the same
   text again is that comment, not a new one.
2. **The same text from the same writer** on the same post within
   ``COMMENTS_REPEAT_WINDOW_MINUTES`` is a repeat too: this covers the cached form without
   JavaScript, and a cache that forgot the key. The writer is the same account, or the
   reader's own comments (the signed ``comments_mine`` cookie); an address hash or a typed
   email counts only for a published comment, so nobody learns a held comment's text by
   guessing it under another reader's address.

A repeat raises ``AlreadyPosted`` with the first comment: the view takes the writer to it
("You already posted this") when it sits where they were writing, and otherwise refuses
with a link to it. Each writer's submissions to a post pass one at a time (a session-level
advisory lock), so a double click cannot slip both copies past the check.
"""

import datetime
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from .models import Comment
from .policy import count_attempt
from .services import Submission, comment_submit, hash_ip
from .text import clean_input, normalise_email

KEY_FIELD = "once"
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
KEY_TTL = 24 * 3600  # a Back and Post again the next morning is still the same comment
# pg_advisory_lock(int, int)'s first key for "one writer's submissions to one post".
ONCE_LOCK = 0x4F6E6365  # "Once"
# What the writer sees as posted (or awaiting moderation): a repeat of a rejected or
# removed comment is the writer's to try again, and the moderator's to judge again.
STANDING = [Comment.Status.PENDING, Comment.Status.APPROVED, Comment.Status.SPAM]


class AlreadyPosted(Exception):
    """The submission repeats ``comment``; nothing new was stored."""

    def __init__(self, comment: Comment):
        super().__init__(f"repeat of comment {comment.pk}")
        self.comment = comment


def new_key() -> str:
    return secrets.token_urlsafe(18)


def key_from(request) -> str:
    """The one-time key the form sent, or "" when it sent none (or not one of ours)."""
    key = request.POST.get(KEY_FIELD, "")
    return key if KEY_PATTERN.fullmatch(key) else ""


def form_key(request) -> str:
    """The key for a form page made for one reader: the one they sent, or a new one."""
    return (key_from(request) if request.method == "POST" else "") or new_key()


def window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.COMMENTS_REPEAT_WINDOW_MINUTES)


def _cache_key(post_id: int, key: str) -> str:
    return f"comments:once:{post_id}:{key}"


def remember(*, comment: Comment, key: str) -> None:
    if key:
        cache.set(_cache_key(comment.post_id, key), comment.pk, KEY_TTL)


# One fixed statement, not an ORM query built per submission (building one costs about
# what the database takes to run it: tests/perf/test_insert_statements.py). The window
# comes first for the planner: the submitted_at index finds the last minutes' rows.
REPEAT_SQL = f"""
SELECT id FROM {Comment._meta.db_table}
WHERE submitted_at >= %(since)s AND post_id = %(post)s AND body = %(body)s
  AND status = ANY(%(standing)s)
  AND (
    user_id = %(user)s
    OR (%(user)s IS NULL AND (
      id = ANY(%(own)s)
      OR (status = 'approved' AND %(ip)s <> '' AND ip_hash = %(ip)s)
      OR (status = 'approved' AND %(email)s <> '' AND UPPER(author_email) = UPPER(%(email)s))
    ))
  )
ORDER BY submitted_at, id LIMIT 1
"""  # noqa: S608 - our table name; the values are parameters


def repeat_of(
    *, post, body: str, key: str = "", user=None, email: str = "", ip_hash: str = "",
    own: set[int] | frozenset[int] = frozenset(),
) -> Comment | None:  # fmt: skip
    """The writer's earlier comment on ``post`` that this submission repeats, if any.

    ``body`` is the text as sent (compared as it is stored); ``own`` are the ids in the
    reader's ``comments_mine`` cookie. The writer is the account when signed in; else the
    own comments, or a published comment's address hash or email.
    """
    body = clean_input(body)
    comments = Comment.objects.for_post(post).filter(body=body, status__in=STANDING)
    keyed = cache.get(_cache_key(post.pk, key)) if key else None
    if keyed and (found := comments.filter(pk=keyed).first()) is not None:
        return found
    signed_in = user is not None and user.is_authenticated
    params = {
        "since": timezone.now() - window(),
        "post": post.pk,
        "body": body,
        "standing": [str(status) for status in STANDING],
        "user": user.pk if signed_in else None,
        "own": sorted(own),
        "ip": ip_hash,
        "email": normalise_email(email),
    }
    with connection.cursor() as cursor:
        cursor.execute(REPEAT_SQL, params)
        row = cursor.fetchone()
    return comments.filter(pk=row[0]).first() if row else None


@contextmanager
def one_at_a_time(*, post, user=None, ip_hash: str = "") -> Iterator[None]:
    """Hold one writer's submissions to ``post`` to one at a time, until the block ends
    (its comment committed): a session lock, as the block spans the service's own
    transactions."""
    who = f"user:{user.pk}" if user is not None and user.is_authenticated else ip_hash
    if not who or connection.in_atomic_block:
        # Inside an outer transaction the lock would be let go before its commit, when a
        # second submission could not yet see the first: it would prove nothing.
        yield
        return
    name = f"{post.pk}:{who}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", [ONCE_LOCK, name])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", [ONCE_LOCK, name])


def comment_submit_once(
    *, post, submission: Submission, key: str = "", own: set[int] | frozenset[int] = frozenset(),
    parent: Comment | None = None, user=None, ip: str = "", user_agent: str = "",
) -> Comment:  # fmt: skip
    """``comment_submit``, exactly once: raises ``AlreadyPosted`` (and stores nothing) when
    this repeats the writer's earlier comment (see the module's docstring). A repeat counts
    against the address's rate limit like any other use of the form."""
    user = user if user is not None and user.is_authenticated else None
    ip_hash = hash_ip(ip)
    with one_at_a_time(post=post, user=user, ip_hash=ip_hash):
        first = repeat_of(
            post=post, body=submission.body, key=key, user=user,
            email=submission.author_email, ip_hash=ip_hash, own=own,
        )  # fmt: skip
        if first is not None:
            count_attempt(post=post, user=user, ip_hash=ip_hash)
            raise AlreadyPosted(first)
        comment = comment_submit(
            post=post, submission=submission, parent=parent, user=user, ip=ip,
            user_agent=user_agent,
        )  # fmt: skip
        remember(comment=comment, key=key)
    return comment


def in_same_place(first: Comment, parent: Comment | None) -> bool:
    """Whether ``first`` answers the comment this submission answers (or neither answers
    one): then the writer simply sent it again, and is shown it."""
    return first.reply_to_id == (parent.pk if parent is not None else None)
