"""What an import did (or, in a dry run, would do), told to the person running it."""

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Report:
    label: str
    dry_run: bool = False
    source_key: str = ""
    # ("post", "created"), ("comment", "unchanged"), …
    counts: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    # Replies whose parent was not there: stored at the top level, listed here.
    top_level: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    holding_posts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)  # one line per post, for --dry-run

    KINDS = ("author", "series", "post", "thread", "comment")

    def count(self, kind: str, outcome: str, number: int = 1) -> None:
        self.counts[(kind, outcome)] += number

    def total(self, kind: str, outcome: str) -> int:
        return self.counts[(kind, outcome)]

    def lines(self, *, verbose: bool = False) -> list[str]:
        head = "Dry run of" if self.dry_run else "Imported"
        lines = [
            f"{head} {self.label}" + (f" (source {self.source_key})" if self.source_key else "")
        ]
        verbs = ("created", "linked", "matched", "updated", "unchanged")
        if self.dry_run:
            words = {
                "created": "to create",
                "linked": "to link",
                "matched": "matched to posts",
                "updated": "to update",
            }
        else:
            words = {"matched": "matched to posts"}
        for kind in self.KINDS:
            parts = [
                f"{self.counts[(kind, verb)]} {words.get(verb, verb)}"
                for verb in verbs
                if self.counts[(kind, verb)]
            ]
            if kind == "comment" and self.counts[(kind, "erased")]:
                parts.append(f"{self.counts[(kind, 'erased')]} deleted here and left out")
            if parts:
                plural = {"series": "series"}.get(kind, kind + "s")
                lines.append(f"  {plural}: " + ", ".join(parts))
        if self.skipped:
            lines.append(
                "  skipped: "
                + ", ".join(f"{number} {what}" for what, number in sorted(self.skipped.items()))
            )
        sections = [
            (
                "Replies placed at the top level (their parent is not in the export):",
                self.top_level,
            ),
            ("Duplicate ids in the file:", self.duplicates),
            ("Posts created to hold comments that matched no post (drafts):", self.holding_posts),
            ("Notes:", self.notes),
        ]
        for title, items in sections:
            if items:
                lines.append(title)
                lines.extend(f"  - {item}" for item in items)
        if (self.dry_run or verbose) and self.actions:
            lines.append("Posts:" if not self.dry_run else "Would write these posts:")
            lines.extend(f"  {action}" for action in self.actions)
        if self.dry_run:
            lines.append("Dry run: nothing was written.")
        return lines
