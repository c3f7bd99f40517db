"""Shared cache of rendered post pages for anonymous readers, and their HTTP caching.

A hit is served without touching the database: the slug leads to the post's id, and one
cache read brings the post's current version and the page, which is kept with the version
it was rendered at (an older one is a miss). Saving or deleting the post, and
any change in its discussion, bumps the version after the commit (``bump``), so the next
reader gets a fresh render. Readers with a session (signed-in users, and readers with a
comment awaiting moderation or a message to see) always get a fresh, private render.

An anonymous reader's page holds nothing of theirs (the comment form needs no CSRF token
from a same-origin browser, and comments.js fetches one for the rest; a chosen language,
the cookie, makes the page private), so it is the same bytes for everyone and
a CDN or nginx may keep it: ``Cache-Control: public`` with a short ``s-maxage``, and a
strong ``ETag`` made of the post's version, the comment page and the language, so a
revalidation (``If-None-Match``) is answered ``304`` from one small cache read
(``PageCacheMiddleware``, before sessions, authentication and CSRF).

Stale if error: a page is kept ``PAGE_CACHE_STALE_IF_ERROR`` seconds, well past its own
lifetime and its version (a lapsed or retired page is a miss), so that when the database
does not answer, the post's view serves the last good copy (``last_good``) instead of an
error page. Only words added since (a new comment) may be missing from it: a change that
may take words away (a comment edited, removed or otherwise changed; the post edited,
unpublished or deleted) withdraws every copy made before it (``bump(withdraw=True)``), so
an outage never undoes a moderator's decision.
"""

import datetime
import re
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.translation import get_language, get_language_from_request

from . import localpages
from .pagination import comment_page_number

# Told of every page served from the cache: (request, post id). The blog registers its
# view counter here (blog/apps.py): core knows nothing of posts.
_hit_counter: Callable[[HttpRequest, int], None] | None = None


def count_hits_with(counter: Callable[[HttpRequest, int], None]) -> None:
    global _hit_counter
    _hit_counter = counter


def _version_key(post_id: int) -> str:
    return f"colloquy:post:{post_id}:version"


def _slug_key(slug: str) -> str:
    return f"colloquy:slug:{slug}"


def _page_key(post_id: int, page: int, language: str) -> str:
    return f"colloquy:page:{post_id}:{page}:{language}"


def _etag_key(post_id: int, page: int, language: str) -> str:
    return f"colloquy:etag:{post_id}:{page}:{language}"


# slug → post id, per process: the mapping only goes stale when a slug changes, and then
# the post's version has moved on, so the stale entry leads to a miss, never a wrong page.
_slugs: dict[str, int] = {}
_SLUGS_KEPT = 10_000


def _seconds() -> int:
    return settings.POST_PAGE_CACHE_SECONDS


def _withdrawn_key(post_id: int) -> str:
    return f"colloquy:post:{post_id}:withdrawn"


def bump(post_id: int, *, withdraw: bool = False) -> None:
    """Retire every cached page of this post, and every process's copy of them; with
    ``withdraw``, the copies made so far may not be served even as a last good copy."""
    now = time.time_ns()
    if withdraw:
        cache.set(_withdrawn_key(post_id), now, max(1, settings.PAGE_CACHE_STALE_IF_ERROR))
    cache.set(_version_key(post_id), now, None)
    localpages.changed(post_id)


def _own_cookies() -> tuple[str, ...]:
    """Cookies that make a page the reader's own. The language cookie is one: a shared
    page may vary only by what its cache key and ``Vary`` name (the URL and
    Accept-Language), and no cache keys on a cookie, so whatever LANGUAGES holds, a
    reader who chose a language gets a private page in it."""
    return (
        settings.SESSION_COOKIE_NAME,
        "messages",
        settings.COMMENTS_OWN_COOKIE_NAME,
        settings.LANGUAGE_COOKIE_NAME,
    )


def anonymous(request: HttpRequest) -> bool:
    """A reader whose page holds nothing of their own: the same bytes for everyone."""
    return request.method in ("GET", "HEAD") and not any(
        name in request.COOKIES for name in _own_cookies()
    )


def cacheable(request: HttpRequest) -> bool:
    return anonymous(request) and _seconds() > 0


def version(post_id: int) -> int:
    """The post's current version: read it before rendering, and store the page under it.

    A version lost from the cache starts again from the clock, never from an old value a
    browser may still hold in an ETag."""
    found = cache.get(_version_key(post_id))
    if found is None:
        cache.add(_version_key(post_id), time.time_ns(), None)
        found = cache.get(_version_key(post_id), 0)
    return found


def etag(post_id: int, version: int, page: int, language: str) -> str:
    return f'"{post_id}-{version}-{page}-{language}"'


