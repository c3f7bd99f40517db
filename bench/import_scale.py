"""``make bench-import``: importing a large generated WordPress export (issue 15, item 6).

Generates WXR files in a temporary folder (1,000 posts by default, their comments in
threads up to depth 3 with links and paragraphs), imports each into a fresh database of
its own (``colloquy_bench_import``, dropped after) with ``manage.py import_wxr`` in a
child process, and measures the wall time, comments per second and the child's peak
resident memory. Running two sizes shows whether memory stays flat as the file grows.
After each import ``check_comment_trees`` must be clean. Prints a table and writes
``bench/results/import_scale.json``.

    python -m config.devdb -- .venv/bin/python -m bench.import_scale [--sizes 10000,100000]
"""

import argparse
import datetime
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from xml.sax.saxutils import escape

from . import database
from .words import WORDS

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "import_scale.json"
TARGET = 2000  # comments per second


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def comment_body(rng: random.Random) -> str:
    parts = [sentence(rng, rng.randint(8, 25)) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.2:
        study = rng.randint(1, 9999)
        parts[-1] += f' See <a href="https://example.org/study/{study}">the study</a>.'
    return "\n\n".join(parts)


def write_export(path: Path, *, posts: int, comments: int, seed: int = 15) -> None:
    """A WXR 1.2 file: ``posts`` posts sharing ``comments`` comments (replies nest 3 deep)."""
    rng = random.Random(seed)
    start = datetime.datetime(2015, 1, 1, tzinfo=datetime.UTC)
    per_post = [comments // posts + (1 if i < comments % posts else 0) for i in range(posts)]
    comment_id = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
            ' xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"'
            ' xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            "<title>Scale</title><link>https://scale.example.org</link>\n"
            "<wp:wxr_version>1.2</wp:wxr_version>\n"
            "<wp:author><wp:author_id>1</wp:author_id><wp:author_login>editor</wp:author_login>"
            "<wp:author_email>editor@example.org</wp:author_email></wp:author>\n"
        )
        for number, count in enumerate(per_post, start=1):
            when = start + datetime.timedelta(days=number)
            body = "\n\n".join(f"<p>{sentence(rng, 30)}</p>" for _ in range(4))
            out.write(
                f"<item><title>Post {number}: {sentence(rng, 4)}</title>"
                f"<link>https://scale.example.org/?p={number}</link>"
                "<dc:creator>editor</dc:creator>"
                f"<content:encoded><![CDATA[{body}]]></content:encoded>"
                f"<wp:post_id>{number}</wp:post_id>"
                f"<wp:post_date_gmt>{when:%Y-%m-%d %H:%M:%S}</wp:post_date_gmt>"
                f"<wp:post_name>post-{number}</wp:post_name><wp:status>publish</wp:status>"
                "<wp:post_type>post</wp:post_type>"
                f'<category domain="category" nicename="series-{number % 20}">'
                f"<![CDATA[Series {number % 20}]]></category>\n"
            )
            depth: dict[int, int] = {}
            ids: list[int] = []
            for index in range(count):
                comment_id += 1
                parent = 0
                if ids and rng.random() < 0.6:
                    parent = rng.choice(ids[-20:])
                    if depth[parent] >= 3:
                        parent = 0
                depth[comment_id] = depth.get(parent, 0) + 1 if parent else 1
                ids.append(comment_id)
                when_comment = when + datetime.timedelta(minutes=7 * index + 1)
                approved = "1" if rng.random() < 0.9 else rng.choice(["0", "spam"])
                out.write(
                    "<wp:comment>"
                    f"<wp:comment_id>{comment_id}</wp:comment_id>"
                    f"<wp:comment_author>Reader {rng.randint(1, 5000)}</wp:comment_author>"
                    f"<wp:comment_author_email>r{rng.randint(1, 5000)}@example.org"
                    "</wp:comment_author_email>"
                    f"<wp:comment_author_IP>192.0.2.{rng.randint(1, 254)}</wp:comment_author_IP>"
                    f"<wp:comment_date_gmt>{when_comment:%Y-%m-%d %H:%M:%S}</wp:comment_date_gmt>"
                    f"<wp:comment_content>{escape(comment_body(rng))}</wp:comment_content>"
                    f"<wp:comment_approved>{approved}</wp:comment_approved>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent>"
                    "</wp:comment>\n"
                )
            out.write("</item>\n")
        out.write("</channel>\n</rss>\n")


class PeakRSS(threading.Thread):
    """Samples a process's resident memory (VmRSS) until it ends: the peak and the curve."""

    def __init__(self, pid: int, every: float = 0.25):
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.samples: list[tuple[float, int]] = []
        self.started = time.monotonic()

    def run(self) -> None:
        status = Path(f"/proc/{self.pid}/status")
        while True:
            try:
                text = status.read_text()
            except (FileNotFoundError, ProcessLookupError):
                return
            for line in text.splitlines():
                if line.startswith("VmRSS:"):
                    kib = int(line.split()[1])
                    self.samples.append((time.monotonic() - self.started, kib))
            time.sleep(self.every)

    @property
    def peak_mib(self) -> float:
        return max((kib for _, kib in self.samples), default=0) / 1024


def manage(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True,
        capture_output=True, **kwargs,
    )  # fmt: skip


def measure(server_url: str, size: int, posts: int, folder: Path, name: str) -> dict:
    path = folder / f"scale-{size}.xml"
    began = time.monotonic()
    write_export(path, posts=posts, comments=size)
    generated = time.monotonic() - began
    url = database.create(server_url, name)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "shell", "-c",
               "from django.contrib.auth.models import User; "
               "User.objects.create_superuser('admin', 'admin@example.org', None)")  # fmt: skip
        began = time.monotonic()
        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
            child = subprocess.Popen(
                [sys.executable, "manage.py", "import_wxr", str(path)], cwd=ROOT, env=env,
                stdout=out, stderr=err, text=True,
            )  # fmt: skip
            sampler = PeakRSS(child.pid)
            sampler.start()
            # wait4: the child's own CPU time and peak memory, not the whole machine's.
            _pid, status, usage = os.wait4(child.pid, 0)
            child.returncode = os.waitstatus_to_exitcode(status)
            seconds = time.monotonic() - began
            sampler.join(timeout=1)
            out.seek(0)
            err.seek(0)
            output, errors = out.read(), err.read()
        if child.returncode != 0:
            raise SystemExit(f"import_wxr failed:\n{errors or output}")
        trees = manage(env, "check_comment_trees")
        count = "from comments.models import Comment; print(Comment.objects.count())"
        counted = manage(env, "shell", "-c", count)
    finally:
        database.drop(server_url, name)
    stored = int(counted.stdout.strip().splitlines()[-1])
    curve = sampler.samples
    return {
        "comments": size,
        "posts": posts,
        "file_mib": round(path.stat().st_size / 2**20, 1),
        "generate_seconds": round(generated, 1),
        "import_seconds": round(seconds, 1),
        "comments_per_second": round(size / seconds),
        # The import process alone: its CPU time (PostgreSQL's is not in it) and peak RSS.
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "comments_per_cpu_second": round(size / (usage.ru_utime + usage.ru_stime)),
        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
        # Resident memory at each quarter of the run: flat means the file is streamed.
        "rss_quarters_mib": [
            round(curve[min(len(curve) - 1, len(curve) * q // 4)][1] / 1024, 1)
            for q in (1, 2, 3, 4)
        ]
        if curve
        else [],
        "stored_comments": stored,
        "trees": (trees.stdout.strip().splitlines() or ["?"])[-1],
        "report": output.strip().splitlines(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.import_scale", description=__doc__)
    parser.add_argument("--sizes", default="10000,100000", help="comments per file")
    parser.add_argument("--posts", type=int, default=1000, help="posts per file")
    parser.add_argument("--database", default="colloquy_bench_import")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    server_url = os.environ.get("DATABASE_URL")
    if not server_url:
        print("run as: make bench-import", file=sys.stderr)
        return 2
    rows = []
    with tempfile.TemporaryDirectory(prefix="colloquy-import-") as folder:
        for size in sorted(int(value) for value in args.sizes.split(",")):
            print(f"importing {size:,} comments on {args.posts:,} posts …", file=sys.stderr)
            rows.append(measure(server_url, size, args.posts, Path(folder), args.database))
    print()
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        "| comments | file | import (wall) | comments/s | CPU of the import | comments/CPU-s "
        "| peak RSS | RSS by quarter | trees |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for row in rows:
        quarters = " / ".join(f"{value:.0f}" for value in row["rss_quarters_mib"])
        print(
            f"| {row['comments']:,} | {row['file_mib']} MiB | {row['import_seconds']} s "
            f"| {row['comments_per_second']:,} | {row['cpu_seconds']} s "
            f"| {row['comments_per_cpu_second']:,} | {row['peak_rss_mib']:.0f} MiB "
            f"| {quarters} MiB | {row['trees']} |"
        )
    largest = rows[-1]
    verdict = "met" if largest["comments_per_second"] >= TARGET else "missed"
    print(f"\ntarget ≥ {TARGET:,} comments/s at {largest['comments']:,}: {verdict}")
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(
        json.dumps(
            {
                "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "machine": f"{platform.machine()}, {os.cpu_count()} cores",
                "load_average_at_end": round(os.getloadavg()[0], 1),
                "postgres": database.server_version(server_url),
                "target_comments_per_second": TARGET,
                "rows": rows,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {args.results}", file=sys.stderr)
    return 0 if verdict == "met" else 1


if __name__ == "__main__":
    sys.exit(main())
