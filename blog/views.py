"""Reader-facing blog pages. Thin: pick the posts a reader may see, render."""

import datetime
import re

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import InterfaceError, OperationalError, connection, connections
from django.db.models import F, Value
from django.db.models.functions import Replace
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from core import pagecache
from core.pagination import comment_page_number, list_page

from . import discussion, reading, viewcount
from .models import AuthorProfile, Post, Series

BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|monitor|"
    r"curl|wget|python-requests|httpclient|headless",
    re.IGNORECASE,
)


def is_bot(request) -> bool:
    agent = request.headers.get("User-Agent", "")
    return not agent or bool(BOT_USER_AGENT.search(agent))


def count_view(request, post_id: int) -> None:
    """A reader (not a crawler) read the post."""
    if not is_bot(request):
        viewcount.count(post_id)


# PostgreSQL marks matches with these; the snippet is escaped before they become <mark>.
HIGHLIGHT_START, HIGHLIGHT_STOP = "\x02", "\x03"
# ts_headline() silently drops anything that looks like an HTML tag ("use the <details>
# element" would read "use the  element"), so angle brackets go in as these private-use
# stand-ins and come back, escaped, in highlight().
LESS_THAN, GREATER_THAN = "\ue000", "\ue001"


def _headline_source(field: str):
    return Replace(Replace(field, Value("<"), Value(LESS_THAN)), Value(">"), Value(GREATER_THAN))


def highlight(snippet: str) -> SafeString:
    escaped = escape(snippet.replace(LESS_THAN, "<").replace(GREATER_THAN, ">"))
    return mark_safe(  # noqa: S308 - escaped above; only our own tags are added
        escaped.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_STOP, "</mark>")
    )


# Search ranks at most this many matches, the newest: a word in every post (or in most of a
# million comments) costs what a rarer one does, instead of ranking every match.
SEARCH_CANDIDATES = 200


# Up to this many matches are read to tell a rare word from a common one.
SEARCH_PROBE = 10 * SEARCH_CANDIDATES


def newest_matches(queryset, query, *, newest="-published_at"):
    """The ids of the ``SEARCH_CANDIDATES`` newest rows of ``queryset`` matching ``query``
    (a list, or a subquery), so the ranking sees at most that many rows.

    Asked as one date-ordered ``LIMIT``, PostgreSQL chose between the GIN index and a walk
    down the date index from ANALYZE's sample of the words: a word its sample missed could
    get the walk, which reads every row when nothing matches (1 s at a million comments).
    So the choice is made here: first up to ``SEARCH_PROBE`` matches, in no order (the GIN
    index for a rare word, a scan that stops early for a common one); if that is all of
    them, the newest are picked from those, otherwise the walk, which a common word ends
    quickly."""
    matching = queryset.filter(search_vector=query)
    found, probed = _probe(matching, newest)
    if probed <= SEARCH_PROBE:
        return found
    return matching.order_by(newest, "-pk").values("pk")[:SEARCH_CANDIDATES]


# The probe's matches are counted, and the newest of them picked, by PostgreSQL: sending
# all 2,001 of a common word's rows to be sorted here cost more than finding them (20 ms of
# parsing their dates, twice a search, at 10,000 posts and a million comments).
PROBE_SQL = """
WITH probe (pk, date) AS MATERIALIZED ({probe})
SELECT pk, (SELECT count(*) FROM probe) FROM probe ORDER BY date {order}, pk {order} LIMIT %s
"""


def _probe(matching, newest: str) -> tuple[list[int], int]:
    """The ids of the newest ``SEARCH_CANDIDATES`` of up to ``SEARCH_PROBE + 1`` rows of
    ``matching`` read in no order, and how many rows were read."""
    probe = matching.order_by().values_list("pk", newest.lstrip("-"))[: SEARCH_PROBE + 1]
    sql, params = probe.query.sql_with_params()
    order = "DESC" if newest.startswith("-") else "ASC"
    with connections[matching.db].cursor() as cursor:
        cursor.execute(PROBE_SQL.format(probe=sql, order=order), [*params, SEARCH_CANDIDATES])
        rows = cursor.fetchall()
    return [pk for pk, _probed in rows], rows[0][1] if rows else 0


