from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from blog import sitemaps as blog_sitemaps
from blog.admin import view_on_site
from blog.sitemaps import PostSitemap, SeriesSitemap
from blog.views import robots_txt
from config import health

sitemaps = {"posts": PostSitemap, "series": SeriesSitemap}


def favicon(request):
    # Browsers ask for /favicon.ico on pages without an icon link (the admin's).
    return HttpResponsePermanentRedirect(static("favicon.svg"))


urlpatterns = [
    # Answered by config.health.HealthMiddleware first; named here for reverse().
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("favicon.ico", favicon),
    # In front of the admin's own "view on site", which would redirect to any draft.
    path(
        "admin/r/<path:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
    ),
    path("admin/", admin.site.urls),
    # The public site's sign-in (staff comment as themselves); back to the page after.
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # An index of sitemap pages (SITEMAP_PAGE_SIZE URLs each), as large sites need.
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        blog_sitemaps.section,
        {"sitemaps": sitemaps},
        name="sitemap-section",
    ),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("comments/", include("comments.urls")),
    # A writer's corrections change a comment through moderation's services.
    path("comments/", include("moderation.writer_urls")),
    path("notifications/", include("moderation.urls")),
    path("", include("blog.urls")),
]

# A database outage met outside a view is the 503 page too (config/outage.py).
handler500 = "config.outage.server_error"
