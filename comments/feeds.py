"""Atom feeds of approved comments, a post's and the whole site's: each entry with its
writer's label (name, or "Anonymous 13:41") and badge as plain text, the quote it answers,
and a moderator's public edit note."""

import unicodedata
from html import escape

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from blog.feeds import SiteFeed
from blog.models import Post

from .models import Comment
from .text import normalise_whitespace
from .thread import labels_for_post

FEED_LENGTH = 50


def plain(name: str) -> str:
    """The name as plain text: feed readers show titles as text, where direction marks
    and overrides are invisible and can turn the words around them; they are dropped."""
    kept = "".join(c for c in name if unicodedata.category(c) not in {"Cf", "Cc"})
    return " ".join(kept.split())


class StableAtomFeed(Atom1Feed):
    """An empty feed says it was updated when the post was published, not "now": the same
    bytes for every reader, so caches can keep it and revalidate it."""

    def latest_post_date(self):
        if any(item.get("updateddate") or item.get("pubdate") for item in self.items):
            return super().latest_post_date()
        return self.feed.get("published") or super().latest_post_date()


def with_labels(items: list[Comment]) -> list[Comment]:
    """What each entry shows besides the comment's own text: the writer's label as the post
    page gives it, the answered comment's label, and whether the quote may still show.
    One query for the labels of each post among ``items``."""
    labels: dict[int, str] = {}
    for post_id in dict.fromkeys(item.post_id for item in items):
        labels |= labels_for_post(post_id)
    for item in items:
        item.label = plain(labels.get(item.pk) or item.display_name)
        answered = item.reply_to
        item.answered_label = ""
        if answered is not None and answered.status == Comment.Status.APPROVED:
            item.answered_label = plain(labels.get(answered.pk) or answered.display_name)
        # As on the page: a quote shows only words its source still shows.
        item.quote_shown = bool(
            item.quote
            and answered is not None
            and answered.status == Comment.Status.APPROVED
            and normalise_whitespace(item.quote) in normalise_whitespace(answered.body)
        )
    return items


class CommentsFeed(SiteFeed):
    """One entry per approved comment, as the post page shows it: the label and badge, the
    quote it answers, its text, and a moderator's public edit note."""

    feed_type = StableAtomFeed

    def _writer(self, item) -> str:
        badge = {"author": _("Author"), "moderator": _("Moderator"), "team": _("Team")}.get(
            item.role
        )
        return f"{item.label} · {badge}" if badge else item.label

    def item_title(self, item):
        return _("%(name)s on “%(title)s”") % {"name": self._writer(item), "title": item.post.title}

    def item_description(self, item):
        return _quote_html(item) + item.body_html + _edit_note_html(item)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_author_name(self, item):
        return self._writer(item)

    def item_pubdate(self, item):
        return item.submitted_at

    def item_updateddate(self, item):
        return item.edited_at or item.submitted_at


def _quote_html(item) -> str:
    if not item.quote:
        return ""
    if not item.quote_shown:
        removed = escape(_("quoted text removed by a moderator"))
        return f"<blockquote><p><em>{removed}</em></p></blockquote>"
    source = _("quoting %(name)s") % {"name": item.answered_label} if item.answered_label else ""
    cite = f"<p>— {escape(source)}</p>" if source else ""
    return f"<blockquote><p>{escape(item.quote)}</p>{cite}</blockquote>"


def _edit_note_html(item) -> str:
    """The page's "Edited by a moderator: <note>" line, so a feed reader is told too."""
    if not (item.edit_note or item.edited_at):
        return ""
    words = escape(_("Edited by a moderator"))
    note = f": {escape(item.edit_note)}" if item.edit_note else ""
    return f"<p><em>{words}{note}</em></p>"


class PostCommentsFeed(CommentsFeed):
    def feed_extra_kwargs(self, post):
        return {"published": post.published_at}

    def get_object(self, request, slug):
        return get_object_or_404(Post.objects.published(), slug=slug)

    def title(self, post):
        return _("Comments on “%(title)s”") % {"title": post.title} + f" · {settings.SITE_NAME}"

    def link(self, post):
        return post.get_absolute_url() + "#comments"

    def items(self, post):
        return with_labels(
            list(
                # The post is joined: each entry's title names it, without a query per entry.
                Comment.objects.visible()
                .for_post(post)
                .select_related("post", "reply_to")
                .order_by("-submitted_at")[:FEED_LENGTH]
            )
        )


class SiteCommentsFeed(CommentsFeed):
    """Every published post's newest approved comments: the per-post feed's entries, for
    readers who follow the whole conversation."""

    def feed_extra_kwargs(self, obj):
        newest = Post.objects.published().order_by("-published_at").first()
        return {"published": newest.published_at if newest else None}

    def title(self):
        return _("Comments") + f" · {settings.SITE_NAME}"

    def link(self):
        return reverse("blog:post_list")

    def items(self):
        return with_labels(
            list(
                Comment.objects.visible()
                .filter(post__in=Post.objects.published())
                .select_related("post", "reply_to")
                .order_by("-submitted_at")[:FEED_LENGTH]
            )
        )
