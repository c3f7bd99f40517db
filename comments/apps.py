from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self):
        from blog import discussion

        from . import checks, signals  # noqa: F401 - the cache invalidation, start-up checks
        from .search import search_comments
        from .thread import page_count

        # The post page's comment pages and the search page's comments come from here.
        discussion.register(discussion.Discussion(last_page=page_count, search=search_comments))
