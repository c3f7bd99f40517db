"""Records from an export become users, series, posts and comments: all or nothing.

``run_import`` reads the whole file inside one transaction. Authors, series and posts are
written as they are read; comments wait in ``CommentStaging`` until the file has been read
to the end, then go in parents first (``comments.services.comment_create_as_is``, which
takes the thread locks, writes the first revision and the "imported from …" audit event).
A malformed file, a broken thread or any error rolls everything back; ``--dry-run`` rolls
back on purpose after counting.

Each item's source id is remembered in ``ImportedItem`` with a digest of what was read, so
a second import of the same file changes nothing, and a newer export of the same site
updates what changed and adds what is new. Items deleted here (an erased comment) are not
brought back.
"""

import datetime
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from blog.models import AuthorProfile, Post, Series
from comments.models import Comment, CommentRevision
from comments.services import comment_create_as_is, role_on_post
from comments.text import clean_input, clean_line, normalise_whitespace
from comments.tree import check_trees

from ..models import ImportedItem, ModerationEvent
from . import identity
from .progress import Progress
from .records import (
    AuthorRecord,
    CommentRecord,
    PostRecord,
    SeriesRecord,
    Skipped,
    SourceInfo,
    ThreadRecord,
    digest_of,
)
from .report import Report
from .staging import CommentStaging

Kind = ImportedItem.Kind
User = get_user_model()


class ImportFailed(Exception):
    """The import cannot finish; everything it wrote is rolled back."""


@dataclass
class Options:
    dry_run: bool = False
    pages: bool = False
    site: str = ""  # overrides the source key read from the file
    timezone: datetime.tzinfo = field(default_factory=lambda: ZoneInfo(settings.TIME_ZONE))
    author: str = ""  # username for posts without one, and for holding posts
    unmatched: str = "draft"  # Disqus threads that match no post: "draft" or "skip"
    verbosity: int = 1


class Format(ABC):
    """One export format: how to read it, and where its comments' posts are."""

    source: str = ""  # ImportedItem.Source
    name: str = ""  # "WordPress export"

    @abstractmethod
    def read(self, path: Path, options: Options):
        """Yield the file's records in the order they can be written."""

    @abstractmethod
    def count(self, path: Path) -> int:
        """How many items the file holds (for progress)."""

    def post_for_comment(self, run: "ImportRun", post_id: str) -> Post | None:
        """The post a comment belongs to; a draft holding post if it is not here."""
        post = run.imported(Kind.POST, post_id, Post)
        if post is not None:
            return post
        return run.holding_post(
            kind=Kind.POST,
            source_id=post_id,
            title=_("Comments on a post missing from the export (%(id)s)") % {"id": post_id},
            explanation=_("the post with id %(id)s is not in the export") % {"id": post_id},
        )


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


