"""Shared cache of rendered post pages for anonymous readers.

A hit is served without touching the database: the slug leads to the post's id, and one
cache read brings the post's current version and the page, which is kept with the version
it was rendered at (an older one is a miss). Saving or deleting the post, and
any change in its discussion, bumps the version after the commit (``bump``), so the next
reader gets a fresh render. Readers with a session (staff, and readers with a comment
awaiting moderation or a message to see) always get a fresh render. The page's CSRF token
is per reader: the cached copy holds a placeholder that each response replaces with the
reader's own token.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

CSRF_PLACEHOLDER = "__colloquy_csrf_token__"


def _version_key(post_id: int) -> str:
    return f"colloquy:post:{post_id}:version"


def _slug_key(slug: str) -> str:
    return f"colloquy:slug:{slug}"


def _page_key(post_id: int, page: int) -> str:
    return f"colloquy:page:{post_id}:{page}:{get_language()}"


# slug → post id, per process: the mapping only goes stale when a slug changes, and then
# the post's version has moved on, so the stale entry leads to a miss, never a wrong page.
_slugs: dict[str, int] = {}
_SLUGS_KEPT = 10_000


def _seconds() -> int:
    return settings.POST_PAGE_CACHE_SECONDS


def bump(post_id: int) -> None:
    """Retire every cached page of this post."""
    cache.set(_version_key(post_id), time.time_ns(), None)


def cacheable(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and _seconds() > 0
    )


def version(post_id: int):
    """The post's current version: read it before rendering, and store the page under it."""
    return cache.get(_version_key(post_id), 0)


def lookup(slug: str, *, page: int) -> tuple[int, list[bytes]] | None:
    """(post id, the page as encoded pieces around the CSRF token) from the cache, or None.

    One cache round trip when the slug is known to this process: the version and the page
    come in one ``get_many``, and a page stored under an older version is a miss.
    """
    post_id = _slugs.get(slug)
    if post_id is None:
        post_id = cache.get(_slug_key(slug))
        if post_id is None:
            return None
        if len(_slugs) >= _SLUGS_KEPT:
            _slugs.clear()
        _slugs[slug] = post_id
    found = cache.get_many([_version_key(post_id), _page_key(post_id, page)])
    entry = found.get(_page_key(post_id, page))
    if entry is None or entry[0] != found.get(_version_key(post_id), 0):
        return None
    return post_id, entry[1]


def store(post, *, page: int, html: str, version) -> list[bytes]:
    """Keep the page, encoded once and split where each reader's token goes, under the
    version read before it was rendered (a change during the render makes it a miss)."""
    pieces = html.encode().split(CSRF_PLACEHOLDER.encode())
    timeout = _seconds()
    if post.comments_close_at:
        # The form must go when comments close: keep the page no longer than that.
        left = (post.comments_close_at - timezone.now()).total_seconds()
        timeout = max(0, min(timeout, int(left)))
    _slugs[post.slug] = post.pk  # a miss through a stale slug mapping heals it here
    if timeout:
        cache.set_many(
            {_slug_key(post.slug): post.pk, _page_key(post.pk, page): (version, pieces)},
            timeout,
        )
    return pieces


def personalise(request, pieces: list[bytes]) -> bytes:
    if len(pieces) == 1:
        return pieces[0]
    return get_token(request).encode().join(pieces)
