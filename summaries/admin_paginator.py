"""A paginator for the admin's submission list that never counts the whole table.

Django's admin counts every matching row on each page view, which reads the whole table (a
million rows after a month). This one counts at most COUNT_LIMIT + 1 of them (ten pages): up to the limit
the count is exact; past it the list says "more than" the limit, and offers the pages up to
it. Older submissions are found by filtering (status, date received) or searching an address,
which are served by indexes.
"""

from functools import cached_property

from django.core.paginator import Paginator

COUNT_LIMIT = 1_000


class BoundedCountPaginator(Paginator):
    @cached_property
    def counted(self) -> int:
        # In the list's own order: the index that finds the page's rows also bounds the count.
        return self.object_list[: COUNT_LIMIT + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.counted, COUNT_LIMIT)

    @property
    def capped(self) -> bool:
        """Whether more rows match than the count says."""
        return self.counted > COUNT_LIMIT