class ImportRun:
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
        self._users: dict[str, User] = {}
        self._series: dict[str, Series] = {}
        # Source id → post id (None: no post). Ids only: a 200 MB export's post bodies
        # must not pile up in memory; ``_recent`` keeps a few light Post objects.
        self._posts: dict[str, int | None] = {}
        self._recent: dict[int, Post] = {}
        self._fallback = None

    @property
    def label(self) -> str:
        return self.report.label

    # -- the run -------------------------------------------------------------------------

    def execute(self) -> None:
        staging = CommentStaging()
        for record in self.fmt.read(self.path, self.options):
            if isinstance(record, SourceInfo):
                self.start(record)
            elif isinstance(record, CommentRecord):
                self.stage(staging, record)
            elif isinstance(record, PostRecord):
                self.require_source()
                self.post(record)
                self.progress.advance()
            elif isinstance(record, AuthorRecord):
                self.require_source()
                self.author(record)
            elif isinstance(record, SeriesRecord):
                self.require_source()
                self.series(record)
            elif isinstance(record, ThreadRecord):
                self.threads[record.source_id] = record
                self.progress.advance()
            elif isinstance(record, Skipped):
                self.skip(record)
        self.require_source()
        for record in staging.ordered():
            self.place_comment(record)
            self.progress.advance()
        staging.drop()
        self.link_replies()
        problems = check_trees(tree_ids=self.touched_trees) if self.touched_trees else []
        if problems:
            listed = "; ".join(str(problem) for problem in problems[:10])
            raise ImportFailed(f"the comment threads would be broken ({listed}); nothing imported")

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

    # -- remembering where things came from -----------------------------------------------

    @staticmethod
    def key(source_id: str) -> str:
        return source_id if len(source_id) <= 300 else "sha256:" + digest_of(source_id)

    def item(self, kind: str, source_id: str) -> ImportedItem | None:
        return ImportedItem.objects.filter(
            source=self.fmt.source,
            source_key=self.source.key,
            kind=kind,
            source_id=self.key(source_id),
        ).first()

    def imported(self, kind: str, source_id: str, model):
        found = self.item(kind, source_id)
        return model.objects.filter(pk=found.object_id).first() if found else None

    def remember(self, kind, source_id, obj, *, digest="", url="", existing=None) -> None:
        if existing is not None:
            existing.object_id, existing.digest = obj.pk, digest
            existing.source_url = url[:500] or existing.source_url
            existing.save(update_fields=["object_id", "digest", "source_url", "updated_at"])
            return
        ImportedItem.objects.create(
            source=self.fmt.source,
            source_key=self.source.key,
            kind=kind,
            source_id=self.key(source_id),
            object_id=obj.pk,
            digest=digest,
            source_url=url[:500],
        )

    # -- authors and series --------------------------------------------------------------

    def author(self, record: AuthorRecord):
        if record.source_id in self._users:
            return self._users[record.source_id]
        existing = self.item(Kind.AUTHOR, record.source_id)
        user = User.objects.filter(pk=existing.object_id).first() if existing else None
        if user is not None:
            self.report.count("author", "unchanged")
        else:
            user = self._matching_user(record)
            if user is not None:
                self.report.count("author", "linked")
            else:
                user = User(
                    username=self._free_username(record.username or record.source_id),
                    email=record.email,
                    first_name=record.first_name[:150],
                    last_name=record.last_name[:150],
                )
                user.set_unusable_password()
                user.save()
                self.report.count("author", "created")
            self._ensure_profile(user, record)
            self.remember(Kind.AUTHOR, record.source_id, user, existing=existing)
        self._users[record.source_id] = user
        return user

    def _matching_user(self, record: AuthorRecord):
        if record.username:
            user = User.objects.filter(username__iexact=record.username).first()
            if user is not None:
                return user
        if record.email:
            users = list(User.objects.filter(email__iexact=record.email)[:2])
            if len(users) == 1:
                return users[0]
        return None

    @staticmethod
    def _free_username(wanted: str) -> str:
        base = re.sub(r"[^\w.@+-]", "", wanted.replace(" ", "-"))[:140] or "author"
        name, number = base, 1
        while User.objects.filter(username__iexact=name).exists():
            number += 1
            name = f"{base}-{number}"
        return name

    @staticmethod
    def _ensure_profile(user, record: AuthorRecord) -> None:
        if AuthorProfile.objects.filter(user=user).exists():
            return
        display = (
            clean_line(record.display_name)
            or clean_line(f"{record.first_name} {record.last_name}")
            or user.get_username()
        )[:80]
        base = slugify(display)[:40] or slugify(user.get_username())[:40] or "author"
        slug, number = base, 1
        while AuthorProfile.objects.filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
        AuthorProfile.objects.create(user=user, display_name=display, slug=slug)

    def fallback_author(self):
        """Who owns posts that name no author, and the drafts that hold unplaced comments."""
        if self._fallback is not None:
            return self._fallback
        if self.options.author:
            user = User.objects.filter(username=self.options.author).first()
            if user is None:
                raise ImportFailed(f"there is no user named {self.options.author!r}")
        else:
            user = User.objects.filter(is_superuser=True).order_by("pk").first()
            if user is None:
                user, created = User.objects.get_or_create(
                    username="imported", defaults={"is_active": False}
                )
                if created:
                    user.set_unusable_password()
                    user.save()
                    self.report.notes.append(
                        _("Posts without an author belong to a new, inactive user “imported”.")
                    )
        self._fallback = user
        return user

    def series(self, record: SeriesRecord) -> Series:
        if record.source_id in self._series:
            return self._series[record.source_id]
        existing = self.item(Kind.SERIES, record.source_id)
        series = Series.objects.filter(pk=existing.object_id).first() if existing else None
        if series is not None:
            self.report.count("series", "unchanged")
        else:
            name = clean_line(record.name)[:100]
            series = Series.objects.filter(name__iexact=name).first()
            if series is not None:
                self.report.count("series", "linked")
                if not series.description and record.description:
                    series.description = clean_line(record.description)[:300]
                    series.save(update_fields=["description"])
            else:
                series = Series(name=name, description=clean_line(record.description)[:300])
                slug = slugify(unquote(record.slug), allow_unicode=True)[:100]
                if slug and not Series.objects.filter(slug=slug).exists():
                    series.slug = slug
                series.save()
                self.report.count("series", "created")
            self.remember(Kind.SERIES, record.source_id, series, existing=existing)
        self._series[record.source_id] = series
        return series

    # -- posts ---------------------------------------------------------------------------

    def post(self, record: PostRecord) -> None:
        digest = record.digest()
        existing = self.item(Kind.POST, record.source_id)
        title = clean_line(record.title)[:200] or _("Untitled")
        for note in record.notes:
            self.report.notes.append(f"“{title}”: {note}")
        if existing is not None:
            post = Post.objects.filter(pk=existing.object_id).first()
            if post is None:
                self.report.count("post", "erased")
                self.report.notes.append(
                    _("“%(title)s” was deleted here; it and its comments are left out.")
                    % {"title": title}
                )
                self.skipped_posts.add(record.source_id)
                return
            if existing.digest != digest:
                self._fill_post(post, record, title)
                post.save()
                post.tags.set([self.series(series) for series in record.series])
                self.remember(Kind.POST, record.source_id, post, digest=digest,
                              url=record.url, existing=existing)  # fmt: skip
                self.report.count("post", "updated")
                self.report.actions.append(f"update “{title}” (/{post.slug}/)")
            else:
                self.report.count("post", "unchanged")
            self._posts[record.source_id] = post.pk
            return
        post = identity.local_object("post", record.source_id)
        if post is not None:
            self.report.count("post", "linked")
            self.report.actions.append(f"link “{title}” to /{post.slug}/, already here")
        else:
            post = Post(slug=self._free_slug(record.slug, title))
            self._fill_post(post, record, title)
            post.save()
            post.tags.set([self.series(series) for series in record.series])
            self.report.count("post", "created")
            if record.published_at is None and post.status == Post.Status.PUBLISHED:
                self.report.notes.append(f"“{title}”: " + _("has no date: published now"))
            self.report.actions.append(f"create “{title}” (/{post.slug}/, {post.status})")
        self.remember(Kind.POST, record.source_id, post, digest=digest, url=record.url)
        self._posts[record.source_id] = post.pk

    def _fill_post(self, post: Post, record: PostRecord, title: str) -> None:
        post.title = title
        post.author = self.author(record.author) if record.author else self.fallback_author()
        post.body = clean_input(record.body)
        post.summary = clean_input(record.summary)
        post.status = record.status
        post.published_at = record.published_at
        post.comments_open = record.comments_open
        post.comments_close_at = record.comments_close_at
        post.competing_interests = clean_line(record.competing_interests)[:300]
        post.postscript = clean_input(record.postscript)

    @staticmethod
    def _free_slug(wanted: str, title: str) -> str:
        base = slugify(unquote(wanted))[:190].strip("-") or slugify(title)[:190].strip("-")
        base = base or "post"
        slug, number = base, 1
        while Post.objects.filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
        return slug

    def holding_post(self, *, kind: str, source_id: str, title: str, explanation: str,
                     url: str = "", closed: bool = False) -> Post:  # fmt: skip
        """A draft that keeps comments whose post is not here, so nothing is dropped."""
        body = _(
            "Comments imported from %(source)s whose post is not on this site "
            "(%(why)s). Nobody sees this draft; move its comments or delete it."
        ) % {"source": self.label, "why": explanation}
        if url:
            body += "\n\n" + _("Old address: <%(url)s>") % {"url": url}
        post = Post(
            title=clean_line(title)[:200],
            slug=self._free_slug("", title),
            author=self.fallback_author(),
            body=body,
            status=Post.Status.DRAFT,
            comments_open=not closed,
        )
        post.save()
        self.remember(kind, source_id, post, url=url)
        self.report.holding_posts.append(f"“{post.title}” (/{post.slug}/)")
        return post

    def post_for(self, post_id: str) -> Post | None:
        if post_id in self.skipped_posts:
            return None
        if post_id not in self._posts:
            post = self.fmt.post_for_comment(self, post_id)
            self._posts[post_id] = post.pk if post is not None else None
        pk = self._posts[post_id]
        if pk is None:
            return None
        if pk not in self._recent:
            if len(self._recent) >= 256:
                self._recent.clear()
            self._recent[pk] = Post.objects.only("id", "title", "slug", "author_id").get(pk=pk)
        return self._recent[pk]

    # -- comments ------------------------------------------------------------------------

    def stage(self, staging: CommentStaging, record: CommentRecord) -> None:
        if record.submitted_at is None:
            record.submitted_at, record.dated = timezone.now(), False
            self.report.notes.append(
                _("comment %(id)s has no date: dated now") % {"id": record.source_id}
            )
        for note in record.notes:
            self.report.notes.append(
                _("comment %(id)s: %(note)s") % {"id": record.source_id, "note": note}
            )
        wanted = record.source_id
        staged = staging.add(record)
        if staged is None:
            self.report.duplicates.append(
                _("comment %(id)s appears twice, identical: imported once") % {"id": wanted}
            )
            self.progress.advance()
        elif staged != wanted:
            self.report.duplicates.append(
                _("comment id %(id)s is used by two different comments: the later one "
                  "(on post %(post)s) is kept as %(new)s")
                % {"id": wanted, "post": record.post_id, "new": staged}
            )  # fmt: skip

    def place_comment(self, record: CommentRecord) -> None:
        digest = record.digest()
        existing = self.item(Kind.COMMENT, record.source_id)
        if existing is not None:
            comment = Comment.objects.filter(pk=existing.object_id).first()
            if comment is None:
                self.report.count("comment", "erased")
            elif existing.digest == digest:
                self.report.count("comment", "unchanged")
            else:
                self._update_comment(comment, record)
                self.remember(Kind.COMMENT, record.source_id, comment, digest=digest,
                              existing=existing)  # fmt: skip
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
        parent, note = self._parent(record, post)
        user = self._user(record.user_id)
        role = record.role if record.role in ("", "author", "moderator") else ""
        if not role and user is not None:
            role = role_on_post(user, post)
        comment = comment_create_as_is(
            post=post,
            parent=parent,
            body=record.body,
            status=record.status,
            submitted_at=record.submitted_at,
            source=self.label + (f"; {note}" if note else ""),
            author_name=record.author_name,
            author_email=record.author_email,
            author_url=record.author_url,
            quote=clean_input(record.quote) if parent is not None else "",
            user=user,
            role=role,
            ip=record.ip,
            user_agent=record.user_agent,
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
            Comment.objects.filter(pk=comment.pk).update(**extra)
        self.remember(Kind.COMMENT, record.source_id, comment, digest=digest)
        self.touched_trees.add(comment.tree_id)
        self.report.count("comment", "created")

    def link_replies(self) -> None:
        """Point flattened deep replies at the comment they answer, now that it is here."""
        for pk, source_id in self.reply_links:
            answered = self.imported(Kind.COMMENT, source_id, Comment)
            comment = Comment.objects.get(pk=pk)
            if answered is not None and answered.post_id == comment.post_id:
                Comment.objects.filter(pk=pk).update(reply_to=answered)

    def _parent(self, record: CommentRecord, post: Post) -> tuple[Comment | None, str]:
        if not record.parent_id:
            return None, ""
        parent = self.imported(Kind.COMMENT, record.parent_id, Comment)
        if parent is None:
            parent = identity.local_object("comment", record.parent_id)
        if parent is not None and parent.post_id == post.pk:
            return parent, ""
        shown = record.parent_id if len(record.parent_id) < 80 else record.parent_id[:77] + "…"
        note = (
            _("imported reply to comment %(id)s, which is not in the export: "
              "placed at the top level") % {"id": shown}
        )  # fmt: skip
        self.report.top_level.append(
            _("comment %(id)s on “%(title)s” (reply to %(parent)s)")
            % {"id": record.source_id, "title": post.title, "parent": shown}
        )
        return None, note

    def _user(self, user_id: str):
        if not user_id:
            return None
        if user_id not in self._users:
            self._users[user_id] = self.imported(Kind.AUTHOR, user_id, User)
        return self._users[user_id]

    def _update_comment(self, comment: Comment, record: CommentRecord) -> None:
        """A newer export changed this comment: its text (kept as a revision), its status
        or its commenter's details. One audit event says what changed."""
        changes = []
        body = clean_input(record.body)
        quote = normalise_whitespace(record.quote) if comment.parent_id else ""
        if (body, quote) != (comment.body, comment.quote):
            CommentRevision.objects.create(
                comment=comment,
                body=body,
                quote=quote,
                reason=_("updated from %(source)s") % {"source": self.label},
                created_at=timezone.now(),
            )
            comment.body, comment.quote = body, quote
            changes.append(_("text"))
        from_status = comment.status
        if record.status != comment.status:
            comment.status = record.status
            changes.append(_("status"))
        details = (clean_line(record.author_name)[:80], record.author_email, record.author_url)
        if details != (comment.author_name, comment.author_email, comment.author_url):
            comment.author_name, comment.author_email, comment.author_url = details
            changes.append(_("commenter's details"))
        if not changes:
            self.report.count("comment", "unchanged")
            return
        comment.save(
            update_fields=["body", "body_html", "quote", "status", "author_name",
                           "author_email", "author_url"]
        )  # fmt: skip
        ModerationEvent.objects.create(
            comment=comment,
            comment_ref=comment.pk,
            actor=None,
            action=ModerationEvent.Action.IMPORTED,
            from_status=from_status,
            to_status=comment.status,
            reason=_("updated from %(source)s: %(changes)s")
            % {"source": self.label, "changes": ", ".join(changes)},
        )
        self.report.count("comment", "updated")
