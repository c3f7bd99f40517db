"""Disqus's XML export: threads (the pages discussed) and posts (the comments).

Disqus holds comments, not posts: each comment names its thread, which the writer
matches to a post already here (``porting.writer.threads``). Deleted posts become removed
comments (their replies keep their place) and spam stays spam.
"""

import re
from pathlib import Path

from django.utils.translation import gettext as _

from comments.models import Comment
from porting import xmlstream
from porting.models import ImportedItem
from porting.readers.base import Format, Options
from porting.records import CommentRecord, Skipped, SourceInfo, ThreadRecord, digest_of
from porting.text import html_to_text
from porting.values import clean_email, iso_date, truthy

NAMESPACES = xmlstream.Namespaces(
    patterns=(
        (re.compile(r"^https?://disqus\.com/?$"), ""),
        (re.compile(r"^https?://disqus\.com/disqus-internals/?$"), "dsq"),
    ),
    known={
        "dsq": "http://disqus.com/disqus-internals",
        "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    },
)
ROOT = "disqus"
FORMAT_NAME = "a Disqus export"
Kind = ImportedItem.Kind


def _top_level(tag: str, ancestors: list[str]) -> bool:
    return len(ancestors) == 1


def dsq_id(element) -> str:
    """The ``dsq:id`` attribute, however its namespace is spelled."""
    if element is None:
        return ""
    for name, value in element.attrib.items():
        if name == "id" or name.endswith("}id"):
            return value.strip()
    return ""


class Disqus(Format):
    source = ImportedItem.Source.DISQUS
    name = _("Disqus export")
    comments_on = ImportedItem.Kind.THREAD

    def count(self, path: Path) -> int:
        def counted(tag, ancestors):
            return len(ancestors) == 1 and tag in ("thread", "post")

        return xmlstream.count(path, NAMESPACES, counted, root=ROOT, format_name=FORMAT_NAME)

    def read(self, path: Path, options: Options):
        forum = ""
        get = lambda element, tag: xmlstream.child_text(element, NAMESPACES, tag)  # noqa: E731
        elements = xmlstream.records(
            path, NAMESPACES, _top_level, root=ROOT, format_name=FORMAT_NAME
        )
        for tag, element in elements:
            forum = forum or get(element, "forum")
            if tag == "thread":
                yield ThreadRecord(
                    source_id=dsq_id(element) or "id:" + get(element, "id"),
                    identifier=get(element, "id"),
                    url=get(element, "link"),
                    title=html_to_text(get(element, "title")),
                    created_at=iso_date(get(element, "createdAt")),
                    closed=truthy(get(element, "isClosed")),
                )
            elif tag == "post":
                yield self.comment(element, get)
            elif tag != "category":
                yield Skipped(_("unknown elements"), tag)
        # Disqus posts are only placed once every thread is known, so the site can be
        # named last.
        yield SourceInfo(
            key=f"forum:{forum}" if forum else f"file:{path.name}",
            label=f"{_('Disqus export')} {path.name}",
        )

    def comment(self, element, get) -> CommentRecord:
        author = xmlstream.child(element, NAMESPACES, "author")
        thread = dsq_id(xmlstream.child(element, NAMESPACES, "thread"))
        message = xmlstream.text(xmlstream.child(element, NAMESPACES, "message"))
        created = get(element, "createdAt")
        source_id = dsq_id(element)
        if not source_id:
            identifier = get(element, "id")
            source_id = (
                f"id:{identifier}"
                if identifier
                else "content:" + digest_of(thread, created, message)
            )
        status = Comment.Status.APPROVED
        notes = []
        if get(element, "isApproved") and not truthy(get(element, "isApproved")):
            status = Comment.Status.PENDING
        if truthy(get(element, "isSpam")):
            status = Comment.Status.SPAM
        if truthy(get(element, "isDeleted")):
            status = Comment.Status.REMOVED
        submitted_at = iso_date(created)
        if submitted_at is None and created:
            notes.append(_("unreadable date %(date)r") % {"date": created})

        def author_get(tag: str) -> str:
            return get(author, tag) if author is not None else ""

        return CommentRecord(
            source_id=source_id,
            post_id=thread,
            parent_id=dsq_id(xmlstream.child(element, NAMESPACES, "parent")),
            body=html_to_text(message, notes=notes),
            status=status,
            submitted_at=submitted_at,
            author_name=author_get("name"),
            author_email=clean_email(author_get("email")),
            ip=get(element, "ipAddress"),
            notes=notes,
        )
