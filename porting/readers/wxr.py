"""WordPress eXtended RSS (WXR 1.0, 1.1, 1.2; http or https namespaces), read as a stream.

Authors become users with an author profile, categories and tags become series (not
WordPress's default "Uncategorized"), posts (and pages, with ``--pages``) become posts,
and comments keep their threads through ``wp:comment_parent``. WordPress comment text is
HTML whose newlines are line breaks (``wpautop``); it becomes plain text. Pingbacks,
trackbacks, attachments, menu items and other item types are counted and left out.

Files written by ``export_wxr`` carry Colloquy's own fields in ``wp:postmeta`` and
``wp:commentmeta`` (``_colloquy_*``): the post's Markdown source, the quote a reply
answers, a rejected status. Their posts and comments are keyed by the uid they carry
(see ``identity``), not by the numbers in the file.
"""

import datetime
import re
from pathlib import Path

from django.utils.translation import gettext as _

from blog.models import Post
from comments.models import Comment
from porting import xmlstream
from porting.markdown import html_to_markdown
from porting.models import ImportedItem
from porting.readers.base import Format, Options
from porting.records import (
    AuthorRecord,
    CommentRecord,
    PostRecord,
    SeriesRecord,
    Skipped,
    SourceInfo,
    digest_of,
)
from porting.text import html_to_text
from porting.values import clean_email, clean_url, iso_date, rfc822_date, wp_date

