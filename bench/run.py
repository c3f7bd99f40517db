"""``make bench``: the post page at several thread sizes against the cheapest responses
the same stack serves, measured side by side in one run (issue 6).

Creates its own database (``colloquy_bench``) on the server named by ``DATABASE_URL``,
seeds it, starts two gunicorns (page cache off: "cold"; on: "warm"), loads them with wrk,
posts comments from 16 concurrent clients, measures queries, render, insert and
moderation costs in-process, then stops the servers and drops the database, also when
something fails. Prints a table and writes ``bench/results/<date>.json`` and ``.svg``
(and ``latest.*``). Run it as ``make bench``, or
``python -m config.devdb -- python -m bench.run --help``.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import database, load, report
from .server import ROOT, Gunicorn

START = time.monotonic()
BROWSER_NOTE = "anonymous reader, browser User-Agent (counted as a view)"


def log(message: str) -> None:
    print(f"[{time.monotonic() - START:6.1f} s] {message}", file=sys.stderr, flush=True)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    arg = parser.add_argument
    arg("--sizes", default="0,10,100,1000,5000", help="comments per post (default: %(default)s)")
    arg("--seconds", type=int, default=5, help="wrk duration per case (default: %(default)s)")
    arg("--warmup", type=int, default=1, help="wrk warm-up per case (default: %(default)s)")
    arg("--connections", type=int, default=4, help="wrk connections (default: %(default)s)")
    arg("--threads", type=int, default=2, help="wrk threads (default: %(default)s)")
    arg("--workers", type=int, default=2, help="gunicorn sync workers (default: %(default)s)")
    arg("--clients", type=int, default=16, help="posting clients (default: %(default)s)")
    arg("--post-seconds", type=float, default=10, help="posting duration (default: %(default)s)")
    arg("--post-size", type=int, default=1000, help="post to reply into (default: %(default)s)")
    arg("--pending", type=int, default=500, help="comments in the queue (default: %(default)s)")
    arg("--runs", type=int, default=20, help="in-process repetitions (default: %(default)s)")
    arg("--cache", choices=["auto", "redis", "locmem"], default="auto",
        help="auto: Redis if it answers on 127.0.0.1:6379, else local memory")  # fmt: skip
    arg("--peer", action="store_true",
        help="first run the peer harness (../shared/peers-xtd/run.sh, about 6 minutes) and "
             "show its figures from this run")  # fmt: skip
    arg("--database", default=database.NAME, help="database to create and drop")
    arg("--results", type=Path, default=ROOT / "bench" / "results", help="output folder")
    args = parser.parse_args(argv)
    args.sizes = sorted({int(size) for size in args.sizes.split(",")})
    if args.post_size not in args.sizes:
        args.post_size = max(args.sizes)
    return args


PEER_HARNESS = ROOT.parent / "shared" / "peers-xtd" / "run.sh"


def run_peer() -> bool:
    """Run django-comments-xtd's harness now, so the peer column comes from this run."""
    if not PEER_HARNESS.exists():
        print(f"--peer: {PEER_HARNESS} is not there", file=sys.stderr)
        return False
    out = Path(tempfile.mkdtemp(prefix="colloquy-peer-")) / "peer.json"
    log(f"peer: bash {PEER_HARNESS} --out {out} (about 6 minutes)")
    done = subprocess.run(["bash", str(PEER_HARNESS), "--out", str(out)], cwd=PEER_HARNESS.parent)
    if done.returncode or not out.exists():
        print(f"--peer: the harness failed (exit {done.returncode})", file=sys.stderr)
        return False
    report.use_peer(json.loads(out.read_text()))
    shutil.rmtree(out.parent, ignore_errors=True)
    return True


