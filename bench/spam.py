"""The spam filter's benchmark (issue 13): learn from moderators, meet a new source.

    make bench-spam                  # the synthetic corpus of bench/spam_corpus.py
    make bench-spam BENCH_SPAM_ARGS="--csv a.csv b.csv c.csv d.csv e.csv \\
        --text-column CONTENT --label-column CLASS --name-column AUTHOR"

Each file (or each source of the built-in corpus) is one source. For each source in turn,
on a fresh database: the comments of the other four are submitted through
``comment_submit`` (each with its own email address, as new readers), a moderator
approves the legitimate ones and marks the spam with ``comment_approve`` /
``comment_mark_spam``, ``train_spam_filter``'s training runs on those decisions, and the
held-out source's comments are submitted. Reported per held-out source: the share of its
spam filed as spam without a human, and of its legitimate comments sent to spam; the
training time; the time the filter adds to posting one comment. The policy settings are
the defaults (thresholds from cross-validation, a reader's first comment held).
Results: bench/results/spam.json and a table.
"""

import argparse
import csv
import datetime
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "spam.json"
TARGETS = {"spam_to_spam": 0.90, "legitimate_to_spam": 0.01, "train_s": 10.0, "score_ms": 2.0}


def read_sources(args) -> dict[str, list]:
    from bench.spam_corpus import Item, corpus

    if not args.csv:
        sources: dict[str, list] = {}
        for item in corpus(per_source=args.per_source):
            sources.setdefault(item.source, []).append(item)
        return sources
    spam_labels = {"1", "spam", "true", "yes"}
    sources = {}
    for path in args.csv:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            items = [
                Item(
                    Path(path).stem,
                    (row.get(args.name_column) or "") if args.name_column else "",
                    row[args.text_column] or "",
                    row[args.label_column].strip().lower() in spam_labels,
                )
                for row in csv.DictReader(handle)
            ]
        sources[Path(path).stem] = items
    return sources


def run_round(held_out: str, sources: dict[str, list], moderator, posts) -> dict:
    from django.core.exceptions import ValidationError
    from django.db import connection

    from comments.models import Comment
    from comments.services import Submission, comment_submit
    from moderation import services
    from moderation.models import PolicySettings
    from moderation.spam import scoring, store
    from moderation.spam.jobs import train
    from moderation.spam.training import recall_at

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE comments_commentrevision, moderation_moderationevent, "
            "moderation_spammodel, comments_comment CASCADE"
        )
    store.forget()
    counter = iter(range(10**9))

    def submit(item, post):
        n = next(counter)
        try:
            return comment_submit(
                post=post,
                submission=Submission(
                    body=item.text, author_name=item.name[:80],
                    author_email=f"reader{n}@bench.example",
                ),
            )  # fmt: skip
        except ValidationError:
            return None  # empty or too long: the form would have said so

    decisions = 0
    for source, items in sources.items():
        if source == held_out:
            continue
        for item in items:
            comment = submit(item, posts[source])
            if comment is None or comment.status != Comment.Status.PENDING:
                continue
            action = services.comment_mark_spam if item.is_spam else services.comment_approve
            action(comment=comment, actor=moderator)
            decisions += 1

    started, cpu = time.perf_counter(), time.process_time()
    result = train(minimum=0)
    train_s, train_cpu_s = time.perf_counter() - started, time.process_time() - cpu
    model = result.model
    store.forget()  # what every process does within SPAM_MODEL_CHECK_SECONDS

    rules = PolicySettings.current()
    outcome = {"spam": {}, "legitimate": {}}
    score_ms, score_cpu_ms, model_cpu_ms, submit_ms = [], [], [], []
    held_out_scores, held_out_spam = [], []
    loaded = store.current()
    for item in sources[held_out]:
        probe = Comment(
            post=posts[held_out], body=item.text, author_name=item.name[:80],
            author_email="probe@bench.example",
        )  # fmt: skip
        # Wall time of the policy's step (with its one query), and the CPU time of it and
        # of the model alone: the machine is shared, so wall time includes waiting.
        started, cpu = time.perf_counter(), time.process_time()
        scoring.verdict(probe, rules)
        score_ms.append(1000 * (time.perf_counter() - started))
        score_cpu_ms.append(1000 * (time.process_time() - cpu))
        if loaded is not None:
            sample = scoring.Sample(body=item.text, name=item.name[:80])
            cpu = time.process_time()
            held_out_scores.append(loaded.probability(sample))
            model_cpu_ms.append(1000 * (time.process_time() - cpu))
            held_out_spam.append(item.is_spam)
        started = time.perf_counter()
        comment = submit(item, posts[held_out])
        submit_ms.append(1000 * (time.perf_counter() - started))
        if comment is None:
            continue
        kind = outcome["spam" if item.is_spam else "legitimate"]
        kind[comment.status] = kind.get(comment.status, 0) + 1

    def share(kind: str, status: str) -> float:
        total = sum(outcome[kind].values())
        return outcome[kind].get(status, 0) / total if total else 0.0

    score_ms.sort()
    curve = None
    if held_out_scores:
        import numpy as np

        scores, is_spam = np.array(held_out_scores), np.array(held_out_spam, dtype=bool)
        # The held-out source's own curve: the best any threshold could do on it.
        curve = {
            f"{share:g}": round(recall_at(scores, is_spam, share), 4)
            for share in (0.005, 0.01, 0.02)
        }
    return {
        "held_out": held_out,
        "decisions": decisions,
        "trained_on": {"spam": result.spam_count, "legitimate": result.legitimate_count},
        "train_s": round(train_s, 2),
        "train_cpu_s": round(train_cpu_s, 2),  # this process's CPU: the machine is shared
        "cross_validation": model.evaluation if model else None,
        "put_to_use": result.put_to_use,
        "refusals": result.refusals,
        "spam_threshold": model.spam_threshold if model else None,
        "held_out_curve": curve,
        "tested": {kind: sum(counts.values()) for kind, counts in outcome.items()},
        "outcome": outcome,
        "spam_to_spam": round(share("spam", "spam"), 4),
        "legitimate_to_spam": round(share("legitimate", "spam"), 4),
        "legitimate_published": round(share("legitimate", "approved"), 4),
        "score_ms_mean": round(statistics.fmean(score_ms), 3),
        "score_ms_p95": round(score_ms[int(0.95 * (len(score_ms) - 1))], 3),
        "score_cpu_ms_mean": round(statistics.fmean(score_cpu_ms), 3),
        "model_cpu_ms_mean": round(statistics.fmean(model_cpu_ms or [0.0]), 3),
        "submit_ms_mean": round(statistics.fmean(submit_ms), 2),
    }


