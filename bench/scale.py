"""``make bench-scale``: the pages and moderation actions at a small corpus and at a large
one (10,000 posts, 1,000,000 comments, 50,000 pending), side by side (issue 15, item 5).

Creates its own database (``colloquy_scale``) on the server named by ``DATABASE_URL``,
seeds the small corpus with COPY (``bench/scale_seed.py``), measures every case
in-process through Django's test client, grows the same database to the large corpus
(older posts added behind the same newest ones), measures again, checks the comment trees,
and drops the database, also when something fails. Prints a table and writes
``bench/results/scale.json``. Run it as ``make bench-scale``, or
``python -m config.devdb -- python -m bench.scale --help``.
"""

import argparse
import datetime
import json
import os
import platform
import random
import signal
import statistics
import sys
import time
from pathlib import Path

from . import database
from .server import ROOT

START = time.monotonic()
TARGET = 1.5


def log(message: str) -> None:
    print(f"[{time.monotonic() - START:6.1f} s] {message}", file=sys.stderr, flush=True)


def corpus(text: str) -> tuple[int, int, int]:
    posts, comments, pending = (int(part) for part in text.split(","))
    return posts, comments, pending


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.scale", description=__doc__.split("\n")[0]
    )
    arg = parser.add_argument
    arg(
        "--small",
        type=corpus,
        default=(100, 10_000, 2_000),
        help="posts,comments,pending of the small corpus (default: 100,10000,2000)",
    )
    arg(
        "--large",
        type=corpus,
        default=(10_000, 1_000_000, 50_000),
        help="posts,comments,pending of the large corpus (default: 10000,1000000,50000)",
    )
    arg(
        "--runs", type=int, default=15, help="requests per case, median kept (default: %(default)s)"
    )
    arg(
        "--spam", type=int, default=1000, help="comments marked spam in bulk (default: %(default)s)"
    )
    arg(
        "--check-sample",
        type=int,
        default=5000,
        help="threads checked at the large corpus; 0: all (default: %(default)s)",
    )
    arg(
        "--sitemap-page",
        type=int,
        default=100,
        help="SITEMAP_PAGE_SIZE for the sitemap cases, the same at both sizes, so that a "
        "page holds as many URLs in both (default: %(default)s)",
    )
    arg("--database", default="colloquy_scale", help="database to create and drop")
    arg("--keep", action="store_true", help="keep the database afterwards")
    arg("--results", type=Path, default=ROOT / "bench" / "results", help="output folder")
    return parser.parse_args(argv)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    server_url = os.environ.get("DATABASE_URL")
    if not server_url:
        print("DATABASE_URL is not set: run `make bench-scale`, or", file=sys.stderr)
        print("  python -m config.devdb -- python -m bench.scale", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    load_before = os.getloadavg()
    log(f"creating database {args.database}")
    scale_url = database.create(server_url, args.database)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.bench",
            "DATABASE_URL": scale_url,
            "BENCH_CACHE": "locmem",
            "POST_PAGE_CACHE_SECONDS": "0",
        }
    )
    try:
        results = measure_all(args)
    finally:
        database.release()
        if not args.keep:
            log(f"dropping database {args.database}")
            database.drop(server_url, args.database)
    results["machine"] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "postgresql": database.server_version(server_url),
        "load_before": [round(value, 2) for value in load_before],
        "load_after": [round(value, 2) for value in os.getloadavg()],
    }
    results["date"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    results["runtime_s"] = round(time.monotonic() - START, 1)
    args.results.mkdir(parents=True, exist_ok=True)
    path = args.results / "scale.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print(f"Wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


def measure_all(args) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    from comments import tree

    from . import scale_seed

    log("migrating")
    call_command("migrate", verbosity=0)
    posts, comments, pending = args.small
    log(f"seeding the small corpus: {posts:,} posts, {comments:,} comments, {pending:,} pending")
    began = time.monotonic()
    small = scale_seed.seed(posts=posts, comments=comments, pending=pending, seed=1)
    small_seconds = time.monotonic() - began
    vacuum()
    problems = tree.check_trees()
    if problems:
        raise RuntimeError(f"small corpus: {len(problems)} tree problems, first {problems[0]}")
    cases = Cases(small.posts[0], args)
    log("measuring the small corpus")
    measured_small = cases.measure()

    more = [large - small for large, small in zip(args.large, args.small, strict=True)]
    log(f"growing to the large corpus: +{more[0]:,} posts, +{more[1]:,} comments, "
        f"+{more[2]:,} pending")  # fmt: skip
    began = time.monotonic()
    scale_seed.seed(posts=more[0], comments=more[1], pending=more[2], seed=2)
    large_seconds = time.monotonic() - began
    log(f"seeded in {large_seconds:.0f} s; vacuuming")
    vacuum()
    log("checking comment trees")
    checked = check_sample(args.check_sample)
    log("measuring the large corpus")
    measured_large = cases.measure()
    return {
        "small": {"corpus": dict(zip(["posts", "comments", "pending"], args.small, strict=True)),
                  "seed_s": round(small_seconds, 1), "cases": measured_small},
        "large": {"corpus": dict(zip(["posts", "comments", "pending"], args.large, strict=True)),
                  "seed_s": round(large_seconds, 1), "cases": measured_large,
                  "trees_checked": checked},
        "runs": args.runs,
        "target_ratio": TARGET,
    }  # fmt: skip


def vacuum() -> None:
    """VACUUM ANALYZE the seeded tables, as autovacuum would soon after a bulk load: until
    the visibility map is set, every index-only scan (counts, the sidebar's months) reads
    the table too, and the large corpus would be measured in a state no site stays in."""
    from django.db import connection

    from blog.models import Post, TaggedPost
    from comments.models import Comment

    with connection.cursor() as cursor:
        for model in (Post, TaggedPost, Comment):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


def check_sample(size: int) -> int:
    """Check ``size`` random threads (0: all), raising on any problem; how many checked."""
    from comments import tree
    from comments.models import Comment

    ids = None
    if size:
        last = Comment.objects.order_by("-tree_id").values_list("tree_id", flat=True).first()
        ids = random.Random(3).sample(range(1, last + 1), min(size, last))
    problems = tree.check_trees(ids)
    if problems:
        raise RuntimeError(f"{len(problems)} tree problems, first: {problems[0]}")
    return len(ids) if ids is not None else Comment.objects.filter(parent=None).count()


class Cases:
    """The measured requests, the same at both corpus sizes."""

    def __init__(self, post_id: int, args):
        from blog.models import Post

        self.post = Post.objects.get(pk=post_id)
        self.args = args

    def paths(self) -> dict[str, str]:
        from django.urls import reverse

        post = self.post
        published = post.published_at
        return {
            "home": reverse("blog:post_list"),
            "series": reverse("blog:series", kwargs={"slug": "researchspeak"}),
            "archive": reverse(
                "blog:month_archive", kwargs={"year": published.year, "month": published.month}
            ),
            "search (rare term)": reverse("blog:search") + "?q=ocrelizumab",
            "search (common term)": reverse("blog:search") + "?q=infusion+trial",
            "comment feed": reverse("comments:feed", kwargs={"slug": post.slug}),
            "sitemap index": reverse("sitemap"),
        }

    def sitemap_paths(self) -> dict[str, str]:
        """The first and last page of the posts' sitemap (pages of ``--sitemap-page``)."""
        from django.urls import reverse

        from blog.sitemaps import PostSitemap

        pages = PostSitemap().paginator.num_pages
        first = reverse("sitemap-section", kwargs={"section": "posts"})
        return {"sitemap, first page": first, "sitemap, last page": f"{first}?p={pages}"}

    def measure(self) -> dict[str, dict]:
        from django.test import override_settings

        from comments.models import Comment

        from . import inprocess

        reader = inprocess.reader_client()
        results: dict[str, dict] = {}
        post_path = self.post.get_absolute_url()
        shown = Comment.objects.visible().filter(post=self.post).count()
        with override_settings(POST_PAGE_CACHE_SECONDS=0):
            results["post page, cold"] = timed(reader, {"": post_path}, self.args.runs)[""]
        results["post page, cold"]["note"] = f"{shown} comments"
        with override_settings(POST_PAGE_CACHE_SECONDS=300):
            results["post page, warm"] = timed(reader, {"": post_path}, self.args.runs)[""]
        with override_settings(POST_PAGE_CACHE_SECONDS=0):
            results.update(timed(reader, self.paths(), self.args.runs))
        # A sitemap page's cost is its URLs': pages of the same size at both corpus sizes
        # show what the corpus adds (the default page holds 100 URLs in the small corpus
        # and 10,000 in the large).
        with override_settings(SITEMAP_PAGE_SIZE=self.args.sitemap_page):
            results.update(timed(reader, self.sitemap_paths(), self.args.runs))
        for name in ("sitemap, first page", "sitemap, last page"):
            results[name]["note"] = f"pages of {self.args.sitemap_page} URLs"
        results.update(self.moderation())
        return results

    def moderation(self) -> dict[str, dict]:
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        from comments.models import Comment

        from . import inprocess

        client = Client(HTTP_HOST="localhost")
        client.force_login(
            inprocess.moderator(), backend="django.contrib.auth.backends.ModelBackend"
        )
        queue = reverse("admin:moderation_pendingcomment_changelist")
        pending_list = reverse("admin:comments_comment_changelist") + "?status__exact=pending"
        with_pending = (
            Comment.objects.pending().values_list("post_id", flat=True).order_by("post_id").first()
        )
        results = timed(
            client,
            {
                "queue, first page": queue,
                "queue, by post": f"{pending_list}&post__id__exact={with_pending}",
                "queue, by reason": f"{pending_list}&reason=links",
            },
            self.args.runs,
        )
        # Bulk spam through the queue's own form, in posts of 500 ids (Django refuses a
        # form of more than 1,000 fields), as a moderator selecting pages of the queue.
        chosen = list(
            Comment.objects.pending()
            .order_by("submitted_at", "pk")
            .values_list("pk", flat=True)[: self.args.spam]
        )
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            for start in range(0, len(chosen), 500):
                response = client.post(
                    queue, {"action": "spam", "selected": chosen[start : start + 500]}
                )
                if response.status_code != 302:
                    raise RuntimeError(f"bulk spam answered {response.status_code}")
            seconds = time.perf_counter() - began
        spammed = Comment.objects.filter(pk__in=chosen, status=Comment.Status.SPAM).count()
        if spammed != len(chosen):
            raise RuntimeError(f"bulk spam changed {spammed} of {len(chosen)}")
        results[f"bulk spam of {len(chosen):,}"] = {
            "ms": round(seconds * 1000, 1), "queries": len(captured),
            "note": f"{seconds * 1000 / len(chosen):.2f} ms a comment",
        }  # fmt: skip
        approvals = list(
            Comment.objects.pending()
            .order_by("submitted_at", "pk")
            .values_list("pk", flat=True)[: self.args.runs]
        )
        times, queries = [], 0
        for pk in approvals:
            connection.queries_log.clear()  # a full log (9,000) miscounts
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                response = client.post(queue, {"action": "approve", "comment": pk})
                times.append(time.perf_counter() - began)
            queries = len(captured)
            if response.status_code != 302:
                raise RuntimeError(f"approval answered {response.status_code}")
        if Comment.objects.filter(pk__in=approvals, status=Comment.Status.APPROVED).count() != len(
            approvals
        ):
            raise RuntimeError("an approval did not approve")
        results["one approval"] = summary(times, queries)
        return results


def summary(times: list[float], queries: int) -> dict:
    return {
        "ms": round(statistics.median(times) * 1000, 2),
        "min_ms": round(min(times) * 1000, 2),
        "queries": queries,
    }


def timed(client, paths: dict[str, str], runs: int) -> dict[str, dict]:
    """Median milliseconds and queries of GET ``paths``, ``runs`` times each after one
    warm-up; the paths take turns, so a burst of other work slows them alike."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times: dict[str, list[float]] = {name: [] for name in paths}
    queries: dict[str, int] = {}
    for run in range(runs + 1):
        for name, path in paths.items():
            connection.queries_log.clear()  # a full log (9,000) miscounts
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                response = client.get(path)
                elapsed = time.perf_counter() - began
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} answered {response.status_code}")
            queries[name] = len(captured)
            if run:
                times[name].append(elapsed)
    return {
        name: {"path": path, **summary(times[name], queries[name])} for name, path in paths.items()
    }


def table(results: dict) -> str:
    small, large = results["small"], results["large"]
    head = (
        f"{'case':28} {'small ms':>10} {'large ms':>10} {'ratio':>6}  {'queries':>9}  "
        f"(small: {small['corpus']['posts']:,} posts, {small['corpus']['comments']:,} comments; "
        f"large: {large['corpus']['posts']:,} posts, {large['corpus']['comments']:,} comments)"
    )
    lines = [head]
    for name, before in small["cases"].items():
        after = large["cases"].get(name)
        if after is None:
            continue
        ratio = after["ms"] / before["ms"] if before["ms"] else float("nan")
        mark = "" if ratio <= results["target_ratio"] else "  > target"
        lines.append(
            f"{name:28} {before['ms']:10.1f} {after['ms']:10.1f} {ratio:6.2f}  "
            f"{before['queries']:>4}/{after['queries']:<4}{mark}"
        )
    lines.append(
        f"seeding: small {small['seed_s']} s, large (added) {large['seed_s']} s; "
        f"{large['trees_checked']:,} threads checked"
    )
    machine = results.get("machine", {})
    if machine:
        lines.append(f"load average before {machine['load_before']}, after {machine['load_after']}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
