"""Staged comments placed a thread at a time, new threads in batches.

``Batches`` places the staged comments for a ``CommentWriter``. A thread whose comments
are all new (the common case: a first import) is built in memory and stored with others
in a few statements (``comments.services.comments_create_as_is``, which writes them with
``COPY``). A thread that touches anything already here (a comment imported before, a
reply to one, a comment of this site's own export) goes one comment at a time through
``CommentWriter.place_comment``. Both build each comment with ``comment_from_record``.
Either way threads keep the order of their first comment, so the page shows them as the
old site did.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from comments.models import Comment
from comments.services import comments_create_as_is
from porting.identity import PREFIX
from porting.models import ImportedItem
from porting.progress import Progress
from porting.records import CommentRecord
from porting.report import Report
from porting.staging import CommentStaging

from .comments import CommentWriter
from .ledger import Ledger
from .posts import PostWriter

Kind = ImportedItem.Kind
BATCH = 500  # comments per batch of new threads


@dataclass
class NewComments:
    """New threads waiting to be stored together."""

    comments: list[Comment] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    records: list[CommentRecord] = field(default_factory=list)
    digests: list[str] = field(default_factory=list)

    def add(self, comment: Comment, source: str, record: CommentRecord) -> None:
        self.comments.append(comment)
        self.sources.append(source)
        self.records.append(record)
        self.digests.append(record.digest())


class Batches:
    def __init__(self, *, comments: CommentWriter, ledger: Ledger, report: Report,
                 posts: PostWriter, progress: Progress) -> None:  # fmt: skip
        self.comments = comments  # for the threads that go one comment at a time
        self.ledger = ledger
        self.report = report
        self.posts = posts
        self.progress = progress

    def place_comments(self, staging: CommentStaging) -> None:
        """Every staged comment, a thread at a time, new threads a batch at a time."""
        waiting: list[list[CommentRecord]] = []
        size = 0
        current: int | None = None
        thread: list[CommentRecord] = []
        for root, record in staging.ordered():
            if root is None or root != current:
                if thread:
                    waiting.append(thread)
                    size += len(thread)
                current, thread = root, []
                if size >= BATCH:
                    self._place_threads(waiting)
                    waiting, size = [], 0
            if root is None:
                waiting.append([record])  # in a cycle of parents: alone, one by one
                size += 1
            else:
                thread.append(record)
        if thread:
            waiting.append(thread)
        self._place_threads(waiting)

    def _place_threads(self, threads: list[list[CommentRecord]]) -> None:
        """Store each thread: new ones together, the others one comment at a time."""
        known = self.ledger.imported_ids(Kind.COMMENT, [r.source_id for t in threads for r in t])
        self.posts.load_posts({records[0].post_id for records in threads})
        new = NewComments()
        for records in threads:
            if not self._build_thread(records, known, new):
                self._store(new)
                new = NewComments()
                for record in records:
                    self.comments.place_comment(record)
                    self.progress.advance()
        self._store(new)

    def _build_thread(self, records: list[CommentRecord], known: set[str],
                      new: NewComments) -> bool:  # fmt: skip
        """Add a thread of new comments to ``new``; False if it must go one by one."""
        root = records[0]
        if any(
            record.source_id in known
            or record.source_id.startswith(PREFIX)
            or record.post_id != root.post_id
            for record in records
        ):
            return False
        post = self.posts.post_for(root.post_id)
        if post is None:
            self.report.skipped[_("comments on skipped items")] += len(records)
            self.progress.advance(len(records))
            return True
        note = None
        if root.parent_id:
            if root.parent_id.startswith(PREFIX):
                return False
            parent, note = self.comments.parent_of(root, post)
            if parent is not None:
                return False  # a reply to a comment already here: its thread is locked
        placed: dict[str, Comment] = {}
        for record in records:
            if record is root:
                comment = self.comments.build(record, post, None, note)
                source = self.comments.source(note)
            else:
                comment = self.comments.build(record, post, placed.get(record.parent_id))
                source = self.comments.source()
            placed[record.source_id] = comment
            new.add(comment, source, record)
        return True

    def _store(self, new: NewComments) -> None:
        if not new.comments:
            return
        comments_create_as_is(comments=new.comments, sources=new.sources)
        self.ledger.remember_many(
            Kind.COMMENT,
            [
                (record.source_id, comment, digest, "")
                for record, comment, digest in zip(
                    new.records, new.comments, new.digests, strict=True
                )
            ],
        )
        for record, comment in zip(new.records, new.comments, strict=True):
            self.comments.arrived(record, comment)
        self.report.count("comment", "created", len(new.comments))
        self.progress.advance(len(new.comments))