def lookup(slug: str, *, page: int, language: str | None = None) -> tuple[int, str, bytes] | None:
    """(post id, ETag, the page's bytes) from the cache, or None.

    One round trip when the slug is known to this process: the version and the page come
    in one ``get_many``, and a page stored under an older version is a miss. With copies
    in this process (``localpages``), the version alone is read first, and a copy made
    at that version saves bringing the page over.
    """
    post_id = _post_id(slug)
    if post_id is None:
        return None
    language = language or get_language()
    local = localpages.local_pages()
    if local is not None:
        current = cache.get(_version_key(post_id))
        if current is not None and (copy := local.get(post_id, page, language, version=current)):
            return post_id, copy.tag, copy.body
    keys = [_version_key(post_id), _page_key(post_id, page, language)]
    found = cache.get_many(keys)
    entry = found.get(keys[1])
    current = found.get(keys[0])
    if entry is None or entry[0] != current or entry[2] <= time.time():
        return None  # none, retired by a change, or lapsed: kept only for last_good
    _current, body, lapses_at = entry
    tag = etag(post_id, current, page, language)
    if local is not None:
        local.put(
            post_id, page, language,
            version=current, tag=tag, body=body, seconds=lapses_at - time.time(),
        )  # fmt: skip
    return post_id, tag, body


def still_valid(slug: str, *, page: int, language: str, tag: str) -> int | None:
    """The post id when ``tag`` is the ETag of the page the cache holds now, else None.

    Reads the version and a small marker stored with the page (or this process's copy
    made at that version), not the page itself."""
    post_id = _post_id(slug)
    if post_id is None:
        return None
    local = localpages.local_pages()
    if local is not None:
        current = cache.get(_version_key(post_id))
        if current is not None and (copy := local.get(post_id, page, language, version=current)):
            return post_id if tag == copy.tag else None
    keys = [_version_key(post_id), _etag_key(post_id, page, language)]
    found = cache.get_many(keys)
    current = found.get(keys[0])
    if current is None or found.get(keys[1]) != current:
        return None
    return post_id if tag == etag(post_id, current, page, language) else None


def _post_id(slug: str) -> int | None:
    post_id = _slugs.get(slug)
    if post_id is None:
        post_id = cache.get(_slug_key(slug))
        if post_id is None:
            return None
        if len(_slugs) >= _SLUGS_KEPT:
            _slugs.clear()
        _slugs[slug] = post_id
    return post_id


class CachedPost(Protocol):
    """What the page cache reads of a post (a ``blog.models.Post``: core imports no app)."""

    @property
    def pk(self) -> int: ...
    @property
    def slug(self) -> str: ...
    @property
    def comments_close_at(self) -> datetime.datetime | None: ...


def store(post: CachedPost, *, page: int, html: str, version: int) -> tuple[str, bytes]:
    """Keep the page, encoded once, under the version read before it was rendered (a
    change during the render makes it a miss); returns its ETag and bytes."""
    body = html.encode()
    language = get_language()
    timeout = _seconds()
    now = timezone.now()
    if post.comments_close_at and post.comments_close_at > now:
        # The form must go when comments close: keep the page no longer than that.
        left = (post.comments_close_at - now).total_seconds()
        timeout = max(0, min(timeout, int(left)))
    _slugs[post.slug] = post.pk  # a miss through a stale slug mapping heals it here
    tag = etag(post.pk, version, page, language)
    if timeout:
        # The page and the way to it outlive their lifetime (``lapses_at``, which lookup
        # checks), for ``last_good``; the ETag marker does not.
        kept = max(timeout, settings.PAGE_CACHE_STALE_IF_ERROR)
        cache.set_many(
            {
                _slug_key(post.slug): post.pk,
                # When it lapses, for the copies other processes take of it.
                _page_key(post.pk, page, language): (version, body, time.time() + timeout),
            },
            kept,
        )
        cache.set(_etag_key(post.pk, page, language), version, timeout)
        if (local := localpages.local_pages()) is not None:
            local.put(post.pk, page, language, version=version, tag=tag, body=body, seconds=timeout)
    return tag, body


def last_good(slug: str, *, page: int, language: str) -> tuple[int, bytes] | None:
    """(post id, the page's bytes) of the last page rendered for this slug, however old
    or retired; None when there is none or the cache does not answer either."""
    try:
        post_id = _post_id(slug)
        if post_id is None:
            return None
        keys = [_page_key(post_id, page, language), _withdrawn_key(post_id)]
        found = cache.get_many(keys)
    except Exception:  # a cache kept in the database is down with it
        return None
    entry, withdrawn = found.get(keys[0]), found.get(keys[1])
    if entry is None or (withdrawn is not None and entry[0] < withdrawn):
        return None  # made before a change that took words away
    return post_id, entry[1]


