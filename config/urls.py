from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from blog.sitemaps import PostSitemap, SeriesSitemap
from blog.views import robots_txt

sitemaps = {"posts": PostSitemap, "series": SeriesSitemap}

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("comments/", include("comments.urls")),
    path("notifications/", include("moderation.urls")),
    path("", include("blog.urls")),
]