def choose_cache(choice: str) -> tuple[str, str]:
    if choice != "locmem":
        try:
            import redis

            redis.Redis(host="127.0.0.1", port=6379, socket_timeout=1).ping()
            return "redis", "Redis at 127.0.0.1:6379, shared by the workers"
        except Exception as error:  # no package, no server, or no answer
            if choice == "redis":
                raise SystemExit(f"--cache redis: Redis is not usable ({error!r})") from error
    return "locmem", "local memory, one per worker process (no Redis on 127.0.0.1:6379)"


def forget_cache(prefix: str) -> None:
    import redis

    client = redis.Redis(host="127.0.0.1", port=6379, socket_timeout=5)
    keys = list(client.scan_iter(f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


def first_line(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except OSError as error:
        return repr(error)
    lines = (done.stdout + done.stderr).strip().splitlines()
    return lines[0].strip() if lines else f"exit {done.returncode}"


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    server_url = os.environ.get("DATABASE_URL")
    if not server_url:
        print("DATABASE_URL is not set: run `make bench`, or", file=sys.stderr)
        print("  python -m config.devdb -- python -m bench.run", file=sys.stderr)
        return 2
    if not load.wrk_available():
        print("wrk is not installed: sudo apt-get install wrk", file=sys.stderr)
        return 2
    # `kill` (and devdb passing on a SIGTERM) unwinds like Ctrl-C, through the cleanup below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.peer and not run_peer():
        return 1
    cache, cache_note = choose_cache(args.cache)
    prefix = f"colloquy-bench-{os.getpid()}"
    work = Path(tempfile.mkdtemp(prefix="colloquy-bench-"))
    static_dir = work / "static"
    (static_dir / "bench").mkdir(parents=True)
    servers: list[Gunicorn] = []
    load_before = os.getloadavg()
    log(f"cache: {cache_note}")
    log(f"creating database {args.database}")
    bench_url = database.create(server_url, args.database)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.bench",
            "DATABASE_URL": bench_url,
            "BENCH_CACHE": cache,
            "BENCH_CACHE_PREFIX": prefix,
            "BENCH_STATIC_DIR": str(static_dir),
            "POST_PAGE_CACHE_SECONDS": "0",
        }
    )
    try:
        results = measure_all(args, servers, static_dir, work)
    except BaseException:
        for server in servers:
            print(f"--- gunicorn {server.name} log ---\n{server.log_tail()}", file=sys.stderr)
        raise
    finally:
        for server in servers:
            server.stop()
        database.release()
        log(f"dropping database {args.database}")
        database.drop(server_url, args.database)
        if cache == "redis":
            forget_cache(prefix)
        shutil.rmtree(work, ignore_errors=True)

    now = datetime.datetime.now().astimezone()
    results = {
        "date": now.isoformat(timespec="seconds"),
        "setup": {
            "cache": cache,
            "cache_note": cache_note,
            "workers": args.workers,
            "connections": args.connections,
            "threads": args.threads,
            "seconds": args.seconds,
            "warmup": args.warmup,
            "reader": BROWSER_NOTE,
            "cpus": os.cpu_count(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(),
            "postgresql": database.server_version(server_url),
            "wrk": first_line(["wrk", "-v"]),
            "gunicorn": first_line([sys.executable, "-m", "gunicorn", "--version"]),
        },
        **results,
        "peer": report.PEER,
    }
    results["targets"] = targets(results)
    results["runtime_s"] = round(time.monotonic() - START, 1)
    stamp = now.strftime("%Y-%m-%d-%H%M")
    json_path, svg_path = report.write(results, args.results, stamp)
    table = report.rows(results)
    print()
    print(report.text_table(table))
    print()
    if report.PEER.get("same_run"):
        print(f"Peer figures from ../shared/peers-xtd, run first ({report.PEER['same_run']}).")
    else:
        print(
            "Peer figures are issue 6's, measured on this kind of machine (2 cores) with the "
            "same gunicorn and wrk settings, not in this run (make bench PEER=1 runs it)."
        )
    print(
        f"Reader: {BROWSER_NOTE}. Cache: {cache_note}. Load average before/after: "
        f"{results['setup']['load_average_before'][0]} / "
        f"{results['setup']['load_average_after'][0]} on {os.cpu_count()} cores: "
        "other work on the machine makes these figures noisy."
    )
    print()
    print(report.summary(results))
    print()
    print(report.targets_text(results))
    print()
    shown = [p.relative_to(ROOT) if p.is_relative_to(ROOT) else p for p in (json_path, svg_path)]
    print(f"Wrote {shown[0]} and {shown[1]} (and latest.*)")
    print(f"Total {results['runtime_s']:.0f} s.")
    return 0


def measure_all(args, servers: list[Gunicorn], static_dir: Path, work: Path) -> dict:
    import django

    django.setup()
    from comments.models import Comment

    from . import inprocess
    from .fixtures import prepare

    posts, queue_post, emails = prepare(args.sizes, args.pending, log=log)
    from .seed import seed_post
    from .spam import seed_model

    log("training a spam filter (issue 24: worker memory is measured with a model in use)")
    spam_post = seed_post("bench-spam", 0, seed=3)
    spam_model = seed_model(spam_post)
    log(f"spam filter: {spam_model}")

    log("in-process: page sizes and queries per request")
    trivial_queries = inprocess.query_count("/bench/trivial/")
    pages = {}
    for size in args.sizes:
        path = posts[size].get_absolute_url()
        profile = inprocess.page_profile(path)
        (static_dir / "bench" / f"post-{size}.html").write_bytes(profile.pop("html"))
        pages[str(size)] = {"path": path, **profile}

    log(f"in-process: cold render times ({args.runs} runs per size, sizes taking turns)")
    times = inprocess.page_times([pages[str(size)]["path"] for size in args.sizes], args.runs)
    by_size = dict(zip(map(str, args.sizes), times, strict=True))
    medians = {size: statistics.median(t) * 1000 for size, t in by_size.items()}
    fastest = {size: min(t) * 1000 for size, t in by_size.items()}
    render = {}
    if 0 in args.sizes and len(args.sizes) > 1:
        high = 1000 if 1000 in args.sizes else max(args.sizes)
        render = {
            "runs": args.runs,
            "median_ms": medians,
            "fastest_ms": fastest,
            "base_lo": 0,
            "base_hi": high,
            "us_per_comment": (medians[str(high)] - medians["0"]) / high * 1000,
            # The same from the fastest runs: the least disturbed by other work.
            "us_per_comment_fastest": (fastest[str(high)] - fastest["0"]) / high * 1000,
        }

    cold = Gunicorn("cold", {"POST_PAGE_CACHE_SECONDS": "0"}, work, workers=args.workers)
    warm = Gunicorn("warm", {"POST_PAGE_CACHE_SECONDS": "300"}, work, workers=args.workers)
    servers += [cold, warm]
    log("starting gunicorn (cold and warm)")
    cold.start()
    warm.start()
    spam_parents = list(
        Comment.objects.filter(post=spam_post, status=Comment.Status.APPROVED).values_list(
            "pk", flat=True
        )
    )
    for server in (cold, warm):  # every worker scores a comment: each loads the model
        load.post_comments(
            server.port, page_path=spam_post.get_absolute_url(), post_id=spam_post.pk,
            parents=spam_parents, emails=emails, clients=2 * args.workers, seconds=2,
        )  # fmt: skip

    def wrk(server: Gunicorn, path: str, label: str, headers=None) -> dict:
        figures = load.measure(
            server.base_url + path,
            seconds=args.seconds,
            warmup=args.warmup,
            connections=args.connections,
            threads=args.threads,
            headers=headers,
        )
        log(f"{label}: {figures['rps']:,.1f} req/s, p50 {figures['p50_ms']:.1f} ms")
        if sum(figures["errors"].values()):
            log(f"  errors: {figures['errors']}")
        return figures

    http = {"trivial": wrk(warm, "/bench/trivial/", "trivial view")}
    http.update(static={}, cold={}, warm={})
    memory = {}
    largest = max(args.sizes)
    for size in args.sizes:
        key = str(size)
        if size == largest:
            before = {server.name: server.memory() for server in (cold, warm)}
        http["static"][key] = wrk(warm, f"/static/bench/post-{size}.html", f"static {key}")
        http["cold"][key] = wrk(cold, pages[key]["path"], f"post {key} cold")
        http["warm"][key] = wrk(warm, pages[key]["path"], f"post {key} warm")
    # A browser or CDN revalidating the page it holds: If-None-Match, answered 304.
    revalidated = str(100 if 100 in args.sizes else largest)
    _status, headers, _body = load._request(
        warm.port, "GET", pages[revalidated]["path"], headers={"User-Agent": load.BROWSER}
    )
    http["not_modified"] = wrk(
        warm, pages[revalidated]["path"], f"post {revalidated} revalidated (304)",
        headers={"If-None-Match": headers["ETag"]},
    )  # fmt: skip
    http["not_modified"]["size"] = int(revalidated)
    for server in (cold, warm):
        memory[server.name] = {
            "after": f"serving the {largest:,}-comment page",
            "before": before[server.name],
            "workers": server.memory(),
        }

    post = posts[args.post_size]
    log(f"posting: {args.clients} clients for {args.post_seconds:g} s")
    workers_before = warm.cpu_seconds()
    posting = load.post_comments(
        warm.port,
        page_path=pages[str(args.post_size)]["path"],
        post_id=post.pk,
        parents=list(
            Comment.objects.filter(post=post, status=Comment.Status.APPROVED).values_list(
                "pk", flat=True
            )
        ),
        emails=emails,
        clients=args.clients,
        seconds=args.post_seconds,
    )
    posting["size"] = args.post_size
    posting["worker_cpu_s"] = warm.cpu_seconds() - workers_before
    posting["worker_cpu_ms_per_post"] = posting["worker_cpu_s"] * 1000 / max(posting["attempts"], 1)
    log(
        f"posting: {posting['accepted_per_s']:.1f} accepted/s, {posting['statuses']}; CPU "
        f"per POST {posting['worker_cpu_ms_per_post']:.1f} ms in the workers, "
        f"{posting['client_cpu_ms_per_post']:.1f} ms in the clients"
    )
    for server in (cold, warm):
        server.stop()

    log("manage.py check_comment_trees")
    command = [sys.executable, "manage.py", "check_comment_trees"]
    check = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    report_lines = (check.stdout + check.stderr).strip().splitlines()
    tree_check = {
        "ok": check.returncode == 0,
        "output": report_lines[-1] if report_lines else f"exit {check.returncode}",
    }

    insert_sizes = [size for size in (100, 5000) if size in args.sizes] or [largest]
    log(f"in-process: single inserts into the {insert_sizes} posts")
    insert_ms = {}
    for size in insert_sizes:
        times = inprocess.insert_times(posts[size], emails=emails, runs=args.runs)
        insert_ms[str(size)] = statistics.median(times) * 1000
    insert = {
        "runs": args.runs,
        "median_ms": insert_ms,
        "ratio": insert_ms[str(insert_sizes[-1])] / insert_ms[str(insert_sizes[0])],
    }

    log("in-process: moderation queue and bulk approval")
    moderation = inprocess.moderation(queue_post, approve=min(100, args.pending))
    return {
        "sizes": args.sizes,
        "trivial_queries": trivial_queries,
        "pages": pages,
        "http": http,
        "render": render,
        "posting": posting,
        "tree_check": tree_check,
        "insert": insert,
        "moderation": moderation,
        "memory": memory,
        "spam_model": spam_model,
    }


def targets(results: dict) -> list[dict]:
    sizes, pages, http = results["sizes"], results["pages"], results["http"]
    found = []

    def target(text: str, measured: str, met: bool | None) -> None:
        found.append({"target": text, "measured": measured, "met": met})

    cold_q = {size: pages[str(size)]["queries_cold"] for size in sizes}
    warm_q = {size: pages[str(size)]["queries_warm"] for size in sizes}
    # A page that shows comments reads their texts in one query an empty one does not make.
    shown_q = {size: count for size, count in cold_q.items() if size}
    target(
        "queries per post page at most 6, the same at every size with comments",
        f"cold {cold_q}, warm {sorted(set(warm_q.values()))}",
        max([*cold_q.values(), *warm_q.values()]) <= 6
        and len(set(shown_q.values())) <= 1
        and len(set(warm_q.values())) == 1,
    )
    if results["render"]:
        us = results["render"]["us_per_comment"]
        target("cold render at most 30 µs per comment", f"{us:.1f} µs", us <= 30)
    if results["render"] and "0" in results["render"]["median_ms"]:
        ms = results["render"]["median_ms"]["0"]
        target("cold page with 0 comments at most 5 ms in-process", f"{ms:.1f} ms", ms <= 5)
    trivial = http["trivial"]["rps"]
    for size, floor in ((100, 0.6), (1000, 0.6), (5000, 0.5)):
        if str(size) in http["warm"]:
            share = http["warm"][str(size)]["rps"] / trivial
            target(
                f"warm page at {size:,} comments at least {floor:.0%} of the trivial view",
                report.ratio(share),
                share >= floor,
            )
    if "not_modified" in http:
        share = http["not_modified"]["rps"] / trivial
        target(
            "304 revalidation at least 80% of the trivial view", report.ratio(share), share >= 0.8
        )
    shares = {
        size: http["warm"][str(size)]["rps"] / http["static"][str(size)]["rps"] for size in sizes
    }
    target(
        "warm page at least 50% of the same-size static file, at every size",
        ", ".join(f"{size}: {report.ratio(share)}" for size, share in shares.items()),
        min(shares.values()) >= 0.5,
    )
    insert = results["insert"]
    worst = max(insert["median_ms"].values())
    target(
        "insert at most 5 ms and flat (at most 1.5× from 100 to 5,000 comments)",
        ", ".join(f"{size}: {ms:.2f} ms" for size, ms in insert["median_ms"].items())
        + f", ratio {insert['ratio']:.2f}",
        worst <= 5 and insert["ratio"] <= 1.5,
    )
    posting = results["posting"]
    target(
        f"at least 150 accepted/s with {posting['clients']} clients, no tree errors",
        f"{posting['accepted_per_s']:.1f}/s; trees: {results['tree_check']['output']}",
        posting["accepted_per_s"] >= 150 and results["tree_check"]["ok"],
    )
    peaks = {
        name: max(w["peak_rss_mib"] for w in m["workers"]) for name, m in results["memory"].items()
    }
    growth = {
        name: peaks[name] - max(w["peak_rss_mib"] for w in m["before"])
        for name, m in results["memory"].items()
    }
    model = results.get("spam_model") or {}
    worst = max(peaks.values())
    target(
        "worker memory under 80 MiB after the largest page, with a spam model in use "
        "(last round, before the filter: 70 MiB)",
        f"worker peak {worst:.0f} MiB; spam filter #{model.get('id')} "
        + ("in use" if model.get("put_to_use") else "NOT in use (refused)"),
        worst < 80 and bool(model.get("put_to_use")),
    )
    target(
        "largest page without more than one copy of the thread in memory (reported)",
        ", ".join(
            f"{name} worker peak {peaks[name]:.0f} MiB (+{growth[name]:.1f} MiB for it)"
            for name in peaks
        ),
        None,
    )
    return found


if __name__ == "__main__":
    sys.exit(main())
