"""The one pager: every paged list (inbox, units, audit log, mail log, review tables) pages with it.

Pages are numbered from 1; a missing, out-of-range or nonsense ``?page=`` gives the first or the last
page, never an error. The template half is ``templates/includes/pager.html`` (with the ``page_query``
tag of ``{% load kczg %}``, which keeps the other filters of the query string).
"""

from django.core.paginator import Page, Paginator

PAGE_SIZE = 50


def page_of(rows, number, per_page: int | None = None) -> Page:
    """The page ``number`` of ``rows`` (a list or a queryset)."""
    return Paginator(rows, per_page or PAGE_SIZE).get_page(number)
