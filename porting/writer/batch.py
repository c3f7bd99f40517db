"""Staged comments placed a thread at a time, new threads in batches.

A mixin of ``ImportRun``. A thread whose comments are all new (the common case: a first
import) is built in memory and stored with others in a few statements
(``comments.services.comments_create_as_is``, which writes them with ``COPY``). A thread
that touches anything already here (a comment imported before, a reply to one, a
comment of this site's own export) goes one comment at a time through
``place_comment``. Either way threads keep the order
of their first comment, so the page shows them as the old site did.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from comments.models import Comment
from comments.reasons import describe
from comments.services import comment_as_is, comments_create_as_is
from comments.text import clean_line
from porting.identity import PREFIX
from porting.models import ImportedItem
from porting.records import CommentRecord
from porting.staging import CommentStaging

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
    def place_comments(self, staging: CommentStaging) -> None:
        waiting: list[list[CommentRecord]] = []
        size = 0
        current, thread = None, []
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
        known = self.imported_ids(Kind.COMMENT, [r.source_id for t in threads for r in t])
        self.load_posts({records[0].post_id for records in threads})
        new = NewComments()
        for records in threads:
            if not self._build_thread(records, known, new):
                self._store(new)
                new = NewComments()
                for record in records:
                    self.place_comment(record)
                    self.progress.advance()
        self._store(new)

    def _build_thread(self, records: list[CommentRecord], known: set[str], new) -> bool:
        """Add a thread of new comments to ``new``; False if it must go one by one."""
        root = records[0]
        if any(
            record.source_id in known
            or record.source_id.startswith(PREFIX)
            or record.post_id != root.post_id
            for record in records
        ):
            return False
        post = self.post_for(root.post_id)
        if post is None:
            self.report.skipped[_("comments on skipped items")] += len(records)
            self.progress.advance(len(records))
            return True
        note = None
        if root.parent_id:
            if root.parent_id.startswith(PREFIX):
                return False
            parent, note = self._parent(root, post)
            if parent is not None:
                return False  # a reply to a comment already here: its thread is locked
        placed: dict[str, Comment] = {}
        for record in records:
            parent = placed.get(record.parent_id) if record is not root else None
            comment = comment_as_is(**self.comment_fields(record, post, parent))
            if record.ip_hash and not record.ip:
                comment.ip_hash = record.ip_hash
            if record is root and note:
                comment.status_reasons = [note]
            if record.edit_note or record.edited_at:
                comment.edit_note = clean_line(record.edit_note)[:300]
                comment.edited_at = record.edited_at
            placed[record.source_id] = comment
            source = self.label + (f"; {describe(note)}" if record is root and note else "")
            new.add(comment, source, record)
        return True

    def _store(self, new: NewComments) -> None:
        if not new.comments:
            return
        comments_create_as_is(comments=new.comments, sources=new.sources)
        self.remember_many(
            Kind.COMMENT,
            [
                (record.source_id, comment, digest, "")
                for record, comment, digest in zip(
                    new.records, new.comments, new.digests, strict=True
                )
            ],
        )
        for record, comment in zip(new.records, new.comments, strict=True):
            if (
                record.reply_to_id
                and comment.parent_id is not None
                and record.reply_to_id != record.parent_id
            ):
                self.reply_links.append((comment.pk, record.reply_to_id))
            self.touched_trees.add(comment.tree_id)
        self.report.count("comment", "created", len(new.comments))
        self.progress.advance(len(new.comments))
