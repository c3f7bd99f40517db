"""Blogger's export (an Atom feed of the whole blog), read as a stream.

Two generations of the format are read. The classic one marks each entry's kind with a
``category`` in the ``…/g/2005#kind`` scheme (post, comment, page, settings, template),
ties a comment to its post with ``thr:in-reply-to`` and to the comment it answers with a
``link rel="related"``; drafts carry ``app:control/app:draft``. The current Takeout one
says the same with ``blogger:type``, ``blogger:parent``, ``blogger:inReplyTo`` and
``blogger:status``. Labels become series. Settings and template entries are counted and
left out; pages only come in with ``--pages``.
"""

import re
from pathlib import Path

from django.utils.html import escape
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
)
from porting.text import html_to_text
from porting.values import clean_email, clean_url, iso_date, slug_from_url

NAMESPACES = xmlstream.Namespaces(
    patterns=(
        (re.compile(r"^http://www\.w3\.org/2005/Atom$"), ""),
        (re.compile(r"^https?://purl\.org/syndication/thread/1\.0$"), "thr"),
        (re.compile(r"^(http://purl\.org/atom/app#|http://www\.w3\.org/2007/app)$"), "app"),
        (re.compile(r"^https?://schemas\.google\.com/g/2005$"), "gd"),
        (re.compile(r"^https?://schemas\.google\.com/blogger/2018$"), "blogger"),
    ),
    known={
        "thr": "http://purl.org/syndication/thread/1.0",
        "app": "http://purl.org/atom/app#",
        "gd": "http://schemas.google.com/g/2005",
        "openSearch": "http://a9.com/-/spec/opensearchrss/1.0/",
        "georss": "http://www.georss.org/georss",
        "media": "http://search.yahoo.com/mrss/",
        "blogger": "http://schemas.google.com/blogger/2018",
    },
)
ROOT = "feed"
FORMAT_NAME = "a Blogger export (an Atom feed)"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
_ENTRY_ID = re.compile(r"\.(?:post|page|comment)-(\d+)$")
_BLOG_ID = re.compile(r"blog-(\d+)")
COMMENT_STATUS = {
    "LIVE": Comment.Status.APPROVED,
    "PENDING": Comment.Status.PENDING,
    "DRAFT": Comment.Status.PENDING,
    "SPAM": Comment.Status.SPAM,
    "SPAM_COMMENT": Comment.Status.SPAM,
    "DELETED": Comment.Status.REMOVED,
    "EMPTIED": Comment.Status.REMOVED,
    "SOFT_TRASHED": Comment.Status.REMOVED,
}


def _feed_child(tag: str, ancestors: list[str]) -> bool:
    return len(ancestors) == 1


def entry_id(value: str) -> str:
    """Blogger's "tag:blogger.com,1999:blog-1.post-42" (also in URLs) as "42"."""
    value = value.strip()
    match = _ENTRY_ID.search(value)
    if match:
        return match.group(1)
    tail = re.search(r"(\d+)/?$", value)
    return tail.group(1) if tail else value


class Blogger(Format):
    source = ImportedItem.Source.BLOGGER
    name = _("Blogger export")

    def count(self, path: Path) -> int:
        def counted(tag, ancestors):
            return len(ancestors) == 1 and tag == "entry"

        return xmlstream.count(path, NAMESPACES, counted, root=ROOT, format_name=FORMAT_NAME)

    def read(self, path: Path, options: Options):
        reader = _Reader(path, options)
        elements = xmlstream.records(
            path, NAMESPACES, _feed_child, root=ROOT, format_name=FORMAT_NAME
        )
        for tag, element in elements:
            yield from reader.element(tag, element)
        if not reader.started:
            yield reader.source_info()


