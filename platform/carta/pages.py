"""Small helpers shared by the apps' page views."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404

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


def page_context(request, queryset, size: int = 20) -> dict:
    """The context ``includes/pagination.html`` expects, for the ``?page=`` asked."""
    page = Paginator(queryset, size).get_page(request.GET.get("page"))
    return {"page_obj": page, "paginator": page.paginator, "is_paginated": page.has_other_pages()}


def querystring(request) -> str:
    """The current filters, without the page number, for pagination links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
