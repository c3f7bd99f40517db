"""Where the time of a benchmark case goes: cProfile in-process, same settings as the bench.

    python -m config.devdb -- .venv/bin/python -m bench.profile [--case NAME] [--top 25]

Seeds its own database (``colloquy_bench_profile``, dropped at the end), runs each case a
few times unprofiled (median wall time) and then under cProfile, and prints the
functions with the most time of their own and the most cumulative time.
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import sys
import time

from . import database

CASES = [
    "trivial", "page-0-cold", "page-1000-cold", "page-100-warm", "insert", "post-view", "queue",
    "approve-5",
]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("--case", choices=CASES, action="append", help="default: all")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    server_url = os.environ.get("DATABASE_URL")
    if not server_url:
        print("run as: python -m config.devdb -- python -m bench.profile", file=sys.stderr)
        return 2
    name = "colloquy_bench_profile"
    url = database.create(server_url, name)
    os.environ.update(
        {"DJANGO_SETTINGS_MODULE": "config.settings.bench", "DATABASE_URL": url,
         "BENCH_CACHE": "locmem", "POST_PAGE_CACHE_SECONDS": "0"}
    )  # fmt: skip
    try:
        import django

        django.setup()
        profile_cases(args)
    finally:
        database.release()
        database.drop(server_url, name)
    return 0


def profile_cases(args) -> None:
    from django.test import Client, override_settings
    from django.urls import reverse

    from comments.models import Comment
    from comments.services import Submission, comment_submit

    from .fixtures import prepare
    from .inprocess import moderator, reader_client
    from .words import WORDS

    posts, queue_post, emails = prepare([0, 100, 1000], 500, log=lambda message: None)
    rng = random.Random(3)
    parents = list(
        Comment.objects.filter(post=posts[1000], status=Comment.Status.APPROVED).values_list(
            "pk", flat=True
        )
    )

    def page(size: int, seconds: int):
        path = posts[size].get_absolute_url()

        def run():
            response = reader_client().get(path)
            assert response.status_code == 200, response.status_code

        # Set for the whole case, not per request: a settings change forgets what is kept
        # per process ({% fixed %}), which a real server would not do on every page.
        run.settings = {"POST_PAGE_CACHE_SECONDS": seconds}
        return run

    def trivial():
        assert reader_client().get("/bench/trivial/").status_code == 200

    def insert():
        parent = Comment.objects.get(pk=rng.choice(parents))
        submission = Submission(
            body=" ".join(rng.choice(WORDS) for _ in range(30)),
            author_name="Bench writer",
            author_email=rng.choice(emails),
        )
        comment_submit(post=posts[1000], submission=submission, parent=parent)

    def post_view():
        client = reader_client()
        response = client.post(
            f"/comments/post/{posts[1000].pk}/",
            {
                "body": " ".join(rng.choice(WORDS) for _ in range(30)),
                "author_name": "Bench writer",
                "author_email": rng.choice(emails),
                "parent": rng.choice(parents),
            },
        )
        assert response.status_code == 302, response.status_code

    staff = Client(HTTP_HOST="localhost")
    staff.force_login(moderator(), backend="django.contrib.auth.backends.ModelBackend")

    def queue():
        response = staff.get(reverse("admin:moderation_pendingcomment_changelist"))
        assert response.status_code == 200, response.status_code

    def approve_5():
        chosen = list(
            Comment.objects.filter(post=queue_post, status=Comment.Status.PENDING).values_list(
                "pk", flat=True
            )[:5]
        )
        response = staff.post(
            reverse("admin:comments_comment_changelist"),
            {"action": "approve_selected", "_selected_action": chosen, "index": 0},
        )
        assert response.status_code == 302, response.status_code

    cases = {
        "trivial": trivial,
        "page-0-cold": page(0, 0),
        "page-1000-cold": page(1000, 0),
        "page-100-warm": page(100, 300),
        "insert": insert,
        "post-view": post_view,
        "queue": queue,
        "approve-5": approve_5,
    }
    for name in args.case or CASES:
        function = cases[name]
        with override_settings(**getattr(function, "settings", {})):
            profile_case(name, function, args)


def profile_case(name: str, function, args) -> None:
    for _ in range(3):
        function()
    times = []
    for _ in range(args.runs):
        began = time.perf_counter()
        function()
        times.append(time.perf_counter() - began)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.runs):
        function()
    profiler.disable()
    print(f"\n===== {name}: median {statistics.median(times) * 1000:.2f} ms unprofiled =====")
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order)
        stats.print_stats(args.top)
        body = out.getvalue()
        print(f"--- by {order} (totals for {args.runs} calls) ---")
        print(body[body.index("   ncalls") :] if "   ncalls" in body else body)


if __name__ == "__main__":
    sys.exit(main())
