"""The one full-text search of the platform.

On PostgreSQL the match is Italian full-text search, run in a subquery of its own so that
it uses the GIN index each app builds on the same ``SearchVector`` expression, plus a
case-insensitive match on the first field (titles and names, where people type a word
that stemming would miss). On SQLite every field is matched case-insensitively.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import Q, QuerySet


def full_text(queryset: QuerySet, q: str | None, fields: Sequence[str]) -> QuerySet:
    """``queryset`` narrowed to the rows whose ``fields`` match the words of ``q``; the
    whole queryset when ``q`` is blank. ``fields[0]`` is the title or the name."""
    q = (q or "").strip()
    if not q:
        return queryset
    title = Q(**{f"{fields[0]}__icontains": q})
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        matches = (
            queryset.model.objects.annotate(search=SearchVector(*fields, config="italian"))
            .filter(search=SearchQuery(q, config="italian"))
            .values("pk")
        )
        return queryset.filter(Q(pk__in=matches) | title)
    condition = title
    for name in fields[1:]:
        condition |= Q(**{f"{name}__icontains": q})
    return queryset.filter(condition)
