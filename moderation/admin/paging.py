"""The comment list's pages, read in two steps: the page's ids in the list's order, then
those comments with their posts.

In one step PostgreSQL sorted whole rows (each comment with its post) to find a page, and
when it guessed that few comments match a filter it sorted every match that way: the held
comments with a links reason, 19,188 of them at a million comments, 300 ms with the sort
spilling to disk. It cannot guess better: it takes a reason's kind and the pending status
to be independent, when nearly every comment with a reason is held. Sorting the ids alone
costs a few milliseconds however it guesses; the page's rows are then read by their keys.
"""

from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


class IdsFirstPaginator(Paginator):
    object_list: QuerySet[Any]

    def page(self, number: int | str) -> Page[Any]:
        page = super().page(number)  # its object_list: this page's slice, not yet read
        ids = list(cast(QuerySet[Any], page.object_list).values_list("pk", flat=True))
        rows = self.object_list.in_bulk(ids)
        page.object_list = [rows[pk] for pk in ids if pk in rows]
        return page
