"""Shared cache of rendered post pages for anonymous readers.

A hit is served without touching the database: the slug leads to the post's id, the id to
the post's current version, and the version to the page. Saving or deleting the post, and
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


def _page_key(post_id: int, version, page: int) -> str:
    return f"colloquy:page:{post_id}:{version}:{page}:{get_language()}"


def _seconds() -> int:
    return getattr(settings, "POST_PAGE_CACHE_SECONDS", 300)


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


def lookup(slug: str, *, page: int) -> tuple[int, list[bytes]] | None:
    """(post id, the page as encoded pieces around the CSRF token) from the cache, or None."""
    post_id = cache.get(_slug_key(slug))
    if post_id is None:
        return None
    html = cache.get(_page_key(post_id, cache.get(_version_key(post_id), 0), page))
    return None if html is None else (post_id, html)


def store(post, *, page: int, html: str) -> list[bytes]:
    """Keep the page, encoded once and split where each reader's token goes."""
    pieces = html.encode().split(CSRF_PLACEHOLDER.encode())
    timeout = _seconds()
    if post.comments_close_at:
        # The form must go when comments close: keep the page no longer than that.
        left = (post.comments_close_at - timezone.now()).total_seconds()
        timeout = max(0, min(timeout, int(left)))
    if timeout:
        version = cache.get(_version_key(post.pk), 0)
        cache.set_many(
            {_slug_key(post.slug): post.pk, _page_key(post.pk, version, page): pieces}, timeout
        )
    return pieces


def personalise(request, pieces: list[bytes]) -> bytes:
    if len(pieces) == 1:
        return pieces[0]
    return get_token(request).encode().join(pieces)
