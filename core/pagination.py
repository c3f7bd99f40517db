"""Which page a request asks for: of a post's discussion, and of a list of posts.

The post page (``blog.views``) and the thread's template tag (``comments``) both read the
same ``cpage`` parameter; it lives here, in neither view, so neither imports the other's view.

The lists of posts (home, a series, an author, a month, search) are paged here too. A list
counts its posts only a few pages past the one shown (``PAGES_AHEAD``): counting every post
of a series cost more than reading its page at 10,000 posts, and a reader on page 1 needs
to know that there is an older page, not how many. Near the end of a list the count reaches
the end, and the pager says "Page N of M"; before it, "Page N" with Newer and Older links.
"""

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

# How many pages past the one shown a list of posts is counted.
PAGES_AHEAD = 4
# A page number past any real list (and within PostgreSQL's LIMIT).
LAST_NUMBER = 10**9


def comment_page_number(request: HttpRequest) -> int:
    """The ``cpage`` the discussion under a post is showing (1 when absent or bad)."""
    try:
        return max(1, int(request.GET.get("cpage", 1)))
    except (TypeError, ValueError):
        return 1


class AheadPaginator(Paginator):
    """A paginator whose ``count`` stops ``PAGES_AHEAD`` pages past page ``number``: one
    ``COUNT(*)`` over a ``LIMIT`` subquery, which a list of ten thousand posts answers as
    quickly as a list of fifty. ``total_known`` says whether it reached the end; with
    ``number=None`` every row is counted."""

    object_list: QuerySet[Any]  # a QuerySet: the capped count runs in the database

    def __init__(self, object_list: QuerySet[Any], per_page: int, *, number: int | None) -> None:
        super().__init__(object_list, per_page)
        # One row more than the pages need: "exactly that many" differs from "more".
        self.counted_to = None if number is None else (number + PAGES_AHEAD) * per_page + 1

    @cached_property
    def count(self) -> int:
        if self.counted_to is None:
            return super().count
        return self.object_list[: self.counted_to].count()

    @property
    def total_known(self) -> bool:
        return self.counted_to is None or self.count < self.counted_to


def list_page(
    request: HttpRequest, queryset: QuerySet[Any], per_page: int, *, count_all: bool = False
) -> Page:
    """The page of ``queryset`` that ``?page=`` asks for (the first for a bad number, the
    last for one past the end). ``count_all``: count every row (for a list that is short
    by construction and says how long it is, such as search's)."""
    try:
        number = min(max(1, int(request.GET.get("page", 1))), LAST_NUMBER)
    except (TypeError, ValueError):
        number = 1
    paginator = AheadPaginator(queryset, per_page, number=None if count_all else number)
    return paginator.get_page(number)
