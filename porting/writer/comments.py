"""Comments from an export: staged while the file is read, then placed parents first.

A mixin of ``ImportRun``. One comment's way in: ``stage`` (into ``CommentStaging``, where
duplicate ids are kept apart), then ``place_comment``: an id imported before is updated
through ``moderation.services.comment_update_from_import``; a new one is created on its
post under its parent through ``comments.services.comment_create_as_is``.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from blog.models import Post
from comments.models import Comment
from comments.permissions import badge_on_post
from comments.reasons import Kind as ReasonKind
from comments.reasons import Reason, describe, reason
from comments.services import comment_create_as_is
from comments.text import clean_input, clean_line
from moderation.services import comment_update_from_import
from porting import identity
from porting import staging as staging_module
from porting.models import ImportedItem
from porting.records import CommentRecord
from porting.staging import CommentStaging

Kind = ImportedItem.Kind


def staging_batch() -> int:
    return staging_module.BATCH  # read when used: tests make batches small


class Comments:
    def stage(self, staging: CommentStaging, record: CommentRecord) -> None:
        """Hold a comment until the file is read; staged in batches, one INSERT each."""
        record.post_id = self.post_id_of(record.post_id)
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
        existing = self.item(Kind.COMMENT, record.source_id)
        if existing is not None:
            self.update_comment(existing, record, digest)
            return
        local = identity.local_object("comment", record.source_id)
        if local is not None:
            self.remember(Kind.COMMENT, record.source_id, local, digest=digest)
            self.report.count("comment", "linked")
            return
        post = self.post_for(record.post_id)
        if post is None:
            self.report.skipped[_("comments on skipped items")] += 1
            return
        self.create_comment(record, post, digest)

    def comment_fields(self, record: CommentRecord, post: Post, parent: Comment | None) -> dict:
        """What a record says about its comment, as ``comment_create_as_is`` (and the batch
        path's ``comment_as_is``) take it: the same for one comment or a whole thread."""
        user = self.commenter(record.user_id)
        role = record.role if record.role in ("", "author", "moderator", "team") else ""
        if not role and user is not None:
            role = badge_on_post(user, post)
        return {
            "post": post,
            "parent": parent,
            "body": record.body,
            "status": record.status,
            "submitted_at": record.submitted_at,
            "author_name": record.author_name,
            "author_email": record.author_email,
            "author_url": record.author_url,
            "quote": clean_input(record.quote) if parent is not None else "",
            "user": user,
            "role": role,
            "ip": record.ip,
            "user_agent": record.user_agent,
        }

    def create_comment(self, record: CommentRecord, post: Post, digest: str) -> None:
        parent, note = self._parent(record, post)
        comment = comment_create_as_is(
            source=self.label + (f"; {describe(note)}" if note else ""),
            **self.comment_fields(record, post, parent),
        )
        extra = {}
        if record.ip_hash and not record.ip:
            extra["ip_hash"] = record.ip_hash
        if record.reply_to_id and parent is not None and record.reply_to_id != record.parent_id:
            self.reply_links.append((comment.pk, record.reply_to_id))
        if note:
            extra["status_reasons"] = [*comment.status_reasons, note]
        if record.edit_note or record.edited_at:
            extra.update(edit_note=clean_line(record.edit_note)[:300], edited_at=record.edited_at)
        if extra:
            # Fields the import carries over as they were; not a change of the comment.
            Comment.objects.filter(pk=comment.pk).update(**extra)
        self.remember(Kind.COMMENT, record.source_id, comment, digest=digest)
        self.touched_trees.add(comment.tree_id)
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
            source=self.label,
        )
        self.remember(Kind.COMMENT, record.source_id, comment, digest=digest, existing=existing)
        self.report.count("comment", "updated" if changes else "unchanged")

    def link_replies(self) -> None:
        """Point flattened deep replies at the comment they answer, now that it is here."""
        for pk, source_id in self.reply_links:
            answered = self.imported(Kind.COMMENT, source_id, Comment)
            comment = Comment.objects.get(pk=pk)
            if answered is not None and answered.post_id == comment.post_id:
                Comment.objects.filter(pk=pk).update(reply_to=answered)

    def _parent(self, record: CommentRecord, post: Post) -> tuple[Comment | None, Reason | None]:
        """The comment ``record`` answers, or None and the reason it goes to the top level."""
        if not record.parent_id:
            return None, None
        parent = self.imported(Kind.COMMENT, record.parent_id, Comment)
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
