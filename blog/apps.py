from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = "Blog"

    def ready(self):
        from core import pagecache

        from . import checks, signals  # noqa: F401 - the page-cache invalidation, start-up checks
        from .views import count_view

        # Pages served from the cache count as views of their post.
        pagecache.count_hits_with(count_view)