def last_comment_page(request, post) -> int | None:
    """The discussion's last page for this reader (``blog.discussion``: the comments app
    provides it)."""
    return discussion.last_page(post, request)


def _page(request, queryset, *, count_all=False):
    return list_page(request, queryset, settings.POSTS_PER_PAGE, count_all=count_all)


# The sidebar's months with published posts, newest first: from the newest published post,
# step to the newest one before the start of its month, and again (one probe of the
# (status, published_at) index a month). A DISTINCT over every post's month read all 10,000
# posts for 111 months. The conditions are Post.objects.published()'s.
ARCHIVE_MONTHS_SQL = """
WITH RECURSIVE months (latest) AS (
    SELECT max(published_at) FROM blog_post WHERE status = %(published)s AND published_at <= %(now)s
    UNION ALL
    SELECT (
        SELECT max(published_at) FROM blog_post WHERE status = %(published)s
        AND published_at < date_trunc('month', latest AT TIME ZONE %(zone)s) AT TIME ZONE %(zone)s
    ) FROM months WHERE latest IS NOT NULL
)
SELECT date_trunc('month', latest AT TIME ZONE %(zone)s) FROM months WHERE latest IS NOT NULL
"""


def _archive_months() -> list[datetime.datetime]:
    """The first moment of each month with a published post, newest first (as TruncMonth
    gives them: in the current time zone)."""
    params: dict[str, str | datetime.datetime] = {
        "published": Post.Status.PUBLISHED,
        "now": timezone.now(),
        "zone": timezone.get_current_timezone_name(),
    }
    with connection.cursor() as cursor:
        cursor.execute(ARCHIVE_MONTHS_SQL, params)
        return [timezone.make_aware(month) for (month,) in cursor.fetchall()]


@require_safe
def post_list(request):
    page = _page(request, Post.objects.published().for_listing())
    return render(
        request, "blog/post_list.html", {"page": page, "archive_months": _archive_months()}
    )


@require_safe
def post_detail(request, slug):
    """The post and its discussion; when the database does not answer, the last good copy
    of the page (``pagecache.last_good``), or the error goes on to the site's 503 page
    (``config.outage``)."""
    try:
        return _post_detail(request, slug)
    except (OperationalError, InterfaceError):
        language = get_language()
        if (
            kept := pagecache.last_good(slug, page=comment_page_number(request), language=language)
        ) is None:
            raise
        post_id, body = kept
        if request.method == "GET" and not is_bot(request):
            viewcount.count(post_id)  # kept in the process until the database answers
        return pagecache.stale_response(body, language)


def _post_detail(request, slug):
    counted = request.method == "GET" and not is_bot(request)
    cacheable = pagecache.cacheable(request)
    page = comment_page_number(request)
    if cacheable and (
        cached := pagecache.answer_from_cache(request, slug, page=page, language=get_language())
    ):
        return cached
    if request.user.is_authenticated:
        post = get_object_or_404(Post.objects.visible_to(request.user).for_listing(), slug=slug)
    elif (post := reading.published_post(slug)) is None:  # the same, in one prepared query
        raise Http404("No such post")
    if page > 1 and page > (last := last_comment_page(request, post) or page):
        # Past the end: no render and no cache entry per made-up page number.
        query = f"?cpage={last}" if last > 1 else ""
        return HttpResponseRedirect(f"{post.get_absolute_url()}{query}#comments")
    if post.is_published and pagecache.anonymous(request):
        # Nothing of the reader's in the page (no CSRF token): the same bytes for everyone.
        version = pagecache.version(post.pk) if cacheable else None
        html = render_to_string("blog/post_detail.html", {"post": post, "csrf_token": ""}, request)
        if version is not None:  # cacheable
            tag, body = pagecache.store(post, page=page, html=html, version=version)
            response = pagecache.full_response(tag, body, get_language())
        else:
            response = HttpResponse(html)
            pagecache.make_public(response)
    else:
        response = render(request, "blog/post_detail.html", {"post": post})
    if not post.is_published:
        # A draft preview must never be cached by a browser or proxy.
        add_never_cache_headers(response)
    else:
        if not pagecache.anonymous(request):
            pagecache.make_private(response)  # a signed-in reader's or one with held comments
        if counted:
            # HEAD comes from link checkers and uptime monitors, not from readers.
            viewcount.count(post.pk)
    return response


