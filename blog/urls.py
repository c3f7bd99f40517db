from django.urls import path, register_converter

from core.pagecache import public_when_anonymous as public

from . import feeds, views


class UnicodeSlugConverter:
    """Series slugs come from taggit, which keeps non-ASCII letters ("études")."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(UnicodeSlugConverter, "unicode_slug")

app_name = "blog"

urlpatterns = [
    path("", public(views.post_list), name="post_list"),
    path("feed/", public(feeds.LatestPostsFeed()), name="feed"),
    path("subscribe/", public(views.subscribe), name="subscribe"),
    path("search/", views.search, name="search"),
    path("posts/<slug:slug>/", views.post_detail, name="post"),
    path("series/", public(views.series_list), name="series_list"),
    path("series/<unicode_slug:slug>/", public(views.series_detail), name="series"),
    path("series/<unicode_slug:slug>/feed/", public(feeds.SeriesFeed()), name="series_feed"),
    path("authors/<slug:slug>/", public(views.author_detail), name="author"),
    path("archive/<int:year>/<int:month>/", public(views.month_archive), name="month_archive"),
]
