"""Measurements inside one process through Django's test client (same settings as the
server): queries per page, render cost per comment, insert time, the moderation queue.

Import after ``django.setup()``.
"""

import functools
import random
import re
import statistics
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment
from comments.services import Submission, comment_submit

from .load import BROWSER
from .words import WORDS

COMMENT_ITEM = re.compile(rb'<li id="comment-\d+"')


def snapshot(captured: CaptureQueriesContext) -> list[str]:
    """The captured queries with their times, copied at once: ``captured_queries`` slices
    the connection's log when read, and the next request resets that log."""
    return [
        f"{float(query['time']) * 1000:.2f} ms  {' '.join(query['sql'].split())[:160]}"
        for query in captured.captured_queries
    ]


class ReaderClient(Client):
    """Anonymous readers' browsers, a new one per request (no cookies kept), through one
    handler: a new Client would load the middleware again (whitenoise rescans the static
    files, ~100 ms) on its first request."""

    def __init__(self):
        # "localhost" is in the bench ALLOWED_HOSTS.
        super().__init__(HTTP_HOST="localhost", HTTP_USER_AGENT=BROWSER)

    def request(self, **request):
        self.cookies.clear()
        return super().request(**request)


@functools.cache
def reader_client() -> Client:
    return ReaderClient()


def _get(client: Client, path: str, expect: int = 200):
    response = client.get(path)
    if response.status_code != expect:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    return response


def query_count(path: str) -> int:
    _get(reader_client(), path)
    with CaptureQueriesContext(connection) as captured:
        _get(reader_client(), path)
    return len(captured)


def page_profile(path: str) -> dict:
    """Bytes, comments shown, and queries of one post page, cold and warm."""
    with override_settings(POST_PAGE_CACHE_SECONDS=0):
        _get(reader_client(), path)  # first request of the process: URL and template loading
        with CaptureQueriesContext(connection) as captured:
            response = _get(reader_client(), path)
        cold = snapshot(captured)
    with override_settings(POST_PAGE_CACHE_SECONDS=300):
        _get(reader_client(), path)  # fills the cache
        with CaptureQueriesContext(connection) as captured:
            _get(reader_client(), path)
        warm = snapshot(captured)
    return {
        "html": response.content,
        "bytes": len(response.content),
        "comments_shown": len(COMMENT_ITEM.findall(response.content)),
        "queries_cold": len(cold),
        "queries_warm": len(warm),
        "sql_cold": cold,
        "sql_warm": warm,
    }


def page_times(paths: list[str], runs: int = 20) -> list[list[float]]:
    """Seconds per cold render (page cache off) of each of ``paths``, ``runs`` times each
    after two more. The paths take turns, so a burst of other work on the machine slows
    every size alike instead of one."""
    times: list[list[float]] = [[] for _ in paths]
    with override_settings(POST_PAGE_CACHE_SECONDS=0):
        client = reader_client()
        for run in range(runs + 2):
            for index, path in enumerate(paths):
                began = time.perf_counter()
                _get(client, path)
                if run >= 2:
                    times[index].append(time.perf_counter() - began)
    return times


def insert_times(post, *, emails: list[str], runs: int = 20, seed: int = 7) -> list[float]:
    """Seconds per reply submitted through the service into random comments of ``post``."""
    rng = random.Random(seed)
    parents = list(
        Comment.objects.filter(post=post, status=Comment.Status.APPROVED).values_list(
            "pk", flat=True
        )
    )
    times = []
    for run in range(runs + 2):
        parent = Comment.objects.get(pk=rng.choice(parents))
        submission = Submission(
            body=" ".join(rng.choice(WORDS) for _ in range(30)),
            author_name="Bench writer",
            author_email=rng.choice(emails),
        )
        began = time.perf_counter()
        comment_submit(post=post, submission=submission, parent=parent, user_agent=BROWSER)
        if run >= 2:
            times.append(time.perf_counter() - began)
    return times


def moderator():
    user, _ = get_user_model().objects.get_or_create(
        username="bench-moderator", defaults={"is_staff": True}
    )
    user.groups.add(Group.objects.get(name="Moderators"))
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="comments", codename="can_moderate")
    )
    return get_user_model().objects.get(pk=user.pk)  # fresh permission cache


def moderation(post, *, approve: int = 100, runs: int = 5) -> dict:
    """The queue page with ``post``'s pending comments, and approving ``approve`` of them
    in one bulk admin action."""
    client = Client(HTTP_HOST="localhost")
    client.force_login(moderator(), backend="django.contrib.auth.backends.ModelBackend")
    queue = reverse("admin:moderation_pendingcomment_changelist")
    pending_before = Comment.objects.filter(status=Comment.Status.PENDING).count()
    _get(client, queue)
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = _get(client, queue)
            times.append(time.perf_counter() - began)
        queue_queries = len(queries)  # now: the next request resets the log it reads
    shown = response.content.count(b'name="selected"')
    chosen = list(
        Comment.objects.filter(post=post, status=Comment.Status.PENDING)
        .order_by("submitted_at", "pk")
        .values_list("pk", flat=True)[:approve]
    )
    with CaptureQueriesContext(connection) as action_queries:
        began = time.perf_counter()
        response = client.post(
            reverse("admin:comments_comment_changelist"),
            {"action": "approve_selected", "_selected_action": chosen, "index": 0},
        )
        approve_seconds = time.perf_counter() - began
    approve_queries = len(action_queries)
    if response.status_code != 302:
        raise RuntimeError(f"bulk approve answered {response.status_code}")
    approved = Comment.objects.filter(pk__in=chosen, status=Comment.Status.APPROVED).count()
    return {
        "pending": pending_before,
        "queue_rows_shown": shown,
        "queue_ms_median": statistics.median(times) * 1000,
        "queue_queries": queue_queries,
        "approve_count": approved,
        "approve_ms": approve_seconds * 1000,
        "approve_ms_per_comment": approve_seconds * 1000 / max(approved, 1),
        "approve_queries": approve_queries,
    }
