"""Atom feed of a post's approved comments."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from blog.models import Post

from .models import Comment

FEED_LENGTH = 50


def isolate(name: str) -> str:
    """Plain text's <bdi>: a right-to-left override in a name stays inside the name."""
    return f"\u2068{name}\u2069"


class PostCommentsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug):
        return get_object_or_404(Post.objects.published(), slug=slug)

    def title(self, post):
        return _("Comments on “%(title)s”") % {"title": post.title} + f" · {settings.SITE_NAME}"

    def link(self, post):
        return post.get_absolute_url() + "#comments"

    def items(self, post):
        # Each entry's title names the post: joined here, not one query per entry.
        comments = Comment.objects.visible().for_post(post).select_related("post")
        return comments.order_by("-submitted_at")[:FEED_LENGTH]

    def item_title(self, item):
        return _("%(name)s on “%(title)s”") % {
            "name": isolate(item.display_name),
            "title": item.post.title,
        }

    def item_description(self, item):
        return item.body_html

    def item_link(self, item):
        return item.get_absolute_url()

    def item_author_name(self, item):
        return isolate(item.display_name)

    def item_pubdate(self, item):
        return item.submitted_at

    def item_updateddate(self, item):
        return item.edited_at or item.submitted_at
