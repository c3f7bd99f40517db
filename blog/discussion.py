"""What the blog shows of the discussion under its posts, provided by the comments app.

blog imports nothing from comments: comments registers its functions here in its
``AppConfig.ready()`` (``comments/apps.py``), so the path is one import away for a reader
of the code, and a start-up check (``blog/checks.py``) fails when nothing is registered.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Discussion:
    # The discussion's last page for this reader (?cpage= past it redirects there).
    last_page: Callable[[Any, HttpRequest], int | None]
    # The comments matching a search, for the blog's search page.
    search: Callable[[str], Any]


_discussion: Discussion | None = None


def register(discussion: Discussion) -> None:
    global _discussion
    _discussion = discussion


def registered() -> Discussion | None:
    return _discussion


def last_page(post, request: HttpRequest) -> int | None:
    return _discussion.last_page(post, request) if _discussion else None


def search(terms: str) -> Any:
    return _discussion.search(terms) if _discussion else None
