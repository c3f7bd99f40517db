"""Only ``make bench``'s posting case: 16 clients replying through gunicorn's 2 sync
workers, with the CPU each side used per POST (issue 15 item 4).

    python -m config.devdb -- python -m bench.posting [--seconds 10] [--clients 16]

Seeds its own database (the 1,000-comment post, the rate limit off, as ``bench.run``),
starts one gunicorn with the page cache on, posts, checks every thread, and drops the
database. The run's figures are printed as JSON.
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import psutil

from . import database, load
from .run import choose_cache, forget_cache, log
from .server import Gunicorn


def postgres_cpu_seconds() -> float:
    """CPU time used so far by the machine's PostgreSQL processes (of those still running:
    the web workers keep their connections, so their backends live through the run)."""
    total = 0.0
    for process in psutil.process_iter(["name", "cpu_times"]):
        if process.info["name"] in ("postgres", "postmaster") and process.info["cpu_times"]:
            total += process.info["cpu_times"].user + process.info["cpu_times"].system
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.posting", description=__doc__)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", default="colloquy_bench_posting")
    args = parser.parse_args(argv)
    server_url = os.environ.get("DATABASE_URL")
    if not server_url:
        print("run as: python -m config.devdb -- python -m bench.posting", file=sys.stderr)
        return 2
    cache, _note = choose_cache("auto")
    prefix = f"colloquy-bench-posting-{os.getpid()}"
    os.environ.update(
        {"DJANGO_SETTINGS_MODULE": "config.settings.bench",
         "DATABASE_URL": database.create(server_url, args.database),
         "BENCH_CACHE": cache, "BENCH_CACHE_PREFIX": prefix, "POST_PAGE_CACHE_SECONDS": "300"}
    )  # fmt: skip
    server = None
    try:
        import django

        django.setup()
        from django.db import connections

        from comments.models import Comment
        from comments.tree import check_trees

        from .fixtures import prepare

        posts, _queue, emails = prepare([1000], 0, log=log)
        post = posts[1000]
        parents = list(
            post.comments.filter(status=Comment.Status.APPROVED).values_list("pk", flat=True)
        )
        connections.close_all()
        server = Gunicorn("posting", {}, Path(tempfile.mkdtemp()), workers=args.workers)
        server.start()
        load_before = os.getloadavg()[0]
        workers_before, postgres_before = server.cpu_seconds(), postgres_cpu_seconds()
        posting = load.post_comments(
            server.port, page_path=post.get_absolute_url(), post_id=post.pk, parents=parents,
            emails=emails, clients=args.clients, seconds=args.seconds,
        )  # fmt: skip
        posting["worker_cpu_ms_per_post"] = (
            (server.cpu_seconds() - workers_before) * 1000 / max(posting["attempts"], 1)
        )
        # Every PostgreSQL process on the machine: other users' work counts too.
        posting["postgres_cpu_ms_per_post"] = (
            (postgres_cpu_seconds() - postgres_before) * 1000 / max(posting["attempts"], 1)
        )
        posting["load_average"] = [load_before, os.getloadavg()[0]]
        posting["tree_problems"] = len(check_trees())
        print(json.dumps(posting, indent=1))
    finally:
        if server is not None:
            server.stop()
        database.release()
        database.drop(server_url, args.database)
        if cache == "redis":
            forget_cache(prefix)
    return 0


if __name__ == "__main__":
    sys.exit(main())
