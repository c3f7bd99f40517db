from django.urls import path, register_converter

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
    path("", views.post_list, name="post_list"),
    path("feed/", feeds.LatestPostsFeed(), name="feed"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("search/", views.search, name="search"),
    path("posts/<slug:slug>/", views.post_detail, name="post"),
    path("series/", views.series_list, name="series_list"),
    path("series/<unicode_slug:slug>/", views.series_detail, name="series"),
    path("series/<unicode_slug:slug>/feed/", feeds.SeriesFeed(), name="series_feed"),
    path("authors/<slug:slug>/", views.author_detail, name="author"),
    path("archive/<int:year>/<int:month>/", views.month_archive, name="month_archive"),
]
