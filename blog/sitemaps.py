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
        return Series.objects.all()
