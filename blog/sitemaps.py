"""Sitemaps of what a reader may see: published posts, and series that have some.

``/sitemap.xml`` is an index naming one sitemap per section and page; a page holds at most
``SITEMAP_PAGE_SIZE`` URLs (under the protocol's 50,000), so ten thousand posts are a few
pages a crawler fetches one by one instead of one response built from every post.
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from .models import Post, Series


class PagedSitemap(Sitemap):
    @property
    def limit(self) -> int:
        return settings.SITEMAP_PAGE_SIZE


class PostSitemap(PagedSitemap):
    changefreq = "weekly"

    def items(self):
        # Only what a <url> shows: the slug for its address, updated_at for <lastmod>.
        return Post.objects.published().only("slug", "updated_at").order_by("-published_at", "-id")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # One aggregate instead of Django's default, which loads every post to take a max.
        return Post.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class SeriesSitemap(PagedSitemap):
    changefreq = "weekly"

    def items(self):
        # A series whose posts are all drafts or scheduled has an empty page: not worth
        # a crawler's visit, and it would announce a series before its first post is out.
        published = Post.objects.published().values("pk")
        return Series.objects.filter(tagged_items__object_id__in=published).distinct()
