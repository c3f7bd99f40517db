"""One import run: the records a reader yields, applied in one transaction.

``run_import`` reads the whole file inside one transaction (parsed a little ahead in a
thread of its own, ``porting.readahead``; every write stays on the import's thread).
``ImportRun`` composes the writers, each holding only its own state and sharing the
``Ledger`` and the ``Report``. Authors and series are written as they are read
(``People``), posts a hundred at a time (``PostWriter``; Disqus threads are matched to
posts by ``Threads``, the rest held in drafts by ``HoldingPosts``); comments wait in
``CommentStaging`` until the file has been read to the end, then go in a thread at a
time, parents first (``Batches``: new threads together; ``CommentWriter``: one at a
time). A malformed file, a broken thread or any error rolls everything back;
``--dry-run`` rolls back on purpose after counting.

Each item's source id is remembered in ``ImportedItem`` (``ledger``) with a digest of what
was read, so a second import of the same file changes nothing, and a newer export of the
same site updates what changed and adds what is new. Items deleted here (an erased
comment) are not brought back.
"""

from collections.abc import Generator
from pathlib import Path
from typing import Protocol

from django.db import transaction
from django.utils.translation import gettext as _

from comments.tree import check_trees
from porting.models import ImportedItem
from porting.progress import Progress
from porting.readahead import read_ahead
from porting.readers.base import Format, Options
from porting.records import (
    AuthorRecord,
    CommentRecord,
    PostRecord,
    SeriesRecord,
    Skipped,
    SourceInfo,
    ThreadRecord,
)
from porting.report import Report
from porting.staging import CommentStaging

from .base import ImportFailed
from .batch import Batches
from .comments import CommentWriter
from .holding import HoldingPosts
from .ledger import Ledger
from .people import People
from .posts import PostWriter
from .threads import Threads

Record = (
    SourceInfo | CommentRecord | ThreadRecord | Skipped | PostRecord | AuthorRecord | SeriesRecord
)


class Output(Protocol):
    """Where the progress line goes: a command's stdout, a file, a test's StringIO."""

    def write(self, text: str, /) -> object: ...


def run_import(fmt: Format, path: Path, *, options: Options, stdout: Output) -> Report:
    path = Path(path)
    enabled = bool(getattr(stdout, "isatty", lambda: False)())
    total = fmt.count(path) if enabled else 0
    progress = Progress(stdout, total=total, enabled=enabled)
    run = ImportRun(fmt, path, options, progress)
    try:
        with transaction.atomic():
            run.execute()
            if options.dry_run:
                transaction.set_rollback(True)
    finally:
        progress.finish()
    return run.report


class ImportRun:
    """One import: the writers, composed; each holds its own state and shares the ledger
    and the report."""

    def __init__(self, fmt: Format, path: Path, options: Options, progress: Progress) -> None:
        self.fmt = fmt
        self.path = path
        self.options = options
        self.progress = progress
        self.source: SourceInfo | None = None
        self.report = Report(label=f"{fmt.name} {path.name}", dry_run=options.dry_run)
        self.ledger = Ledger(source=fmt.source)
        self.people = People(
            ledger=self.ledger, report=self.report, fallback_username=options.author
        )
        holding = HoldingPosts(ledger=self.ledger, report=self.report, people=self.people)
        self.threads = Threads(ledger=self.ledger, report=self.report, holding=holding,
                               unmatched=options.unmatched)  # fmt: skip
        self.posts = PostWriter(
            ledger=self.ledger,
            report=self.report,
            people=self.people,
            holding=holding,
            threads=self.threads if fmt.comments_on == ImportedItem.Kind.THREAD else None,
        )
        self.comments = CommentWriter(ledger=self.ledger, report=self.report,
                                      people=self.people, posts=self.posts,
                                      progress=progress)  # fmt: skip
        self.batches = Batches(comments=self.comments, ledger=self.ledger,
                               report=self.report, posts=self.posts,
                               progress=progress)  # fmt: skip

    def execute(self) -> None:
        staging = CommentStaging()
        records = read_ahead(self.fmt.read(self.path, self.options))
        try:
            for record in records:
                self.apply(staging, record)
        finally:
            # A generator (typed as an iterator): closed, its reader thread stops on an
            # error here, not when the traceback goes.
            if isinstance(records, Generator):
                records.close()
        self.require_source()
        self.posts.flush_posts()
        self.comments.flush_staging(staging)
        self.batches.place_comments(staging)
        staging.drop()
        self.comments.link_replies()
        touched = sorted(self.comments.touched_trees)
        problems = []
        for start in range(0, len(touched), 2000):  # a slice at a time: memory stays flat
            problems += check_trees(tree_ids=touched[start : start + 2000])
        if problems:
            listed = "; ".join(str(problem) for problem in problems[:10])
            raise ImportFailed(f"the comment threads would be broken ({listed}); nothing imported")

    def apply(self, staging: CommentStaging, record: Record) -> None:
        """One record of the export, in file order."""
        if isinstance(record, SourceInfo):
            self.start(record)
        elif isinstance(record, CommentRecord):
            self.comments.stage(staging, record)
        elif isinstance(record, ThreadRecord):
            self.threads.add(record)
            self.progress.advance()
        elif isinstance(record, Skipped):
            self.skip(record)
        else:
            self.require_source()
            if isinstance(record, PostRecord):
                self.posts.post(record)
                self.progress.advance()
            elif isinstance(record, AuthorRecord):
                self.people.author_record(record)
            elif isinstance(record, SeriesRecord):
                self.people.series(record)

    def start(self, info: SourceInfo) -> None:
        if self.source is not None:
            return
        if self.options.site:
            info.key = self.options.site
        info.key = info.key[:300]
        self.source = info
        self.ledger.open(info.key)
        self.report.label = info.label
        self.report.source_key = info.key

    def require_source(self) -> None:
        if self.source is None:
            raise ImportFailed("the export does not say which site it comes from")

    def skip(self, record: Skipped) -> None:
        self.report.skipped[record.what] += 1
        if record.post_id:
            self.posts.skip(record.post_id)
        if record.comments:
            self.report.skipped[_("comments on skipped items")] += record.comments
        self.progress.advance(1 + record.comments)
