"""Disqus's XML export: threads (the pages discussed) and posts (the comments).

Disqus holds comments, not posts, so each thread is matched to a post already here
(import the posts first, e.g. with ``import_wxr``), by its identifier or its address:

1. the identifier is a post's slug, or "<id> <url>" as the WordPress plugin writes it,
   naming a post imported from WordPress with that id;
2. the address is a post's address here, or a post's address on the old site (kept from
   its import), or ends in a post's slug (".../2013/02/my-post.html").

A thread that matches nothing gets a draft post holding its comments (or, with
``--unmatched skip``, its comments are counted and left out); the report lists them.
Deleted posts become removed comments (their replies keep their place) and spam stays
spam.
"""

import re
from pathlib import Path

from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from blog.models import Post
from comments.models import Comment
from porting import xmlstream
from porting.models import ImportedItem
from porting.records import CommentRecord, Skipped, SourceInfo, ThreadRecord, digest_of
from porting.text import html_to_text
from porting.values import clean_email, iso_date, normalise_url, slug_from_url, truthy
from porting.writer import Format, ImportRun, Options

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
            body=html_to_text(message),
            status=status,
            submitted_at=submitted_at,
            author_name=author_get("name"),
            author_email=clean_email(author_get("email")),
            ip=get(element, "ipAddress"),
            notes=notes,
        )

    def post_for_comment(self, run: ImportRun, post_id: str) -> Post | None:
        post = run.imported(Kind.THREAD, post_id, Post)
        if post is not None:
            return post
        thread = run.threads.get(post_id)
        if thread is not None:
            post = match_thread(thread)
            if post is not None:
                run.remember(Kind.THREAD, post_id, post, url=thread.url)
                run.report.count("thread", "matched")
                return post
        if run.options.unmatched == "skip":
            run.skipped_posts.add(post_id)
            run.report.skipped[_("threads matching no post")] += 1
            return None
        if thread is None:
            title = _("Disqus comments of thread %(id)s, missing from the export") % {
                "id": post_id or "?"
            }
            why = _("their thread is not in the export")
            return run.holding_post(kind=Kind.THREAD, source_id=post_id, title=title,
                                    explanation=why)  # fmt: skip
        title = thread.title or thread.url or thread.identifier or post_id
        return run.holding_post(
            kind=Kind.THREAD,
            source_id=post_id,
            title=_("Disqus comments: %(title)s") % {"title": title},
            explanation=_("no post here matches the thread's identifier or address"),
            url=thread.url,
            closed=thread.closed,
        )


def match_thread(thread: ThreadRecord) -> Post | None:
    identifier = thread.identifier.strip()
    if identifier:
        post = Post.objects.filter(slug=identifier).first()
        if post is not None:
            return post
        first = identifier.split()[0]
        if first.isdigit():  # the WordPress plugin's "<post id> <url>"
            post = _imported_post(ImportedItem.Source.WXR, first)
            if post is not None:
                return post
        if first.startswith(("http://", "https://", "/")):
            post = match_url(first)
            if post is not None:
                return post
    return match_url(thread.url) if thread.url else None


def match_url(url: str) -> Post | None:
    """The post at ``url``: here, at its address on the old site, or by its slug."""
    path = re.sub(r"^https?://[^/]+", "", url.strip()) or "/"
    try:
        match = resolve(path.split("?")[0])
    except Resolver404:
        match = None
    if match is not None and match.view_name == "blog:post":
        post = Post.objects.filter(slug=match.kwargs.get("slug")).first()
        if post is not None:
            return post
    wanted = normalise_url(url)
    if wanted:
        tail = wanted.rsplit("/", 1)[-1] or wanted
        candidates = ImportedItem.objects.filter(
            kind=Kind.POST, source_url__icontains=tail
        ).values_list("source_url", "object_id")
        for source_url, object_id in candidates[:50]:
            if normalise_url(source_url) == wanted:
                post = Post.objects.filter(pk=object_id).first()
                if post is not None:
                    return post
    query = re.search(r"[?&]p=(\d+)", url)  # WordPress's plain permalinks
    if query:
        post = _imported_post(ImportedItem.Source.WXR, query.group(1))
        if post is not None:
            return post
    slug = slug_from_url(url)
    return Post.objects.filter(slug=slug).first() if slug else None


def _imported_post(source: str, source_id: str) -> Post | None:
    ids = list(
        ImportedItem.objects.filter(source=source, kind=Kind.POST, source_id=source_id)
        .values_list("object_id", flat=True)
        .distinct()[:2]
    )
    if len(ids) != 1:  # unknown, or ambiguous between two imported sites
        return None
    return Post.objects.filter(pk=ids[0]).first()
