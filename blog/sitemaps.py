"""Sitemaps of what a reader may see: published posts, and series that have some."""

from django.contrib.sitemaps import Sitemap

from .models import Post, Series


class PostSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Post.objects.published()

    def lastmod(self, item):
        return item.updated_at


class SeriesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        # A series whose posts are all drafts or scheduled has an empty page: not worth
        # a crawler's visit, and it would announce a series before its first post is out.
        published = Post.objects.published().values("pk")
        return Series.objects.filter(tagged_items__object_id__in=published).distinct()
