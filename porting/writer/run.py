"""One import run: the records a reader yields, applied in one transaction.

``run_import`` reads the whole file inside one transaction (parsed a little ahead in a
thread of its own, ``porting.readahead``; every write stays on the import's thread).
Authors and series are written as they are read (``people``), posts a hundred at a time
(``posts``); comments wait in ``CommentStaging`` until the file has been read to the
end, then go in a thread at a time, parents first (``batch``: new threads together;
``comments``: one at a time). A malformed file, a broken thread or any error rolls
everything back; ``--dry-run`` rolls back on purpose after counting.

Each item's source id is remembered in ``ImportedItem`` (``ledger``) with a digest of what
was read, so a second import of the same file changes nothing, and a newer export of the
same site updates what changed and adds what is new. Items deleted here (an erased
comment) are not brought back.
"""

from contextlib import closing
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from comments.tree import check_trees
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
from .comments import Comments
from .ledger import Ledger
from .people import People
from .posts import Posts
from .threads import Threads


def run_import(fmt: Format, path: Path, *, options: Options, stdout) -> Report:
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


class ImportRun(Ledger, People, Posts, Threads, Comments, Batches):
    def __init__(self, fmt: Format, path: Path, options: Options, progress: Progress):
        self.fmt = fmt
        self.path = path
        self.options = options
        self.progress = progress
        self.source: SourceInfo | None = None
        self.report = Report(label=f"{fmt.name} {path.name}", dry_run=options.dry_run)
        self.threads: dict[str, ThreadRecord] = {}
        self.skipped_posts: set[str] = set()
        self.touched_trees: set[int] = set()
        # Replies deeper than their tree parent: (comment id, source id of what it answers).
        self.reply_links: list[tuple[int, str]] = []
        self._users: dict = {}
        self._authors_read: dict[str, AuthorRecord] = {}
        self._series: dict = {}
        # Source id → post id (None: no post). Ids only: a 200 MB export's post bodies
        # must not pile up in memory; ``_recent`` keeps a few light Post objects.
        self._posts: dict[str, int | None] = {}
        self._recent: dict = {}
        # Posts read in this run, source id → digest: an id is never used twice.
        self._posts_read: dict[str, str] = {}
        self._posts_waiting: list = []  # posts read, not yet written (record, digest, title)
        self._renamed_post: tuple[str, str] | None = None
        self._fallback = None
        self._to_stage: list[CommentRecord] = []  # comments read, not yet staged

    @property
    def label(self) -> str:
        return self.report.label

    def execute(self) -> None:
        staging = CommentStaging()
        # closing(): an error here stops the reader thread now, not when the traceback goes.
        with closing(read_ahead(self.fmt.read(self.path, self.options))) as records:
            for record in records:
                self.apply(staging, record)
        self.require_source()
        self.flush_posts()
        self.flush_staging(staging)
        self.place_comments(staging)
        staging.drop()
        self.link_replies()
        touched = sorted(self.touched_trees)
        problems = []
        for start in range(0, len(touched), 2000):  # a slice at a time: memory stays flat
            problems += check_trees(tree_ids=touched[start : start + 2000])
        if problems:
            listed = "; ".join(str(problem) for problem in problems[:10])
            raise ImportFailed(f"the comment threads would be broken ({listed}); nothing imported")

    def apply(self, staging: CommentStaging, record) -> None:
        """One record of the export, in file order."""
        if isinstance(record, SourceInfo):
            self.start(record)
        elif isinstance(record, CommentRecord):
            self.stage(staging, record)
        elif isinstance(record, ThreadRecord):
            self.threads[record.source_id] = record
            self.progress.advance()
        elif isinstance(record, Skipped):
            self.skip(record)
        else:
            self.require_source()
            if isinstance(record, PostRecord):
                self.post(record)
                self.progress.advance()
            elif isinstance(record, AuthorRecord):
                self.author_record(record)
            elif isinstance(record, SeriesRecord):
                self.series(record)

    def start(self, info: SourceInfo) -> None:
        if self.source is not None:
            return
        if self.options.site:
            info.key = self.options.site
        info.key = info.key[:300]
        self.source = info
        self.report.label = info.label
        self.report.source_key = info.key

    def require_source(self) -> None:
        if self.source is None:
            raise ImportFailed("the export does not say which site it comes from")

    def skip(self, record: Skipped) -> None:
        self.report.skipped[record.what] += 1
        if record.post_id:
            self.skipped_posts.add(record.post_id)
        if record.comments:
            self.report.skipped[_("comments on skipped items")] += record.comments
        self.progress.advance(1 + record.comments)
