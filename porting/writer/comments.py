"""Comments from an export: staged while the file is read, then placed parents first.

``CommentWriter`` is one comment's way in: ``stage`` (into ``CommentStaging``, where
duplicate ids are kept apart), then ``place_comment``: an id imported before is updated
through ``moderation.services.comment_update_from_import``; a new one is built by
``comment_from_record`` (the batches of ``batch`` build theirs with it too) and stored on
its post under its parent through ``comments.services.comment_insert_as_is``. A reply the
old site nested deeper than this one is linked to the comment it answers once every
comment is here (``link_replies``, through ``comment_link_imported_reply``).
"""

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext as _

from blog.models import Post
from comments.models import Comment
from comments.permissions import badge_on_post
from comments.reasons import Kind as ReasonKind
from comments.reasons import Reason, describe, reason
from comments.services import comment_as_is, comment_insert_as_is, comment_link_imported_reply
from comments.text import clean_input, clean_line
from moderation.services import comment_update_from_import
from porting import identity
from porting import staging as staging_module
from porting.models import ImportedItem
from porting.progress import Progress
from porting.records import CommentRecord
from porting.report import Report
from porting.staging import CommentStaging

from .ledger import Ledger
from .people import People
from .posts import PostWriter

Kind = ImportedItem.Kind
ROLES = ("", "author", "moderator", "team")  # the badges an export may name


def staging_batch() -> int:
    return staging_module.BATCH  # read when used: tests make batches small


def comment_from_record(record: CommentRecord, *, post: Post, parent: Comment | None,
                        user: User | None, note: Reason | None = None) -> Comment:  # fmt: skip
    """The comment ``record`` describes, every field of it, not yet saved: the same for
    one comment or a whole thread.

    ``parent`` is where it goes (None: a new thread); ``note`` says why a reply went to
    the top level instead. What the old site knew is kept as it was: the address's hash
    (our own exports carry no address), the moderator's public edit note and its date.
    """
    role = record.role if record.role in ROLES else ""
    if not role and user is not None:
        role = badge_on_post(user, post)
    return comment_as_is(
        post=post,
        parent=parent,
        body=record.body,
        status=record.status,
        # Staging gave every record a time (``stage``: the import's, when the export had none).
        submitted_at=record.submitted_at or timezone.now(),
        author_name=record.author_name,
        author_email=record.author_email,
        author_url=record.author_url,
        quote=clean_input(record.quote) if parent is not None else "",
        user=user,
        role=role,
        ip=record.ip,
        ip_hash=record.ip_hash,
        user_agent=record.user_agent,
        status_reasons=[note] if note else [],
        edit_note=record.edit_note,
        edited_at=record.edited_at,
    )


