from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = "Blog"

    def ready(self):
        from . import checks, signals  # noqa: F401 - the page-cache invalidation, start-up checks
