"""Disqus threads matched to posts already here: the post a Disqus comment goes on.

``Threads`` keeps the export's threads and finds each one's post. Import the posts first
(e.g. with ``import_wxr``); each thread is matched by its identifier or its address:

1. the identifier is a post's slug, or "<id> <url>" as the WordPress plugin writes it,
   naming a post imported from WordPress with that id;
2. the address is a post's address here, or a post's address on the old site (kept from
   its import), or ends in a post's slug (".../2013/02/my-post.html").

A thread that matches nothing gets a draft post holding its comments (or, with
``--unmatched skip``, its comments are counted and left out); the report lists them.
"""

import re

from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from blog.models import Post
from porting.models import ImportedItem
from porting.records import ThreadRecord
from porting.report import Report
from porting.values import normalise_url, slug_from_url

from .holding import HoldingPosts
from .ledger import Ledger

Kind = ImportedItem.Kind


class Threads:
    def __init__(self, *, ledger: Ledger, report: Report, holding: HoldingPosts,
                 unmatched: str = "draft") -> None:  # fmt: skip
        self.ledger = ledger
        self.report = report
        self.holding = holding
        self.unmatched = unmatched  # ``--unmatched``: "draft" or "skip"
        self.records: dict[str, ThreadRecord] = {}  # the export's threads by source id

    def add(self, record: ThreadRecord) -> None:
        self.records[record.source_id] = record

    def thread_post(self, post_id: str) -> Post | None:
        """The post of thread ``post_id``, None if its comments are left out (the caller
        remembers that)."""
        post = self.ledger.imported(Kind.THREAD, post_id, Post)
        if post is not None:
            return post
        thread = self.records.get(post_id)
        if thread is not None:
            post = match_thread(thread)
            if post is not None:
                self.ledger.remember(Kind.THREAD, post_id, post, url=thread.url)
                self.report.count("thread", "matched")
                return post
        if self.unmatched == "skip":
            self.report.skipped[_("threads matching no post")] += 1
            return None
        if thread is None:
            title = _("Disqus comments of thread %(id)s, missing from the export") % {
                "id": post_id or "?"
            }
            why = _("their thread is not in the export")
            return self.holding.make(kind=Kind.THREAD, source_id=post_id, title=title,
                                    explanation=why)  # fmt: skip
        title = thread.title or thread.url or thread.identifier or post_id
        return self.holding.make(
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