def stale_response(body: bytes, language: str) -> HttpResponse:
    """The last good copy, while the page cannot be made afresh: for this reader only, so
    no proxy keeps it past the outage."""
    response = HttpResponse(body)
    response.headers["Content-Language"] = language
    response.headers["X-Stale-If-Error"] = "1"
    patch_cache_control(response, no_store=True)
    return response


def make_public(response: HttpResponseBase) -> None:
    """Any cache may keep it for PAGE_CACHE_S_MAXAGE seconds, then serve it stale while it
    revalidates; browsers revalidate every time (a new comment should show on reload)."""
    patch_cache_control(
        response,
        public=True,
        max_age=0,
        s_maxage=settings.PAGE_CACHE_S_MAXAGE,
        stale_while_revalidate=settings.PAGE_CACHE_STALE_WHILE_REVALIDATE,
    )


def make_private(response: HttpResponseBase) -> None:
    patch_cache_control(response, private=True, no_cache=True)


def not_modified(tag: str) -> HttpResponseNotModified:
    response = HttpResponseNotModified()
    response.headers["ETag"] = tag
    make_public(response)
    return response


def full_response(tag: str, body: bytes, language: str) -> HttpResponse:
    response = HttpResponse(body)
    response.headers["Content-Length"] = str(len(body))
    response.headers["ETag"] = tag
    response.headers["Content-Language"] = language
    make_public(response)
    return response


def public_when_anonymous(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """For pages that hold nothing of the reader's (lists, archives, feeds): public with an
    ETag of the content for anonymous readers, answered 304 when it still matches (after
    rendering: these are cheap); private for signed-in users."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        # A streaming response (not an HttpResponse) has no content to tag: passed through.
        if response.status_code != 200 or not isinstance(response, HttpResponse):
            return response
        if not anonymous(request) or response.cookies:
            make_private(response)
            return response
        make_public(response)
        set_response_etag(response)
        answer = get_conditional_response(request, etag=response.headers["ETag"], response=response)
        return answer if answer is not None else response  # never None when given one

    return wrapped


def _allowed_host(request: HttpRequest) -> bool:
    """Django's own Host check (ALLOWED_HOSTS), which this early path would otherwise skip:
    a bad Host goes on to the stack, which answers it 400 as it answers every page."""
    try:
        request.get_host()
    except DisallowedHost:
        return False
    return True


class PageCacheMiddleware:
    """Answers a page-cache hit (or a 304 revalidation) for an anonymous reader before the
    rest of the middleware stack: no session, authentication, CSRF or URL resolving.

    Placed after SecurityMiddleware and ``core.headers`` (their headers still apply); it
    adds what the middleware it skips would have: Vary and Content-Language
    (LocaleMiddleware). A hit is counted as a view of the post by the function the blog
    registers (``count_hits_with``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self._pattern: re.Pattern[str] | None = None

    def _slug(self, path: str) -> str | None:
        if self._pattern is None:
            prefix, _sep, suffix = reverse("blog:post", args=["slug-here"]).partition("slug-here")
            self._pattern = re.compile(rf"^{re.escape(prefix)}([-a-zA-Z0-9_]+){re.escape(suffix)}$")
        found = self._pattern.match(path)
        return found.group(1) if found else None

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        slug = self._slug(request.path_info) if cacheable(request) else None
        if slug is None or not _allowed_host(request):
            return self.get_response(request)
        response = self._early(request, slug)
        return response if response is not None else self.get_response(request)

    def _early(self, request: HttpRequest, slug: str) -> HttpResponse | None:
        page = comment_page_number(request)
        language = get_language_from_request(request)
        response = answer_from_cache(request, slug, page=page, language=language)
        if response is not None:
            patch_vary_headers(response, ("Accept-Language",))
        return response


def answer_from_cache(
    request: HttpRequest, slug: str, *, page: int, language: str
) -> HttpResponse | None:
    """The cached page for an anonymous reader, or a ``304`` when the copy they hold (their
    ``If-None-Match``) is still the one the cache holds, counted as a view of the post
    (``count_hits_with``); None on a miss. ``PageCacheMiddleware`` answers with it before
    the middleware stack, and the post view when a page was stored meanwhile."""
    wanted = request.META.get("HTTP_IF_NONE_MATCH")
    response: HttpResponse
    if wanted and (post_id := still_valid(slug, page=page, language=language, tag=wanted)):
        response = not_modified(wanted)
    elif hit := lookup(slug, page=page, language=language):
        post_id, tag, body = hit
        response = full_response(tag, body, language)
    else:
        return None
    if request.method == "GET" and _hit_counter is not None:
        _hit_counter(request, post_id)
    return response
