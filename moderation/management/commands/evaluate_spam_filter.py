"""Cross-validation of the spam filter on a labelled CSV (nothing is saved): k folds, by
group when one is named, or each group (source) in turn held out."""

import csv
import time

from django.core.management.base import BaseCommand, CommandError

from moderation.spam import report
from moderation.spam.features import Sample
from moderation.spam.training import cross_validate

SPAM_LABELS = {"1", "spam", "true", "yes", "y", "s"}
LEGITIMATE_LABELS = {"0", "ham", "legitimate", "not spam", "false", "no", "n", "h"}


class Command(BaseCommand):
    help = (
        "Cross-validate the spam filter on a labelled CSV: precision, recall and the share "
        "of legitimate comments sent to spam at the thresholds."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV with a header row")
        parser.add_argument("--text-column", default="text")
        parser.add_argument(
            "--label-column", default="label", help="spam: 1/spam/true; legitimate: 0/ham/false"
        )
        parser.add_argument("--name-column", default="", help="the writer's name, if any")
        parser.add_argument("--group-column", default="",
                            help="keep each group (post, video, source) in one fold")  # fmt: skip
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument(
            "--leave-one-group-out", action="store_true",
            help="each group (source) in turn is the test fold; needs --group-column",
        )  # fmt: skip

    def handle(self, *args, **options):
        samples, labels, groups = self._read(options)
        spam = sum(labels)
        if min(spam, len(labels) - spam) < 2:
            raise CommandError("The file needs at least two spam and two legitimate rows.")
        if options["leave_one_group_out"] and not options["group_column"]:
            raise CommandError("--leave-one-group-out needs --group-column.")
        started = time.perf_counter()
        try:
            evaluation = cross_validate(
                samples, labels, groups if options["group_column"] else None,
                folds=options["folds"], each_group=options["leave_one_group_out"],
                group_name=options["group_column"] or "group",
            )  # fmt: skip
        except ValueError as error:
            raise CommandError(f"Cannot cross-validate this file: {error}.") from error
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{len(labels):,} comments: {spam:,} spam, {len(labels) - spam:,} legitimate"
        )
        for line in report.evaluation_lines(evaluation.figures):
            self.stdout.write(line)
        self.stdout.write(f"Took {seconds:.1f} s.")

    def _read(self, options):
        path, text_column = options["file"], options["text_column"]
        label_column, name_column = options["label_column"], options["name_column"]
        group_column = options["group_column"]
        try:
            handle = open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        samples, labels, groups = [], [], []
        with handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            for column in filter(None, [text_column, label_column, name_column, group_column]):
                if column not in columns:
                    raise CommandError(
                        f"{path} has no column {column!r}; its columns are: {', '.join(columns)}"
                    )
            for line, row in enumerate(reader, start=2):
                label = (row[label_column] or "").strip().lower()
                if label in SPAM_LABELS:
                    labels.append(True)
                elif label in LEGITIMATE_LABELS:
                    labels.append(False)
                else:
                    raise CommandError(f"{path}, line {line}: unknown label {row[label_column]!r}")
                name = row[name_column] if name_column else ""
                samples.append(Sample(body=row[text_column] or "", name=name or ""))
                groups.append(row[group_column] if group_column else "")
        return samples, labels, groups
