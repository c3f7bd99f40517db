"""The results as a printed table, a JSON file and a chart, with the peer's figures beside."""

import json
import shutil
from pathlib import Path

# Issue 6: django-comments-xtd 2.10 as its tutorial sets it up, and a lean flat loop in a
# plain Django template, measured on this kind of machine (2 sync workers, wrk with 4
# connections) — not in this run.
PEER = {
    "trivial_rps": 3489,
    "xtd_rps": {100: 30.5, 1000: 3.0},
    "lean_rps": {100: 139, 1000: 17.8},
    "xtd_render_us_per_comment": "540–570",
    "lean_render_us_per_comment": "94–106",
    "xtd_queries": 4,
}


def use_peer(harness: dict) -> None:
    """The peer's figures from ``run.sh --out`` of this run instead of issue 6's."""
    rows = harness["http"]["rows"]
    PEER["trivial_rps"] = round(next(r["rps"] for r in rows if r["target"] == "trivial"))
    for kind in ("xtd", "lean"):
        PEER[f"{kind}_rps"] = {
            r["n"]: round(r["rps"], 1) for r in rows if r["target"] == kind and r["n"] is not None
        }
    PEER["same_run"] = harness["environment"].get("when_utc", True)
    HEADER[-1] = "peer, same run"


def ratio(value: float | None) -> str:
    if value is None:
        return "–"
    text = f"{value * 100:.3g}%"
    return text + (f" (1/{1 / value:.0f})" if 0 < value < 0.1 else "")


def _peer_note(size: int, kind: str) -> str:
    if kind != "cold" or size not in PEER["xtd_rps"]:
        return ""
    xtd, lean = PEER["xtd_rps"][size], PEER["lean_rps"][size]
    return f"xtd {xtd:g} ({ratio(xtd / PEER['trivial_rps'])}); lean loop {lean:g}"


def rows(results: dict) -> list[list[str]]:
    http, pages = results["http"], results["pages"]
    trivial = http["trivial"]["rps"]
    table = [
        [
            "trivial view", "0", f"{trivial:,.0f}", f"{http['trivial']['p50_ms']:.1f}",
            f"{http['trivial']['p95_ms']:.1f}", f"{http['trivial']['p99_ms']:.1f}",
            str(results.get("trivial_queries", "–")),
            "100%", "–", f"xtd's stack: {PEER['trivial_rps']:,}",
        ]
    ]  # fmt: skip
    for size in results["sizes"]:
        key = str(size)
        kib = f"{pages[key]['bytes'] / 1024:.0f}"
        static = http["static"][key]["rps"]
        cases = [
            ("static file", http["static"][key], "–", None),
            ("cold", http["cold"][key], str(pages[key]["queries_cold"]), None),
            ("warm", http["warm"][key], str(pages[key]["queries_warm"]), static),
        ]
        for kind, figures, queries, against in cases:
            label = (
                f"{size:,} comments: static, same size"
                if kind == "static file"
                else f"{size:,} comments: post page, {kind}"
            )
            table.append(
                [
                    label, kib, f"{figures['rps']:,.1f}", f"{figures['p50_ms']:.1f}",
                    f"{figures['p95_ms']:.1f}", f"{figures['p99_ms']:.1f}", queries,
                    ratio(figures["rps"] / trivial),
                    ratio(figures["rps"] / against) if against else "–",
                    _peer_note(size, kind),
                ]
            )  # fmt: skip
    if "not_modified" in http:
        figures = http["not_modified"]
        table.append(
            [
                f"{figures['size']:,} comments: revalidation, 304", "0", f"{figures['rps']:,.1f}",
                f"{figures['p50_ms']:.1f}", f"{figures['p95_ms']:.1f}", f"{figures['p99_ms']:.1f}",
                "0", ratio(figures["rps"] / trivial), "–", "",
            ]
        )  # fmt: skip
    return table


HEADER = [
    "case", "KiB", "req/s", "p50 ms", "p95 ms", "p99 ms", "queries", "÷ trivial",
    "warm ÷ static", "peer, issue 6 (not this run)",
]  # fmt: skip


def text_table(table: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in [HEADER, *table]) for i in range(len(HEADER))]

    def line(row):
        cells = [
            cell.ljust(width) if i in (0, len(row) - 1) else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(HEADER), rule, *(line(row) for row in table)])


def markdown_table(table: list[list[str]]) -> str:
    align = ["---" if i in (0, len(HEADER) - 1) else "---:" for i in range(len(HEADER))]
    lines = [HEADER, align, *table]
    return "\n".join("| " + " | ".join(row) + " |" for row in lines)