@require_safe
def series_detail(request, slug):
    series = Series.objects.filter(slug=slug).first()
    if series is None:
        # A slug the series had before a rename or a merge (blog.series).
        renamed = Series.objects.filter(former_slugs__contains=[slug]).first()
        if renamed is None:
            raise Http404("No such series")
        return HttpResponsePermanentRedirect(renamed.get_absolute_url())
    page = _page(request, Post.objects.published().for_listing().filter(tags=series))
    return render(request, "blog/series_detail.html", {"series": series, "page": page})


@require_safe
def series_list(request):
    return render(request, "blog/series_list.html", {"series_list": Series.objects.in_use()})


@require_safe
def author_detail(request, slug):
    profile = get_object_or_404(AuthorProfile.objects.select_related("user"), slug=slug)
    page = _page(request, Post.objects.published().for_listing().filter(author=profile.user))
    return render(request, "blog/author_detail.html", {"profile": profile, "page": page})


@require_safe
def month_archive(request, year: int, month: int):
    if not (1 <= month <= 12 and 1 <= year <= 9999):
        raise Http404("No such month")
    # A range on published_at (in the site's time zone, as __month would be) instead of
    # EXTRACT(month ...): the (status, published_at) index finds the month's posts.
    start = timezone.make_aware(datetime.datetime(year, month, 1))
    posts = Post.objects.published().for_listing().filter(published_at__gte=start)
    if (year, month) != (9999, 12):
        following = (year + month // 12, month % 12 + 1)
        posts = posts.filter(published_at__lt=timezone.make_aware(datetime.datetime(*following, 1)))
    page = _page(request, posts)
    return render(
        request,
        "blog/month_archive.html",
        {
            "page": page,
            "month_start": datetime.date(year, month, 1),
            "archive_months": _archive_months(),
        },
    )


@require_safe
def search(request):
    """Ranked full-text search over published posts (the newest ``SEARCH_CANDIDATES``
    matches), with highlighted snippets."""
    terms = request.GET.get("q", "").strip()[:200]
    page, capped = None, False
    if terms:
        query = SearchQuery(terms, search_type="websearch", config="english")
        posts = (
            Post.objects.filter(pk__in=newest_matches(Post.objects.published(), query))
            .for_listing()
            .annotate(
                rank=SearchRank(F("search_vector"), query),
                snippet=SearchHeadline(
                    _headline_source("body_text"),
                    query,
                    config="english",
                    start_sel=HIGHLIGHT_START,
                    stop_sel=HIGHLIGHT_STOP,
                    max_words=35,
                    min_words=15,
                ),
            )
            .order_by("-rank", "-published_at")
        )
        # At most SEARCH_CANDIDATES posts: counted in full, as the page says how many.
        page = _page(request, posts, count_all=True)
        capped = page.paginator.count >= SEARCH_CANDIDATES
        for post in page:
            post.snippet_html = highlight(post.snippet)
    # Comments, from the comments app through blog.discussion.
    comment_hits = discussion.search(terms) if terms else None
    return render(
        request,
        "blog/search.html",
        {"q": terms, "page": page, "capped": capped, "comment_hits": comment_hits},
    )


@require_safe
def subscribe(request):
    """What the menu's "Feed" opens: a page a person can read, that explains feeds and
    links them (the Atom itself stays at its own address for feed readers)."""
    return render(request, "blog/subscribe.html", {"series_list": Series.objects.in_use()})


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