class CommentWriter:
    def __init__(self, *, ledger: Ledger, report: Report, people: People, posts: PostWriter,
                 progress: Progress) -> None:  # fmt: skip
        self.ledger = ledger
        self.report = report
        self.people = people
        self.posts = posts
        self.progress = progress
        self.touched_trees: set[int] = set()  # threads to check once every comment is in
        # Replies deeper than their tree parent: (comment id, source id of what it answers).
        self.reply_links: list[tuple[int, str]] = []
        self._to_stage: list[CommentRecord] = []  # comments read, not yet staged

    def stage(self, staging: CommentStaging, record: CommentRecord) -> None:
        """Hold a comment until the file is read; staged in batches, one INSERT each."""
        record.post_id = self.posts.post_id_of(record.post_id)
        if record.submitted_at is None:
            record.submitted_at, record.dated = timezone.now(), False
            self.report.notes.append(
                _("comment %(id)s has no date: dated now") % {"id": record.source_id}
            )
        for note in record.notes:
            self.report.notes.append(
                _("comment %(id)s: %(note)s") % {"id": record.source_id, "note": note}
            )
        self._to_stage.append(record)
        if len(self._to_stage) >= staging_batch():
            self.flush_staging(staging)

    def flush_staging(self, staging: CommentStaging) -> None:
        records, self._to_stage = self._to_stage, []
        wanted = [record.source_id for record in records]
        for record, first, staged in zip(records, wanted, staging.add_many(records), strict=True):
            if staged is None:
                self.report.duplicates.append(
                    _("comment %(id)s appears twice, identical: imported once") % {"id": first}
                )
                self.progress.advance()
            elif staged != first:
                self.report.duplicates.append(
                    _("comment id %(id)s is used by two different comments: the later one "
                      "(on post %(post)s) is kept as %(new)s")
                    % {"id": first, "post": record.post_id, "new": staged}
                )  # fmt: skip

    def place_comment(self, record: CommentRecord) -> None:
        digest = record.digest()
        existing = self.ledger.item(Kind.COMMENT, record.source_id)
        if existing is not None:
            self.update_comment(existing, record, digest)
            return
        local = identity.local_object("comment", record.source_id)
        if local is not None:
            self.ledger.remember(Kind.COMMENT, record.source_id, local, digest=digest)
            self.report.count("comment", "linked")
            return
        post = self.posts.post_for(record.post_id)
        if post is None:
            self.report.skipped[_("comments on skipped items")] += 1
            return
        self.create_comment(record, post, digest)

    def build(self, record: CommentRecord, post: Post, parent: Comment | None,
              note: Reason | None = None) -> Comment:  # fmt: skip
        """``comment_from_record`` with the comment's writer looked up."""
        user = self.people.commenter(record.user_id)
        return comment_from_record(record, post=post, parent=parent, user=user, note=note)

    def source(self, note: Reason | None = None) -> str:
        """Where a comment came from, as its first revision and audit event say."""
        return self.report.label + (f"; {describe(note)}" if note else "")

    def arrived(self, record: CommentRecord, comment: Comment) -> None:
        """A new comment is stored: its thread is checked at the end, and a reply the old
        site nested deeper than here is linked to what it answers once that is here."""
        deeper = record.reply_to_id and record.reply_to_id != record.parent_id
        if deeper and comment.parent_id is not None:
            self.reply_links.append((comment.pk, record.reply_to_id))
        self.touched_trees.add(comment.tree_id)

    def create_comment(self, record: CommentRecord, post: Post, digest: str) -> None:
        parent, note = self.parent_of(record, post)
        comment = self.build(record, post, parent, note)
        comment_insert_as_is(comment=comment, source=self.source(note))
        self.arrived(record, comment)
        self.ledger.remember(Kind.COMMENT, record.source_id, comment, digest=digest)
        self.report.count("comment", "created")

    def update_comment(self, existing: ImportedItem, record: CommentRecord, digest: str) -> None:
        """A comment imported before: changed through the services if the export changed it."""
        comment = Comment.objects.filter(pk=existing.object_id).first()
        if comment is None:
            self.report.count("comment", "erased")
            return
        if existing.digest == digest:
            self.report.count("comment", "unchanged")
            return
        changes = comment_update_from_import(
            comment=comment,
            fields={
                "body": record.body,
                "quote": record.quote,
                "status": record.status,
                "author_name": clean_line(record.author_name)[:80],
                "author_email": record.author_email,
                "author_url": record.author_url,
            },
            source=self.report.label,
        )
        self.ledger.remember(
            Kind.COMMENT, record.source_id, comment, digest=digest, existing=existing
        )
        self.report.count("comment", "updated" if changes else "unchanged")

    def link_replies(self) -> None:
        """Point flattened deep replies at the comment they answer, now that it is here."""
        for pk, source_id in self.reply_links:
            answered = self.ledger.imported(Kind.COMMENT, source_id, Comment)
            comment = Comment.objects.get(pk=pk)
            if answered is not None:
                comment_link_imported_reply(comment=comment, answered=answered)

    def parent_of(self, record: CommentRecord, post: Post) -> tuple[Comment | None, Reason | None]:
        """The comment ``record`` answers, or None and the reason it goes to the top level."""
        if not record.parent_id:
            return None, None
        parent = self.ledger.imported(Kind.COMMENT, record.parent_id, Comment)
        if parent is None:
            parent = identity.local_object("comment", record.parent_id)
        if parent is not None and parent.post_id == post.pk:
            return parent, None
        shown = record.parent_id if len(record.parent_id) < 80 else record.parent_id[:77] + "…"
        note = reason(ReasonKind.IMPORTED, parent=shown)
        self.report.top_level.append(
            _("comment %(id)s on “%(title)s” (reply to %(parent)s)")
            % {"id": record.source_id, "title": post.title, "parent": shown}
        )
        return None, note