def summary(results: dict) -> str:
    render, posting, insert = results["render"], results["posting"], results["insert"]
    moderation, memory = results["moderation"], results["memory"]
    out = []
    if render:
        out.append(
            f"Cold render in-process (page cache off, median of {render['runs']}): "
            + ", ".join(f"{size} comments {ms:.1f} ms" for size, ms in render["median_ms"].items())
            + f"; ({render['base_hi']} − {render['base_lo']}) ÷ {render['base_hi']} = "
            f"{render['us_per_comment']:.1f} µs per comment "
            f"({render['us_per_comment_fastest']:.1f} µs from the fastest runs; "
            f"peer: xtd {PEER['xtd_render_us_per_comment']} µs, "
            f"lean loop {PEER['lean_render_us_per_comment']} µs)."
        )
    out.append(
        f"Posting, {posting['clients']} clients for {posting['seconds']:.1f} s into the "
        f"{posting['size']:,}-comment post: {posting['accepted']} accepted "
        f"({posting['accepted_per_s']:.1f}/s), p50 {posting['p50_ms']:.0f} ms, "
        f"p95 {posting['p95_ms']:.0f} ms, p99 {posting['p99_ms']:.0f} ms; responses "
        f"{posting['statuses']}. check_comment_trees: {results['tree_check']['output']}"
    )
    out.append(
        "Single insert through the service (median of "
        f"{insert['runs']}): "
        + ", ".join(f"{size}-comment post {ms:.2f} ms" for size, ms in insert["median_ms"].items())
        + f"; ratio {insert['ratio']:.2f}."
    )
    out.append(
        f"Moderation queue ({moderation['pending']} pending, {moderation['queue_rows_shown']} "
        f"shown): {moderation['queue_ms_median']:.0f} ms, {moderation['queue_queries']} queries; "
        f"approving {moderation['approve_count']} in one bulk action: "
        f"{moderation['approve_ms']:.0f} ms ({moderation['approve_ms_per_comment']:.1f} ms each, "
        f"{moderation['approve_queries']} queries)."
    )
    for name, workers in memory.items():
        peaks = ", ".join(f"{w['peak_rss_mib']:.0f}" for w in workers["workers"])
        out.append(
            f"Memory, {name} server after {workers['after']}: worker peak RSS {peaks} MiB "
            f"(before the largest page: "
            + ", ".join(f"{w['peak_rss_mib']:.0f}" for w in workers["before"])
            + " MiB)."
        )
    return "\n".join(out)


def verdict(met: bool | None) -> str:
    return "info" if met is None else "met" if met else "MISSED"


def targets_text(results: dict) -> str:
    return "\n".join(
        f"[{verdict(t['met'])}] {t['target']}: {t['measured']}" for t in results["targets"]
    )


def write(results: dict, directory: Path, stamp: str) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    json_path = directory / f"{stamp}.json"
    svg_path = directory / f"{stamp}.svg"
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    chart(results, svg_path)
    shutil.copyfile(json_path, directory / "latest.json")
    shutil.copyfile(svg_path, directory / "latest.svg")
    return json_path, svg_path


def chart(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "colloquy-bench"  # stable ids: diffs show data changes
    sizes = results["sizes"]
    http = results["http"]
    xs = list(range(len(sizes)))
    labels = [f"{size:,}" for size in sizes]

    def series(kind, field):
        return [http[kind][str(size)][field] for size in sizes]

    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    left.axhline(http["trivial"]["rps"], color="grey", linestyle=":", label="trivial view")
    left.plot(xs, series("static", "rps"), "s-", color="tab:green", label="static, same size")
    left.plot(xs, series("warm", "rps"), "o-", color="tab:blue", label="post page, warm")
    left.plot(xs, series("cold", "rps"), "o-", color="tab:orange", label="post page, cold")
    for key, label, marker in [
        ("xtd_rps", "django-comments-xtd (issue 6, not this run)", "x"),
        ("lean_rps", "lean template loop (issue 6, not this run)", "+"),
    ]:
        points = [(xs[sizes.index(s)], rps) for s, rps in PEER[key].items() if s in sizes]
        if points:
            left.plot(*zip(*points, strict=True), marker, color="tab:red", markersize=9,
                      linestyle="none", label=label)  # fmt: skip
    left.set_yscale("log")
    left.set_ylabel("requests per second (log)")
    left.set_title("Throughput")
    right.plot(xs, series("cold", "p50_ms"), "o-", color="tab:orange", label="cold p50")
    right.plot(xs, series("cold", "p99_ms"), "o--", color="tab:orange", label="cold p99")
    right.plot(xs, series("warm", "p50_ms"), "o-", color="tab:blue", label="warm p50")
    right.plot(xs, series("warm", "p99_ms"), "o--", color="tab:blue", label="warm p99")
    right.plot(xs, series("static", "p50_ms"), "s-", color="tab:green", label="static p50")
    right.set_yscale("log")
    right.set_ylabel("latency, ms (log)")
    right.set_title("Latency")
    for axes in (left, right):
        axes.set_xticks(xs, labels)
        axes.set_xlabel("approved comments on the post")
        axes.grid(True, which="both", alpha=0.3)
        axes.legend(fontsize="small")
    setup = results["setup"]
    when = results["date"][:16].replace("T", " ")
    figure.suptitle(
        f"Colloquy post page, {when}: gunicorn {setup['workers']} sync workers, "
        f"wrk {setup['connections']} connections, {setup['cache']} cache",
        fontsize="medium",
    )
    figure.tight_layout()
    figure.savefig(path, format="svg", metadata={"Date": None})
    plt.close(figure)


if __name__ == "__main__":
    # python -m bench.report [bench/results/latest.json]: the table as Markdown, for the docs.
    import sys

    source = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/results/latest.json")
    results = json.loads(source.read_text())
    if (peer := results.get("peer", {})).get("same_run"):  # make bench PEER=1: this run's
        for kind in ("xtd_rps", "lean_rps"):
            peer[kind] = {int(size): rps for size, rps in peer[kind].items()}
        PEER.update(peer)
        HEADER[-1] = "peer, same run"
    print(markdown_table(rows(results)))
