"""The comment list's pages, read in two steps: the page's ids in the list's order, then
those comments with their posts.

In one step PostgreSQL sorted whole rows (each comment with its post) to find a page, and
when it guessed that few comments match a filter it sorted every match that way: the held
comments with a links reason, 19,188 of them at a million comments, 300 ms with the sort
spilling to disk. It cannot guess better: it takes a reason's kind and the pending status
to be independent, when nearly every comment with a reason is held. Sorting the ids alone
costs a few milliseconds however it guesses; the page's rows are then read by their keys.
"""

from django.core.paginator import Paginator


class IdsFirstPaginator(Paginator):
    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = self.object_list.in_bulk(ids)
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