class _Reader:
    def __init__(self, path: Path, options: Options):
        self.path = path
        self.options = options
        self.blog_id = ""
        self.blog_url = ""
        self.started = False

    def source_info(self) -> SourceInfo:
        return SourceInfo(
            key=f"blog-{self.blog_id}" if self.blog_id else f"file:{self.path.name}",
            label=f"{_('Blogger export')} {self.path.name}",
            url=self.blog_url,
        )

    def element(self, tag: str, element):
        if tag == "id":
            match = _BLOG_ID.search(xmlstream.text(element))
            if match:
                self.blog_id = match.group(1)
        elif tag == "link" and element.get("rel") == "alternate":
            self.blog_url = element.get("href", "")
        elif tag == "entry":
            if not self.started:
                self.started = True
                yield self.source_info()
            yield from self.entry(element)

    def _get(self, element, tag: str) -> str:
        return xmlstream.child_text(element, NAMESPACES, tag)

    def entry(self, element):
        kind = self._kind(element)
        source_id = entry_id(self._get(element, "id"))
        title = self._title(element)
        if kind == "comment":
            yield self.comment(element, source_id)
        elif kind == "post" or (kind == "page" and self.options.pages):
            yield self.post(element, source_id, title)
        elif kind == "page":
            yield Skipped(_("pages (import them with --pages)"), source_id, title,
                          post_id=source_id)  # fmt: skip
        elif kind in ("settings", "template"):
            yield Skipped(_("%(kind)s entries") % {"kind": kind}, source_id)
        else:
            yield Skipped(_("entries of an unknown kind"), source_id)

    def _kind(self, element) -> str:
        declared = self._get(element, "blogger:type").lower()
        if declared:
            return declared
        for category in xmlstream.children(element, NAMESPACES, "category"):
            if category.get("scheme") == KIND_SCHEME:
                return category.get("term", "").rpartition("#")[2]
        return ""

    def _title(self, element) -> str:
        title = xmlstream.child(element, NAMESPACES, "title")
        text = xmlstream.text(title)
        if title is not None and title.get("type") in ("html", "xhtml"):
            return html_to_text(text)
        return " ".join(text.split())

    def _content(self, element) -> tuple[str, str]:
        """The content as (HTML, whitespace mode)."""
        content = xmlstream.child(element, NAMESPACES, "content")
        if content is None:
            content = xmlstream.child(element, NAMESPACES, "summary")
        text = xmlstream.text(content)
        if content is not None and content.get("type", "text") == "text":
            return escape(text), "wordpress"  # plain text: its newlines are line breaks
        return text, "html"

    def _link(self, element, rel: str) -> str:
        for link in xmlstream.children(element, NAMESPACES, "link"):
            if link.get("rel") == rel:
                return link.get("href", "")
        return ""

    def _author(self, element) -> AuthorRecord | None:
        author = xmlstream.child(element, NAMESPACES, "author")
        if author is None:
            return None
        name = self._get(author, "name")
        uri = self._get(author, "uri")
        email = clean_email(self._get(author, "email"))
        if not (name or uri or email):
            return None
        return AuthorRecord(
            source_id=uri or email or name,
            username=re.sub(r"\s+", "-", name.strip().lower()) or email.partition("@")[0],
            email=email,
            display_name=name,
        )

    def post(self, element, source_id: str, title: str) -> PostRecord:
        html, whitespace = self._content(element)
        url = self._link(element, "alternate")
        notes = []
        status = Post.Status.PUBLISHED
        draft = xmlstream.child(element, NAMESPACES, "app:control")
        if draft is not None and self._get(draft, "app:draft") == "yes":
            status = Post.Status.DRAFT
        declared = self._get(element, "blogger:status").upper()
        if declared and declared not in ("LIVE", "SCHEDULED"):
            status = Post.Status.DRAFT
            if declared != "DRAFT":
                notes.append(
                    _("was %(status)s on Blogger: imported as a draft")
                    % {"status": declared.lower()}
                )
        if self._get(element, "blogger:trashed"):
            status = Post.Status.DRAFT
            notes.append(_("was in Blogger's trash: imported as a draft"))
        series = []
        for category in xmlstream.children(element, NAMESPACES, "category"):
            scheme, term = category.get("scheme", ""), category.get("term", "").strip()
            # Classic labels have their own scheme; Takeout's use the blog's id as scheme.
            if term and scheme != KIND_SCHEME and not term.startswith("http"):
                series.append(SeriesRecord(name=term))
        slug = slug_from_url(self._get(element, "blogger:filename") or url)
        return PostRecord(
            source_id=source_id,
            title=title,
            body=html_to_markdown(html, whitespace=whitespace, notes=notes),
            status=status,
            published_at=iso_date(self._get(element, "published")),
            author=self._author(element),
            slug=slug,
            summary=self._get(element, "blogger:metaDescription"),
            series=series,
            url=url,
            notes=notes,
        )

    def comment(self, element, source_id: str) -> CommentRecord:
        post_id = self._get(element, "blogger:parent")
        reply = xmlstream.child(element, NAMESPACES, "thr:in-reply-to")
        if not post_id and reply is not None:
            post_id = reply.get("ref", "") or reply.get("href", "")
        parent_id = self._get(element, "blogger:inReplyTo")
        if not parent_id:
            # Classic exports: a reply links to the comment it answers as "related".
            related = self._link(element, "related")
            parent_id = related if "/comments/" in related else ""
        html, whitespace = self._content(element)
        author = xmlstream.child(element, NAMESPACES, "author")

        def get_author(tag: str) -> str:
            return self._get(author, tag) if author is not None else ""

        declared = self._get(element, "blogger:status").upper()
        status = COMMENT_STATUS.get(declared, Comment.Status.APPROVED)
        if self._get(element, "blogger:trashed"):
            status = Comment.Status.REMOVED
        for prop in xmlstream.children(element, NAMESPACES, "gd:extendedProperty"):
            if prop.get("name") == "blogger.contentRemoved" and prop.get("value") == "true":
                status = Comment.Status.REMOVED
        submitted_at = iso_date(self._get(element, "published")) or iso_date(
            self._get(element, "updated")
        )
        notes: list[str] = []
        return CommentRecord(
            source_id=source_id,
            post_id=entry_id(post_id),
            parent_id=entry_id(parent_id) if parent_id else "",
            body=html_to_text(html, whitespace=whitespace, notes=notes),
            status=status,
            submitted_at=submitted_at,
            author_name=get_author("name"),
            author_email=clean_email(get_author("email")),
            author_url=clean_url(get_author("uri")),
            notes=notes,
        )
