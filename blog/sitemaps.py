"""Sitemaps of what a reader may see: published posts, and series that have some.

``/sitemap.xml`` is an index (Django's view) naming one sitemap per section and page; a page
holds at most ``SITEMAP_PAGE_SIZE`` URLs (under the protocol's 50,000).

Post pages are runs of ids: page p holds the published posts whose ids are the p-th run of
``SITEMAP_PAGE_SIZE`` ids from the first published post's. A page reads only its slice, by
the primary key (no OFFSET, no count of every post); the index needs only the first and last
published ids; a post stays on its page as later ones are added. A page is fewer URLs where
ids went to drafts or deleted posts. ``section`` writes a post page straight to XML: through
Django's template, each URL cost 0.2-0.4 ms, seconds for a page of 10,000.
"""

import datetime
from html import escape

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sites.shortcuts import get_current_site
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max, Min
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import http_date

from .models import Post, Series


class PagedSitemap(Sitemap):
    # A property where Django has an attribute: the page size is read at each request, so
    # a changed setting applies (the stubs' ``limit: int`` does not allow that override).
    @property
    def limit(self) -> int:  # type: ignore[override]
        return settings.SITEMAP_PAGE_SIZE


class IdRunPaginator:
    """The part of Django's Paginator that the sitemap index uses (``num_pages``), for pages
    that are runs of ``per_page`` ids from the first of ``queryset``."""

    def __init__(self, queryset, per_page: int):
        self.queryset, self.per_page = queryset, per_page

    @cached_property
    def _ids(self) -> tuple[int | None, int | None]:
        ids = self.queryset.aggregate(first=Min("pk"), last=Max("pk"))
        return ids["first"], ids["last"]

    @property
    def num_pages(self) -> int:
        first, last = self._ids
        return 0 if first is None or last is None else (last - first) // self.per_page + 1

    def id_range(self, page) -> tuple[int, int]:
        """The first id of ``page`` and the first id after it."""
        try:
            number = int(page)
        except (TypeError, ValueError):
            raise PageNotAnInteger(page) from None
        first = self._ids[0]
        if first is None or not 1 <= number <= self.num_pages:
            raise EmptyPage(page)
        start = first + (number - 1) * self.per_page
        return start, start + self.per_page


class PostSitemap(PagedSitemap):
    changefreq = "weekly"

    def items(self):
        return Post.objects.published().order_by("pk")

    @cached_property
    def paginator(self):
        return IdRunPaginator(self.items(), self.limit)

    def page_rows(self, page: str | int) -> list[tuple[str, datetime.datetime]]:
        """(slug, updated_at) of the posts on ``page``: what a <url> shows."""
        start, stop = self.paginator.id_range(page)
        posts = self.items().filter(pk__gte=start, pk__lt=stop)
        return list(posts.values_list("slug", "updated_at"))

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
        return Series.objects.in_use()


SLUG = "__slug__"  # stands in for each post's slug in the one reversed post address


def _post_page(request, site: PostSitemap) -> HttpResponse:
    try:
        rows = site.page_rows(request.GET.get("p", 1))
    except (EmptyPage, PageNotAnInteger):
        raise Http404("No such sitemap page") from None
    origin = f"{site.get_protocol(request.scheme)}://{get_current_site(request).domain}"
    address = origin + reverse("blog:post", kwargs={"slug": SLUG})
    zone = timezone.get_current_timezone()  # once: per URL it was a third of the time
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
             'schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n']  # fmt: skip
    for slug, updated_at in rows:
        parts.append(
            f"<url><loc>{escape(address.replace(SLUG, slug), quote=False)}</loc>"
            f"<lastmod>{updated_at.astimezone(zone).date().isoformat()}</lastmod>"
            f"<changefreq>{site.changefreq}</changefreq></url>\n"
        )
    parts.append("</urlset>\n")
    response = HttpResponse("".join(parts), content_type="application/xml")
    if rows:
        response.headers["Last-Modified"] = http_date(max(u for _s, u in rows).timestamp())
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"  # as Django's views say
    return response


def section(request, section: str, sitemaps: dict):
    """One page of one section's sitemap: posts written here, the rest by Django's view."""
    site = sitemaps.get(section)
    if site is PostSitemap or isinstance(site, PostSitemap):
        return _post_page(request, site() if callable(site) else site)
    return sitemap_views.sitemap(request, sitemaps, section=section)