NAMESPACES = xmlstream.Namespaces(
    patterns=(
        (re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/excerpt/?$"), "excerpt"),
        (re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/?$"), "wp"),
        (re.compile(r"^https?://purl\.org/rss/1\.0/modules/content/?$"), "content"),
        (re.compile(r"^https?://purl\.org/dc/elements/1\.1/?$"), "dc"),
        (re.compile(r"^https?://wellformedweb\.org/CommentAPI/?$"), "wfw"),
        (re.compile(r"^https?://www\.w3\.org/2005/Atom/?$"), "atom"),
    ),
    # What WordPress exports use; old WordPress.com exports forget to declare some.
    known={
        "excerpt": "http://wordpress.org/export/1.2/excerpt/",
        "content": "http://purl.org/rss/1.0/modules/content/",
        "wfw": "http://wellformedweb.org/CommentAPI/",
        "dc": "http://purl.org/dc/elements/1.1/",
        "wp": "http://wordpress.org/export/1.2/",
        "atom": "http://www.w3.org/2005/Atom",
        "sy": "http://purl.org/rss/1.0/modules/syndication/",
        "slash": "http://purl.org/rss/1.0/modules/slash/",
        "georss": "http://www.georss.org/georss",
        "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
        "media": "http://search.yahoo.com/mrss/",
        "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    },
)
ROOT = "rss"
FORMAT_NAME = "a WordPress export (WXR)"
COMMENT_STATUS: dict[str, str] = {  # WordPress's comment_approved: Comment.Status
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.REMOVED,
    "post-trashed": Comment.Status.REMOVED,
}
STATUSES = frozenset(Comment.Status.values)
SKIPPED_COMMENT_TYPES = {"pingback", "trackback"}
DEFAULT_CATEGORY = "uncategorized"
META = "_colloquy_"


def _channel_child(tag: str, ancestors: list[str]) -> bool:
    return len(ancestors) == 2 and ancestors[1] == "channel"


def _counted(tag: str, ancestors: list[str]) -> bool:
    return _channel_child(tag, ancestors) and tag == "item" or tag == "wp:comment"


class WXR(Format):
    source = ImportedItem.Source.WXR
    name = _("WordPress export")

    def count(self, path: Path) -> int:
        return xmlstream.count(path, NAMESPACES, _counted, root=ROOT, format_name=FORMAT_NAME)

    def read(self, path: Path, options: Options):
        reader = _Reader(path, options)
        elements = xmlstream.records(
            path, NAMESPACES, _channel_child, root=ROOT, format_name=FORMAT_NAME
        )
        for tag, element in elements:
            yield from reader.element(tag, element)
        yield from reader.finish()


class _Reader:
    def __init__(self, path: Path, options: Options):
        self.path = path
        self.options = options
        self.header: dict[str, str] = {}
        self.authors: dict[str, AuthorRecord] = {}  # by login, the first entry of each
        self.author_entries: list[AuthorRecord] = []  # every entry: the writer lists repeats
        self.logins_by_id: dict[str, str] = {}
        self.descriptions: dict[str, str] = {}  # series name (casefolded) → description
        self.started = False
        # Children by tag of the elements of the record being read (keyed by id(): the
        # record holds them alive until ``element`` is called with the next one).
        self._indexes: dict[int, dict] = {}

    def _fields(self, element) -> dict:
        """The element's children by tag, found once per element of the current record."""
        found = self._indexes.get(id(element))
        if found is None:
            found = self._indexes[id(element)] = xmlstream.fields(element, NAMESPACES)
        return found

    def _get(self, element, tag: str) -> str:
        return xmlstream.text(self._fields(element).get(tag)).strip()

    def _raw(self, element, tag: str) -> str:
        """Text as written (CDATA included), not stripped: for bodies."""
        return xmlstream.text(self._fields(element).get(tag))

    def source_info(self) -> SourceInfo:
        url = (
            self.header.get("wp:base_blog_url")
            or self.header.get("link")
            or self.header.get("wp:base_site_url")
            or ""
        ).rstrip("/")
        return SourceInfo(
            key=url or f"file:{self.path.name}",
            label=f"{_('WordPress export')} {self.path.name}",
            url=url,
        )

    def element(self, tag: str, element):
        self._indexes.clear()
        if tag == "item":
            if not self.started:
                self.started = True
                yield self.source_info()
                yield from self.author_entries
            yield from self.item(element)
        elif tag == "wp:author":
            login = self._get(element, "wp:author_login")
            if login:
                record = AuthorRecord(
                    source_id=login,
                    username=login,
                    email=clean_email(self._get(element, "wp:author_email")),
                    display_name=self._get(element, "wp:author_display_name"),
                    first_name=self._get(element, "wp:author_first_name"),
                    last_name=self._get(element, "wp:author_last_name"),
                )
                self.authors.setdefault(login, record)
                self.author_entries.append(record)
                author_id = self._get(element, "wp:author_id")
                if author_id:
                    self.logins_by_id[author_id] = login
        elif tag in ("wp:category", "wp:tag", "wp:term"):
            name = (
                self._get(element, "wp:cat_name")
                or self._get(element, "wp:tag_name")
                or self._get(element, "wp:term_name")
            )
            description = (
                self._get(element, "wp:category_description")
                or self._get(element, "wp:tag_description")
                or self._get(element, "wp:term_description")
            )
            if name and description:
                self.descriptions[name.casefold()] = description
        elif tag in ("title", "link", "wp:base_blog_url", "wp:base_site_url", "wp:wxr_version"):
            self.header[tag] = xmlstream.text(element).strip()

    def finish(self):
        if not self.started:
            yield self.source_info()
            yield from self.author_entries

    # -- an item: a post, a page, or something we leave out -------------------------------

    def item(self, element):
        get = lambda tag: self._get(element, tag)  # noqa: E731
        comments = xmlstream.children(element, NAMESPACES, "wp:comment")
        post_type = get("wp:post_type") or "post"
        guid = get("guid")
        link = get("link")
        title = html_to_text(get("title"))
        post_id = get("wp:post_id")
        if guid.startswith("colloquy:"):
            source_id = guid
        elif post_id:
            source_id = post_id
        elif link:
            source_id = f"link:{link}"
        elif guid:
            source_id = f"guid:{guid}"
        else:
            source_id = "title:" + digest_of(title, get("pubDate"))
        status = get("wp:status") or "publish"
        if post_type not in ("post", "page") or (post_type == "page" and not self.options.pages):
            if post_type == "page":
                what = _("pages (import them with --pages)")
            elif post_type == "attachment":
                what = _("attachments (media files are not imported)")
            else:
                what = _("items of type “%(type)s”") % {"type": post_type}
            yield Skipped(what, source_id, title, post_id=source_id, comments=len(comments))
            return
        if status == "auto-draft":
            yield Skipped(_("auto-drafts"), source_id, title, post_id=source_id,
                          comments=len(comments))  # fmt: skip
            return
        meta = self._meta(element, "wp:postmeta")
        notes = []
        post_status = Post.Status.PUBLISHED
        if status not in ("publish", "future"):
            post_status = Post.Status.DRAFT
            if status in ("private", "pending", "trash"):
                notes.append(
                    _("was %(status)s on WordPress: imported as a draft") % {"status": status}
                )
        if get("wp:post_password"):
            post_status = Post.Status.DRAFT
            notes.append(_("was password-protected on WordPress: imported as a draft"))

        comment_records = list(self.comments(comments, source_id))
        dates = [
            record.submitted_at
            for record in comment_records
            if isinstance(record, CommentRecord) and record.submitted_at
        ]
        published_at = self._post_date(element, post_status)
        if published_at is None and post_status == Post.Status.PUBLISHED and dates:
            published_at = min(dates)  # better than "now" for a post exported without a date
            notes.append(_("has no date: dated by its first comment"))
        for record in comment_records:
            if isinstance(record, CommentRecord) and record.submitted_at is None and published_at:
                record.submitted_at = published_at
                notes.append(
                    _("comment %(id)s has no date: dated with the post") % {"id": record.source_id}
                )

        creator = get("dc:creator")
        author = None
        if creator:
            author = self.authors.get(creator) or AuthorRecord(source_id=creator, username=creator)
        body = meta.get(META + "markdown")
        if body is None:
            body = html_to_markdown(
                self._raw(element, "content:encoded"), whitespace="wordpress", notes=notes
            )
        summary = html_to_text(self._raw(element, "excerpt:encoded"), whitespace="wordpress")
        yield PostRecord(
            source_id=source_id,
            title=title,
            body=body,
            status=post_status,
            published_at=published_at,
            author=author,
            slug=get("wp:post_name"),
            summary=summary,
            series=self._series(element),
            url=link,
            comments_open=get("wp:comment_status") != "closed",
            comments_close_at=iso_date(meta.get(META + "comments_close_at", "")),
            competing_interests=meta.get(META + "competing_interests", ""),
            postscript=meta.get(META + "postscript", ""),
            notes=notes,
        )
        yield from comment_records

    def _post_date(self, element, status: str):
        get = lambda tag: self._get(element, tag)  # noqa: E731
        gmt = wp_date(get("wp:post_date_gmt"), datetime.UTC)
        if gmt is not None:
            return gmt
        if status == Post.Status.DRAFT:
            # WordPress leaves a draft's GMT date at zero; its local date is the last edit.
            return None
        return rfc822_date(get("pubDate")) or wp_date(get("wp:post_date"), self.options.timezone)

    def _series(self, element) -> list[SeriesRecord]:
        found: dict[str, SeriesRecord] = {}
        for category in xmlstream.children(element, NAMESPACES, "category"):
            domain = category.get("domain", "category")
            name = xmlstream.text(category).strip()
            nicename = category.get("nicename", "")
            if domain not in ("category", "post_tag", "tag") or not name:
                continue
            if domain == "category" and DEFAULT_CATEGORY in (nicename, name.casefold()):
                continue
            key = name.casefold()
            description = self.descriptions.get(key, "")
            record = found.setdefault(key, SeriesRecord(name=name, description=description))
            record.slug = record.slug or nicename
        return list(found.values())

    def _meta(self, element, tag: str) -> dict[str, str]:
        meta = {}
        for entry in xmlstream.children(element, NAMESPACES, tag):
            key = self._get(entry, "wp:meta_key")
            if key:
                meta[key] = self._raw(entry, "wp:meta_value")
        return meta

    # -- comments -------------------------------------------------------------------------

    def comments(self, elements, post_source_id: str):
        # The file's comment ids → the ids they are imported under (uids in our exports).
        ids: dict[str, str] = {}
        parsed = []
        for element in elements:
            get = lambda tag, element=element: self._get(element, tag)  # noqa: E731
            meta = self._meta(element, "wp:commentmeta")
            comment_id = get("wp:comment_id")
            source_id = meta.get(META + "uid") or comment_id
            if not source_id:
                source_id = "content:" + digest_of(
                    post_source_id, get("wp:comment_date_gmt"), get("wp:comment_author"),
                    self._raw(element, "wp:comment_content"),
                )  # fmt: skip
            if comment_id:
                ids.setdefault(comment_id, source_id)
            parsed.append((element, meta, source_id))
        for element, meta, source_id in parsed:
            get = lambda tag, element=element: self._get(element, tag)  # noqa: E731
            comment_type = get("wp:comment_type")
            if comment_type in SKIPPED_COMMENT_TYPES:
                yield Skipped(_("pingbacks and trackbacks"), source_id)
                continue
            approved = get("wp:comment_approved") or "1"
            status = COMMENT_STATUS.get(approved, Comment.Status.PENDING)
            if meta.get(META + "status") in STATUSES:
                status = meta[META + "status"]
            notes = []
            if approved not in COMMENT_STATUS:
                notes.append(f"status {approved!r}")
            submitted_at = wp_date(get("wp:comment_date_gmt"), datetime.UTC) or wp_date(
                get("wp:comment_date"), self.options.timezone
            )
            parent = get("wp:comment_parent")
            parent_id = "" if parent in ("", "0") else ids.get(parent, parent)
            user_login = self.logins_by_id.get(get("wp:comment_user_id"), "")
            yield CommentRecord(
                source_id=source_id,
                post_id=post_source_id,
                parent_id=parent_id,
                body=html_to_text(
                    self._raw(element, "wp:comment_content"), whitespace="wordpress", notes=notes
                ),
                status=status,
                submitted_at=submitted_at,
                author_name=get("wp:comment_author"),
                author_email=clean_email(get("wp:comment_author_email")),
                author_url=clean_url(get("wp:comment_author_url")),
                ip=get("wp:comment_author_IP"),
                user_agent=get("wp:comment_agent") or meta.get(META + "user_agent", ""),
                ip_hash=meta.get(META + "ip_hash", "")[:64],
                user_id=user_login,
                role=meta.get(META + "role", ""),
                quote=meta.get(META + "quote", ""),
                reply_to_id=meta.get(META + "reply_to", ""),
                edit_note=meta.get(META + "edit_note", ""),
                edited_at=iso_date(meta.get(META + "edited_at", "")),
                notes=notes,
            )