def seed_model(post, *, per_source: int = 60) -> dict:
    """A spam model in use, for ``make bench`` to measure web workers with one: the
    corpus's comments submitted on ``post`` (a reader each), decided by a site moderator,
    trained. Returns what the report says about it."""
    from django.contrib.auth import get_user_model

    from bench.spam_corpus import corpus
    from comments.models import Comment
    from comments.services import Submission, comment_submit
    from moderation import services
    from moderation.spam.jobs import train
    from moderation.spam.store import forget

    moderator, _ = get_user_model().objects.get_or_create(
        username="bench-spam-moderator", defaults={"is_staff": True, "is_superuser": True}
    )
    for n, item in enumerate(corpus(per_source=per_source)):
        comment = comment_submit(
            post=post,
            submission=Submission(body=item.text, author_name=item.name[:80],
                                  author_email=f"trainer{n}@bench.example"),
        )  # fmt: skip
        if comment.status == Comment.Status.PENDING:
            action = services.comment_mark_spam if item.is_spam else services.comment_approve
            action(comment=comment, actor=moderator)
    result = train(minimum=0)
    forget()
    model = result.model
    return {
        "id": model.pk if model else None,
        "put_to_use": result.put_to_use,
        "decisions": result.spam_count + result.legitimate_count,
        "weights": len(bytes(model.weight_value)) // 4 if model else 0,
        "refusals": result.refusals,
    }


def table(rounds: list[dict], summary: dict) -> str:
    lines = [
        f"{'held out':<14}{'decisions':>10}{'train s':>9}{'spam→spam':>11}"
        f"{'legit→spam':>12}{'score ms':>10}{'p95 ms':>8}{'cpu ms':>8}{'threshold':>11}"
    ]
    for r in rounds:
        lines.append(
            f"{r['held_out']:<14}{r['decisions']:>10,}{r['train_s']:>9.2f}"
            f"{100 * r['spam_to_spam']:>10.1f}%{100 * r['legitimate_to_spam']:>11.2f}%"
            f"{r['score_ms_mean']:>10.3f}{r['score_ms_p95']:>8.3f}{r['score_cpu_ms_mean']:>8.3f}"
            f"{r['spam_threshold'] or 0:>11.3f}"
            + ("" if r["put_to_use"] else "  (refused: the filter stayed off)")
        )
    lines.append(
        f"{'all':<14}{summary['decisions_mean']:>10,.0f}{summary['train_s_max']:>9.2f}"
        f"{100 * summary['spam_to_spam']:>10.1f}%{100 * summary['legitimate_to_spam']:>11.2f}%"
        f"{summary['score_ms_mean']:>10.3f}{summary['score_ms_p95_max']:>8.3f}"
        f"{summary['score_cpu_ms_mean']:>8.3f}"
    )
    curve = summary.get("held_out_curve")
    if curve:
        lines.append(
            "held-out recall at 0.5% / 1% / 2% legitimate flagged (mean of the sources): "
            + " / ".join(f"{100 * curve[k]:.1f}%" for k in ("0.005", "0.01", "0.02"))
        )
    lines.append(
        "targets: spam→spam ≥ 90%, legit→spam ≤ 1%, training ≤ 10 s (2,000 decisions), "
        "scoring ≤ 2 ms"
    )
    return "\n".join(lines)


