"""Atom feeds of published posts: all of them, and per series; ``SiteFeed``, the base of
every feed of the site, takes its addresses and ids from ``SITE_URL``."""

from typing import cast
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .models import Post, Series

FEED_LENGTH = 20


class _AtSiteUrl:
    """The request as ``SITE_URL`` sees it: that host and scheme, everything else the
    request's own. Django's ``Feed`` builds every absolute address from the request's
    ``Host``."""

    def __init__(self, request):
        self._request = request
        address = urlsplit(settings.SITE_URL)
        self._host, self._secure = address.netloc, address.scheme == "https"

    def get_host(self) -> str:
        return self._host

    def is_secure(self) -> bool:
        return self._secure

    def __getattr__(self, name: str):
        return getattr(self._request, name)


class SiteFeed(Feed):
    """A feed whose links, own address and entry ids start with ``SITE_URL``, whatever
    ``Host`` the request came with: feed readers key entries by their ids, so they must
    not change with the address a reader used, and a feed is cached and shared."""

    def get_feed(self, obj, request):
        # The proxy stands in for the request (it answers every attribute the request has).
        return super().get_feed(obj, cast(HttpRequest, _AtSiteUrl(request)))


class LatestPostsFeed(SiteFeed):
    feed_type = Atom1Feed

    def title(self):
        return settings.SITE_NAME

    def subtitle(self):
        return settings.SITE_TAGLINE

    def link(self):
        return reverse("blog:post_list")

    def items(self):
        return Post.objects.published().for_listing()[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.body_html

    def item_author_name(self, item):
        return _author_name(item)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class SeriesFeed(LatestPostsFeed):
    def __call__(self, request, *args, **kwargs):
        slug = kwargs.get("slug", "")
        if not Series.objects.filter(slug=slug).exists():
            # A slug the series had before a rename or a merge: feed readers follow a 301.
            renamed = Series.objects.filter(former_slugs__contains=[slug]).first()
            if renamed is not None:
                return HttpResponsePermanentRedirect(
                    reverse("blog:series_feed", kwargs={"slug": renamed.slug})
                )
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, slug):
        return get_object_or_404(Series, slug=slug)

    # Django's Feed passes the object to a method that takes one (LatestPostsFeed's take
    # none): an override the type checker cannot see is compatible.
    def title(self, obj):  # type: ignore[override]
        return f"{settings.SITE_NAME}: {obj.hashtag}"

    def subtitle(self, obj):  # type: ignore[override]
        return obj.description

    def link(self, obj):  # type: ignore[override]
        return obj.get_absolute_url()

    def items(self, obj):  # type: ignore[override]
        return Post.objects.published().for_listing().filter(tags=obj)[:FEED_LENGTH]


def _author_name(post):
    profile = getattr(post.author, "author_profile", None)
    return profile.display_name if profile else post.author.get_username()
