"""Shared cache of rendered post pages for anonymous readers.

A post page changes when the post is saved (its ``updated_at`` is in the key) or when
anything in its discussion changes: the comments app calls ``bump(post_id)`` after each
such commit, which moves the page to a new key. Readers with a session (staff, and readers
who have a comment awaiting moderation or a message to see) always get a fresh render.
The page's CSRF token is per reader, so the cached copy holds a placeholder that each
response replaces with the reader's own token.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils.translation import get_language

CSRF_PLACEHOLDER = "__colloquy_csrf_token__"


def _version_key(post_id: int) -> str:
    return f"colloquy:post:{post_id}:version"


def bump(post_id: int) -> None:
    """Retire every cached page of this post."""
    cache.set(_version_key(post_id), time.time_ns(), None)


def cacheable(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and getattr(settings, "POST_PAGE_CACHE_SECONDS", 300) > 0
    )


def page_key(post, *, page: int) -> str:
    version = cache.get(_version_key(post.pk), 0)
    stamp = post.updated_at.timestamp()
    return f"colloquy:page:{post.pk}:{stamp}:{version}:{page}:{get_language()}"


def get(key: str) -> str | None:
    return cache.get(key)


def put(key: str, html: str) -> None:
    cache.set(key, html, getattr(settings, "POST_PAGE_CACHE_SECONDS", 300))


def personalise(request, html: str) -> str:
    return html.replace(CSRF_PLACEHOLDER, get_token(request))