def summarise(rounds: list[dict]) -> dict:
    spam = sum(r["tested"]["spam"] for r in rounds)
    legit = sum(r["tested"]["legitimate"] for r in rounds)
    return {
        # Pooled over the held-out sources: every comment counted once.
        "spam_to_spam": round(
            sum(r["outcome"]["spam"].get("spam", 0) for r in rounds) / spam if spam else 0, 4
        ),
        "legitimate_to_spam": round(
            sum(r["outcome"]["legitimate"].get("spam", 0) for r in rounds) / legit if legit else 0,
            4,
        ),
        "worst_spam_to_spam": min(r["spam_to_spam"] for r in rounds),
        "worst_legitimate_to_spam": max(r["legitimate_to_spam"] for r in rounds),
        "decisions_mean": statistics.fmean(r["decisions"] for r in rounds),
        "train_s_max": max(r["train_s"] for r in rounds),
        "score_ms_mean": round(statistics.fmean(r["score_ms_mean"] for r in rounds), 3),
        "score_ms_p95_max": max(r["score_ms_p95"] for r in rounds),
        "score_cpu_ms_mean": round(statistics.fmean(r["score_cpu_ms_mean"] for r in rounds), 3),
        "model_cpu_ms_mean": round(statistics.fmean(r["model_cpu_ms_mean"] for r in rounds), 3),
        "put_to_use": sum(r["put_to_use"] for r in rounds),
        "held_out_curve": {
            key: round(statistics.fmean(r["held_out_curve"][key] for r in curves), 4)
            for key in ("0.005", "0.01", "0.02")
        }
        if (curves := [r for r in rounds if r["held_out_curve"]])
        else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", nargs="*", default=[], help="one labelled CSV per source")
    parser.add_argument("--text-column", default="text")
    parser.add_argument("--label-column", default="label")
    parser.add_argument("--name-column", default="")
    parser.add_argument("--per-source", type=int, default=500, help="built-in corpus size")
    parser.add_argument("--held-out", nargs="*", default=[], help="only these sources")
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args(argv)
    server_url = os.environ.get("DATABASE_URL")
    if not server_url:
        print("DATABASE_URL is not set: run `make bench-spam`", file=sys.stderr)
        return 2
    from bench import database

    name = f"colloquy_spam_{os.getpid()}"
    url = database.create(server_url, name)
    os.environ.update({"DJANGO_SETTINGS_MODULE": "config.settings.bench", "DATABASE_URL": url})
    try:
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.utils import timezone

        from blog.models import Post

        call_command("migrate", verbosity=0)
        sources = read_sources(args)
        User = get_user_model()
        moderator = User.objects.create_superuser("bench-moderator", "mod@bench.example", None)
        author = User.objects.create_user("bench-author", is_staff=True)
        posts = {
            source: Post.objects.create(
                title=f"Source {source}",
                slug=f"source-{n}",
                author=author,
                body="…",
                status=Post.Status.PUBLISHED,
                published_at=timezone.now() - datetime.timedelta(days=1),
            )  # fmt: skip
            for n, source in enumerate(sources)
        }
        rounds = []
        held_outs = args.held_out or list(sources)
        for held_out in held_outs:
            print(f"held out: {held_out} …", flush=True)
            rounds.append(run_round(held_out, sources, moderator, posts))
            # Written after every round, so a long run interrupted still leaves its figures.
            summary = summarise(rounds)
            report = {
                "when": timezone.now().isoformat(timespec="seconds"),
                "corpus": [Path(p).name for p in args.csv]
                or f"bench/spam_corpus.py, {args.per_source} a source",
                "complete": len(rounds) == len(held_outs),
                "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                            "load_average": os.getloadavg()},
                "targets": TARGETS,
                "summary": summary,
                "rounds": rounds,
            }  # fmt: skip
            Path(args.output).parent.mkdir(parents=True, exist_ok=True)
            Path(args.output).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(table(rounds, summary))
        print(f"Wrote {args.output}")
    finally:
        database.release()
        database.drop(server_url, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
