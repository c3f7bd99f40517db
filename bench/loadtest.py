"""Many readers posting at once: each accepted submission must be stored exactly once.

    make bench-load        # 2,000 submissions from 32 clients through 4 gunicorn workers

``submit_concurrently`` is also what tests/faults/test_load.py runs, smaller.
"""

import argparse
import datetime
import http.client
import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
HEADERS = {"User-Agent": "Mozilla/5.0 (colloquy load test)"}


def submit_concurrently(
    port: int, *, post_id: int, post_path: str, parents: list[int | None],
    clients: int, per_client: int, read_every: int = 0,
) -> dict:  # fmt: skip
    """``clients`` threads, each posting ``per_client`` comments (a random choice of
    ``parents``: None starts a thread) and reading the page every ``read_every`` posts.
    Returns each submission's marker → HTTP status, latencies and errors."""
    outcomes: dict[str, int] = {}
    latencies: list[float] = []
    reads: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        rng = random.Random(number)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            # The post page holds no token (the same bytes for every reader): fetch it as
            # comments.js does.
            conn.request("GET", "/comments/token/", headers=HEADERS)
            answer = conn.getresponse()
            token = json.loads(answer.read())["token"]
            cookie = answer.getheader("Set-Cookie", "").split(";")[0]
            for index in range(per_client):
                marker = uuid.uuid4().hex
                fields = {"csrfmiddlewaretoken": token, "body": f"Load {marker}"}
                parent = rng.choice(parents)
                if parent:
                    fields["parent"] = parent
                started = time.perf_counter()
                conn.request(
                    "POST", f"/comments/post/{post_id}/", body=urlencode(fields),
                    headers={**HEADERS, "Cookie": cookie,
                             "Content-Type": "application/x-www-form-urlencoded"},
                )  # fmt: skip
                response = conn.getresponse()
                response.read()
                with lock:
                    outcomes[marker] = response.status
                    latencies.append(time.perf_counter() - started)
                if read_every and index % read_every == 0:
                    conn.request("GET", post_path, headers={**HEADERS, "Cookie": cookie})
                    read = conn.getresponse()
                    read.read()
                    with lock:
                        reads.append(read.status)
        except Exception as error:  # noqa: BLE001 - reported by the caller
            with lock:
                errors.append(f"client {number}: {error!r}")
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return {
        "outcomes": outcomes,
        "latencies": latencies,
        "reads": reads,
        "errors": errors,
        "seconds": time.perf_counter() - started,
    }


def verify(outcomes: dict[str, int]) -> dict:
    """Compare what the clients were told with what the database holds."""
    from comments.models import Comment
    from comments.tree import check_trees

    stored: dict[str, int] = {}
    for body in Comment.objects.filter(body__startswith="Load ").values_list("body", flat=True):
        marker = body.removeprefix("Load ")
        stored[marker] = stored.get(marker, 0) + 1
    accepted = {marker for marker, status in outcomes.items() if 200 <= status < 400}
    return {
        "accepted": len(accepted),
        "refused": len(outcomes) - len(accepted),
        "stored_once": sum(1 for marker in accepted if stored.get(marker) == 1),
        "duplicated": sum(1 for count in stored.values() if count > 1),
        "lost": sum(1 for marker in accepted if marker not in stored),
        "stored_but_refused": sum(1 for m in stored if m in outcomes and m not in accepted),
        "unknown_stored": sum(1 for m in stored if m not in outcomes),
        "tree_problems": [str(problem) for problem in check_trees()],
    }


def seed_hot_threads(post, *, threads: int = 3, depth: int = 3) -> list[int | None]:
    """A few hot threads with reply chains: the parents the load aims at (None: new thread)."""
    from comments.services import comment_create_as_is

    targets: list[int | None] = [None] * threads
    for number in range(threads):
        parent = None
        for level in range(depth + 1):
            parent = comment_create_as_is(
                post=post, parent=parent, body=f"Hot thread {number}, level {level}",
                status="approved", submitted_at=post.published_at, source="load test",
            )  # fmt: skip
            targets.append(parent.pk)
    return targets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--submissions", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--read-every", type=int, default=4)
    args = parser.parse_args(argv)
    server_url = os.environ.get("DATABASE_URL")
    if not server_url:
        print("DATABASE_URL is not set: run `make bench-load`", file=sys.stderr)
        return 2
    from bench import database
    from bench.server import Gunicorn

    name = "colloquy_load"
    url = database.create(server_url, name)
    os.environ.update({"DJANGO_SETTINGS_MODULE": "config.settings.bench", "DATABASE_URL": url})
    work = Path(tempfile.mkdtemp(prefix="colloquy-load-"))
    server = None
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from bench.seed import seed_post
        from moderation.models import PolicySettings

        call_command("migrate", verbosity=0)
        rules = PolicySettings.current()
        rules.comments_per_minute = 0  # every client is 127.0.0.1
        rules.save()
        post = seed_post("load-test", 200)
        targets = seed_hot_threads(post)
        server = Gunicorn("load", {}, work, workers=args.workers)
        server.start()
        per_client = -(-args.submissions // args.clients)
        print(f"{args.clients} clients × {per_client} submissions, {args.workers} workers …")
        run = submit_concurrently(
            server.port, post_id=post.pk, post_path=post.get_absolute_url(), parents=targets,
            clients=args.clients, per_client=per_client, read_every=args.read_every,
        )  # fmt: skip
        server.stop()
        server = None
        checked = verify(run["outcomes"])
        latencies = sorted(run["latencies"]) or [0.0]
        quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
        result = {
            "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "clients": args.clients,
            "workers": args.workers,
            "submissions": len(run["outcomes"]),
            "page_reads": len(run["reads"]),
            "seconds": round(run["seconds"], 1),
            "accepted_per_s": round(checked["accepted"] / run["seconds"], 1),
            "latency_ms": {
                "p50": round(quantiles[49] * 1000, 1),
                "p95": round(quantiles[94] * 1000, 1),
                "p99": round(quantiles[98] * 1000, 1),
            },
            "client_errors": run["errors"][:10],
            **checked,
        }
        results_dir = Path(__file__).resolve().parent / "results"
        stamp = datetime.datetime.now().strftime("%Y-%m-%d-%H%M")
        (results_dir / f"load-{stamp}.json").write_text(json.dumps(result, indent=2) + "\n")
        (results_dir / "load-latest.json").write_text(json.dumps(result, indent=2) + "\n")
        for key, value in result.items():
            print(f"{key:>20}: {value}")
        ok = (
            not run["errors"] and checked["lost"] == 0 and checked["duplicated"] == 0
            and checked["stored_but_refused"] == 0 and not checked["tree_problems"]
        )  # fmt: skip
        print("every accepted submission stored exactly once" if ok else "PROBLEMS: see above")
        return 0 if ok else 1
    finally:
        if server is not None:
            server.stop()
        database.release()
        database.drop(server_url, name)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
