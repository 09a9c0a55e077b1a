"""Small helpers shared by the apps' page views."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.utils.functional import cached_property

from carta import search
from carta.errors import NotAllowed, NotFound


def fetch(selector, *args, **kwargs):
    """Run a fetch-and-authorize selector, turning its refusals into the page's 404 and
    403 (the selector decides which: hidden objects are 404)."""
    try:
        return selector(*args, **kwargs)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    except NotAllowed as error:
        raise PermissionDenied(str(error.message)) from None


# Rows a list counts exactly; past them it says "more than" (``CappedPaginator``).
COUNT_LIMIT = 1000
# Rows skipped past which a page is read by its ids first (``CappedPaginator.page``).
DEEP_OFFSET = 1000


class CappedPaginator(Paginator):
    """A ``Paginator`` that never counts a whole long list: it counts the rows up to
    ``limit`` or up to two pages past the page asked, whichever is further (one
    ``SELECT COUNT(*) FROM (... LIMIT n)``), so the count costs the same at 1,000 rows and
    at 100,000. ``count_exact`` says whether ``count`` is the whole list (False: there
    are more than ``count`` rows, and the last page is not known yet); the page links
    then end with an ellipsis (``page_window``). Page N is still reachable: asking for it
    counts as far as it. On a list shorter than the limit it is Django's paginator."""

    def __init__(self, object_list, per_page, *args, limit: int | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.limit = COUNT_LIMIT if limit is None else limit
        self._asked = 1

    def validate_number(self, number):
        with contextlib.suppress(TypeError, ValueError):
            self._asked = min(max(1, int(number)), 10**7)
        return super().validate_number(number)

    def page(self, number):
        """Past ``DEEP_OFFSET`` rows, the page's ids are read first in the list's order
        (a narrow query: no joined or annotated columns for the rows skipped), then its
        rows by id: one query more, but page 4,000 of 100,000 rows costs a fifth of what
        the whole rows' OFFSET did."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        queryset = self.object_list
        if bottom < DEEP_OFFSET or not hasattr(queryset, "values_list"):
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(queryset.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in queryset.filter(pk__in=ids).order_by()}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        ceiling = max(self.limit, (self._asked + 2) * self.per_page)
        if isinstance(self.object_list, list) or not hasattr(self.object_list, "order_by"):
            total = len(self.object_list)
        else:
            total = self.object_list.order_by()[: ceiling + 1].count()
        return min(total, ceiling), total <= ceiling

    @cached_property
    def count(self) -> int:
        return self._counted[0]

    @property
    def count_exact(self) -> bool:
        return self._counted[1]


def page_context(request, queryset, size: int = 20) -> dict:
    """The context ``includes/pagination.html`` expects, for the ``?page=`` asked: a
    ``CappedPaginator`` (``paginator.count_exact`` False past ``COUNT_LIMIT`` rows)."""
    page = CappedPaginator(queryset, size).get_page(request.GET.get("page"))
    return {"page_obj": page, "paginator": page.paginator, "is_paginated": page.has_other_pages()}


def querystring(request) -> str:
    """The current filters, without the page number, for pagination links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def suggest_if_empty(
    request, context: dict, q: str, names: Callable[[], QuerySet], field: str
) -> dict:
    """Add ``suggestions`` (``includes/search_suggestions.html``) to a list page's
    ``context`` when its search ``q`` found nothing: the values of ``field`` in
    ``names()`` (the same list without the search, so that a suggestion keeps the other
    filters and finds something) close to ``q``, each with the page's query string for
    it. Nothing is read when the page has rows or there is no search."""
    page = context.get("page_obj")
    if not q or page is None or len(page.object_list):
        return context
    params = request.GET.copy()
    params.pop("page", None)
    found = []
    for name in search.suggestions(names(), q, field):
        params["q"] = name
        found.append({"name": name, "query": params.urlencode()})
    context["suggestions"] = found
    return context
