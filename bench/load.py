"""Load from outside the server: wrk for pages, threads with http.client for posting."""

import http.client
import json
import random
import shutil
import statistics
import subprocess
import threading
import time
from collections import Counter
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from .words import WORDS

REPORT_SCRIPT = Path(__file__).with_name("report.lua")
# A reader's browser: bots are served but not counted as views, readers are counted.
BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def _wrk(url: str, seconds: int, connections: int, threads: int, report: bool, headers=None) -> str:
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
        "-H", f"User-Agent: {BROWSER}",
    ]  # fmt: skip
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if report:
        command += ["--latency", "-s", str(REPORT_SCRIPT)]
    done = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode:
        raise RuntimeError(f"wrk failed on {url}: {done.stdout}{done.stderr}")
    return done.stdout


def measure(
    url: str,
    *,
    seconds: int = 5,
    warmup: int = 1,
    connections: int = 4,
    threads: int = 2,
    headers: dict | None = None,
) -> dict:
    """wrk against ``url`` for ``seconds`` after ``warmup``: req/s and latency in ms."""
    if warmup:
        _wrk(url, warmup, connections, threads, report=False, headers=headers)
    output = _wrk(url, seconds, connections, threads, report=True, headers=headers)
    line = next((x for x in output.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no report for {url}:\n{output}")
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    requests = raw["requests"]
    errors = sum(raw["errors"].values())
    if requests == 0 or errors >= requests:
        raise RuntimeError(f"every request to {url} failed: {raw['errors']}")
    latency = raw["latency_us"]
    return {
        "url": urlsplit(url).path,
        "requests": requests,
        "rps": requests / (raw["duration_us"] / 1e6),
        "p50_ms": latency["p50"] / 1000,
        "p95_ms": latency["p95"] / 1000,
        "p99_ms": latency["p99"] / 1000,
        "mean_ms": latency["mean"] / 1000,
        "max_ms": latency["max"] / 1000,
        "bytes_per_request": raw["bytes"] / requests,
        "errors": raw["errors"],
    }


def _request(port: int, method: str, path: str, *, body: str = "", headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def post_comments(
    port: int,
    *,
    page_path: str,
    post_id: int,
    parents: list[int],
    emails: list[str],
    clients: int = 16,
    seconds: float = 10,
) -> dict:
    """``clients`` readers, each fetching the post page for its CSRF token and then posting
    replies to random comments of the post until ``seconds`` have passed."""
    statuses: Counter = Counter()
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    clock: dict[str, float] = {}

    def start_clock():
        clock["start"] = time.monotonic()
        clock["deadline"] = clock["start"] + seconds

    barrier = threading.Barrier(clients, action=start_clock)

    def reader(number: int) -> None:
        rng = random.Random(number)
        try:
            status, _headers, _html = _request(
                port, "GET", page_path, headers={"User-Agent": BROWSER}
            )
            if status != 200:
                raise RuntimeError(f"post page answered {status}")
            # The page holds no token (the same for every reader): fetched as comments.js does.
            status, headers, answer = _request(
                port, "GET", "/comments/token/", headers={"User-Agent": BROWSER}
            )
            cookies = SimpleCookie()
            for value in headers.get_all("Set-Cookie") or []:
                cookies.load(value)
            csrf_cookie = cookies["csrftoken"].value
            token = json.loads(answer)["token"] if status == 200 else None
            if token is None:
                raise RuntimeError(f"token endpoint answered {status}")
        except Exception as error:
            with lock:
                failures.append(f"reader {number}: {error!r}")
            barrier.abort()
            return
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            return  # another reader could not start: reported above
        headers = {
            "User-Agent": BROWSER,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie}",
        }
        while time.monotonic() < clock["deadline"]:
            form = urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "author_name": f"Bench reader {number}",
                    "author_email": rng.choice(emails),
                    "body": " ".join(rng.choice(WORDS) for _ in range(rng.randint(10, 40))),
                    "parent": rng.choice(parents),
                    "quote": "",
                    "website": "",
                }
            )
            began = time.perf_counter()
            try:
                status, _, _ = _request(
                    port, "POST", f"/comments/post/{post_id}/", body=form, headers=headers
                )
            except OSError as error:
                status = type(error).__name__
            elapsed = time.perf_counter() - began
            with lock:
                statuses[status] += 1
                latencies.append(elapsed)
        with lock:
            clock["end"] = max(clock.get("end", 0), time.monotonic())

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(clients)]
    # The clients share the server's cores: what they cost is part of the picture.
    cpu_before = time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    client_cpu = time.process_time() - cpu_before
    if failures:
        raise RuntimeError("posting clients failed:\n" + "\n".join(failures))
    elapsed = clock["end"] - clock["start"]
    accepted = statuses.get(302, 0)  # the redirect to the new comment
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {
        "clients": clients,
        "seconds": elapsed,
        "attempts": sum(statuses.values()),
        "accepted": accepted,
        "accepted_per_s": accepted / elapsed,
        "client_cpu_s": client_cpu,
        "client_cpu_ms_per_post": client_cpu * 1000 / max(sum(statuses.values()), 1),
        "statuses": {str(key): value for key, value in statuses.items()},
        "p50_ms": quantiles[49] * 1000,
        "p95_ms": quantiles[94] * 1000,
        "p99_ms": quantiles[98] * 1000,
    }
