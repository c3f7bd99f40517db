"""``make bench-queue``: the moderation queue's first page with 10,000 comments waiting
(issue 13 item 6: at most 300 ms).

Creates a database of its own on the server named by ``DATABASE_URL`` (dropped after),
migrates it, and seeds with bulk inserts: ``--pending`` held comments (each its own
thread) from writers who also have earlier comments, some with links, some with the
learned filter's "spam score" reason, a share of their addresses confirmed. Then a
moderator opens the queue's first page through Django's test client ``--runs`` times
(after one warm-up request) and the last page once as a check; prints a table and writes
``bench/results/queue.json``.

    python -m config.devdb -- .venv/bin/python -m bench.queue [--pending 10000 --runs 9]
"""

import argparse
import datetime
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

from .words import WORDS

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "queue.json"
TARGET_MS = 300


def seed(pending: int, rng: random.Random) -> dict:
    """``pending`` held comments and ``pending // 2`` earlier decided ones, in bulk."""
    from django.contrib.auth import get_user_model
    from django.db import models, transaction
    from django.utils import timezone

    from blog.models import Post
    from comments.models import Comment, EmailAddress
    from comments.reasons import Kind, reason

    User = get_user_model()
    author = User.objects.create_user("bench-author", is_staff=True)
    posts = [
        Post.objects.create(
            title=f"Post {n}",
            slug=f"post-{n}",
            author=author,
            body="…",
            status=Post.Status.PUBLISHED,
            published_at=timezone.now() - datetime.timedelta(days=30),
        )  # fmt: skip
        for n in range(20)
    ]
    writers = max(1, pending // 3)
    start = timezone.now() - datetime.timedelta(days=10)
    rows = []

    def comment(n: int, status: str, when: datetime.datetime) -> Comment:
        writer = rng.randrange(writers)
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 60)))
        if rng.random() < 0.3:
            words += f" https://site{rng.randrange(200)}.example/page"
        reasons = []
        if status == Comment.Status.PENDING:
            reasons = [reason(Kind.FIRST)]
            if rng.random() < 0.5:
                reasons.append(
                    reason(Kind.SPAM_SCORE, score=round(rng.random(), 2), decisions=1204)
                )
        email = "" if writer % 10 == 0 else f"Writer{writer}@Example.org"
        return Comment(
            post=posts[n % len(posts)], author_name=f"Writer {writer}", author_email=email,
            body=words, body_html=f"<p>{words}</p>", status=status, status_reasons=reasons,
            submitted_at=when, ip_hash=f"{writer:064x}", lft=1, rght=2, tree_id=n + 1, level=0,
        )  # fmt: skip

    for n in range(pending + pending // 2):
        status = Comment.Status.PENDING if n < pending else Comment.Status.APPROVED
        rows.append(comment(n, status, start + datetime.timedelta(seconds=n)))
    began = time.perf_counter()
    with transaction.atomic():
        # The plain QuerySet's bulk insert: each row is a whole tree of its own (lft 1,
        # rght 2), so the tree manager has nothing to place.
        models.QuerySet(Comment).bulk_create(rows, batch_size=2000)
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(email=f"writer{w}@example.org", created_at=start, confirmed_at=start)
                for w in range(0, writers, 3)
            ],
            batch_size=2000,
        )
    return {"comments": len(rows), "seconds": round(time.perf_counter() - began, 2)}


def measure(runs: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from comments.models import Comment

    moderator = get_user_model().objects.create_superuser("bench-mod", "m@bench.example", None)
    client = Client(HTTP_HOST="localhost")
    client.force_login(moderator)
    queue = reverse("admin:moderation_pendingcomment_changelist")

    def get(path):
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        return response

    get(queue)  # warm-up: URL resolving, templates, the session
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        response = get(queue)
        times.append((time.perf_counter() - began) * 1000)
    with CaptureQueriesContext(connection) as captured:
        get(queue)
    queries = [
        f"{float(q['time']) * 1000:.2f} ms  {' '.join(q['sql'].split())[:140]}"
        for q in captured.captured_queries
    ]
    page = response.content
    pending = Comment.objects.filter(status=Comment.Status.PENDING).count()
    last_page = -(-pending // 50)
    began = time.perf_counter()
    last = get(f"{queue}?page={last_page}")
    last_ms = (time.perf_counter() - began) * 1000
    return {
        "pending": pending,
        "cards_shown": page.count(b'<article class="queue-item"'),
        "says_how_many": f"{pending:,} comments are waiting".encode() in page
        or f"{pending} comments are waiting".encode() in page,
        "first_page_ms": [round(t, 1) for t in times],
        "first_page_ms_median": round(statistics.median(times), 1),
        "first_page_ms_max": round(max(times), 1),
        "first_page_queries": len(queries),
        "query_log": queries,
        "last_page": last_page,
        "last_page_cards": last.content.count(b'<article class="queue-item"'),
        "last_page_ms": round(last_ms, 1),
        "bytes": len(page),
    }


def table(result: dict) -> str:
    verdict = "met" if result["first_page_ms_median"] <= TARGET_MS else "MISSED"
    lines = [
        f"{'pending':<28}{result['pending']:>10,}",
        f"{'cards on the first page':<28}{result['cards_shown']:>10}",
        f"{'first page, median ms':<28}{result['first_page_ms_median']:>10}",
        f"{'first page, slowest ms':<28}{result['first_page_ms_max']:>10}",
        f"{'first page, queries':<28}{result['first_page_queries']:>10}",
        f"{'last page (' + str(result['last_page']) + '), ms':<28}{result['last_page_ms']:>10}",
        f"target: median <= {TARGET_MS} ms: {verdict}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pending", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--output", default=str(RESULTS))
    parser.add_argument("--keep", action="store_true", help="keep the database (to explain)")
    args = parser.parse_args(argv)
    server_url = os.environ.get("DATABASE_URL")
    if not server_url:
        print("DATABASE_URL is not set: run `make bench-queue`", file=sys.stderr)
        return 2
    from bench import database

    name = f"colloquy_queue_{os.getpid()}"
    url = database.create(server_url, name)
    os.environ.update({"DJANGO_SETTINGS_MODULE": "config.settings.bench", "DATABASE_URL": url})
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone

        call_command("migrate", verbosity=0)
        seeded = seed(args.pending, random.Random(args.seed))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"seeded {seeded['comments']:,} comments in {seeded['seconds']} s", flush=True)
        result = measure(args.runs)
        report = {
            "when": timezone.now().isoformat(timespec="seconds"),
            "target_ms": TARGET_MS,
            "met": result["first_page_ms_median"] <= TARGET_MS,
            "seeded": seeded,
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                        "load_average": os.getloadavg(),
                        "postgresql": database.server_version(server_url)},
            **result,
        }  # fmt: skip
        print(table(result))
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"Wrote {args.output}")
    finally:
        database.release()
        if args.keep:
            print(f"kept database {name}")
        else:
            database.drop(server_url, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
