"""The one full-text search of the platform.

On PostgreSQL a searchable model stores its Italian full-text vector in a column
(``search_vector``), weighted title over summary over body and kept up to date by a
trigger that every insert and update fires (``stored_vector``, used by the model's
migration), with a GIN index on it. A search is then a lookup in that index plus a
case-insensitive match on the first field (titles and names, where people type a word
that stemming would miss), and the results can be ranked (``search_rank``) without
computing any vector at query time; a list ranks only a search that matches at most
``RANK_LIMIT`` rows (``ranked``), since ranking sorts every match. The title match uses a
trigram index (``trigram_index``). Where a model has no stored vector, the vector is
computed by the query (the same expression as a GIN index the app may build). On SQLite
every field is matched case-insensitively and nothing is ranked.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, migrations, transaction
from django.db.models import F, FloatField, Q, QuerySet, Value
from django.db.models.functions import Upper

CONFIG = "italian"
WEIGHTS = "ABCD"
# A search ranks its matches when at most this many rows match; past it (an unselective
# word, found in most rows) ranking would sort every match, so the matches come newest
# first instead and the list says so (``ranked``).
RANK_LIMIT = 1000
# How close a name must be to what was typed to be suggested (pg_trgm's word similarity,
# 0 to 1): 0.45 finds "Melgrano" -> "Il Melograno" (0.58) and "cooperatva" ->
# "Cooperativa" (0.73), not unrelated names.
SUGGESTION_THRESHOLD = 0.45


def full_text(
    queryset: QuerySet,
    q: str | None,
    fields: Sequence[str],
    *,
    vector: str | None = None,
    rank: bool = False,
) -> QuerySet:
    """``queryset`` narrowed to the rows whose ``fields`` match the words of ``q``; the
    whole queryset when ``q`` is blank. ``fields[0]`` is the title or the name;
    ``vector`` names the model's stored vector column, when it has one. With ``rank``,
    each row carries ``search_rank`` (0 on SQLite and without a query) to order by."""
    q = (q or "").strip()
    if not q:
        return queryset.annotate(search_rank=Value(0.0, FloatField())) if rank else queryset
    title = Q(**{f"{fields[0]}__icontains": q})
    if connection.vendor != "postgresql":
        condition = title
        for name in fields[1:]:
            condition |= Q(**{f"{name}__icontains": q})
        queryset = queryset.filter(condition)
        return queryset.annotate(search_rank=Value(0.0, FloatField())) if rank else queryset
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    query = SearchQuery(q, config=CONFIG, search_type="websearch")
    if vector is not None:
        queryset = queryset.filter(Q(**{vector: query}) | title)
        return queryset.annotate(search_rank=SearchRank(F(vector), query)) if rank else queryset
    matches = (
        queryset.model.objects.annotate(search=SearchVector(*fields, config=CONFIG))
        .filter(search=query)
        .values("pk")
    )
    queryset = queryset.filter(Q(pk__in=matches) | title)
    return queryset.annotate(search_rank=Value(0.0, FloatField())) if rank else queryset


def ranked(queryset: QuerySet, q: str | None, *, limit: int | None = None) -> bool:
    """Whether the search ``q`` on ``queryset`` (already narrowed by ``full_text``) is
    worth ranking: on PostgreSQL, when at most ``limit`` (``RANK_LIMIT``) rows match,
    which one ``SELECT COUNT(*) FROM (... LIMIT limit + 1)`` tells whatever the number of
    matches. False without a query and on SQLite, where nothing is ranked (no query)."""
    if not (q or "").strip() or connection.vendor != "postgresql":
        return False
    limit = RANK_LIMIT if limit is None else limit
    return queryset.order_by()[: limit + 1].count() <= limit


def suggestions(queryset: QuerySet, q: str | None, field: str, *, limit: int = 3) -> list[str]:
    """For a search that found nothing: up to ``limit`` distinct values of ``field`` (a
    title or a name) among ``queryset`` with a word close to ``q``, best first — what
    was meant by a misspelling ("Melgrano" -> "Cooperativa Sociale Il Melograno"). On
    PostgreSQL, pg_trgm's word similarity through the trigram index on
    ``UPPER(field)`` (``trigram_index``): one query, under a millisecond at 100,000
    rows. Empty on SQLite, which has no trigram matching (the page then says only that
    nothing was found), and for fewer than three letters."""
    q = " ".join((q or "").split())[:100]
    if len(q) < 3 or connection.vendor != "postgresql":
        return []
    # The lookup as an expression: django.contrib.postgres need not be installed.
    from django.contrib.postgres.lookups import TrigramWordSimilar
    from django.contrib.postgres.search import TrigramWordSimilarity

    term = q.upper()
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Local to this transaction: the index answers ``%>`` under this threshold.
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
                [str(SUGGESTION_THRESHOLD)],
            )
        rows = (
            queryset.filter(TrigramWordSimilar(Upper(field), Value(term)))
            .annotate(_similarity=TrigramWordSimilarity(term, Upper(field)))
            .order_by("-_similarity", field)
            .values_list(field, flat=True)[: limit * 4]
        )
        names: list[str] = []
        for name in rows:
            if name not in names and name.upper() != term:
                names.append(name)
    return names[:limit]


def _vector_expression(columns: Sequence[str], row: str = "") -> str:
    return " || ".join(
        f"setweight(to_tsvector('{CONFIG}', coalesce({row}{column}, '')), '{WEIGHTS[i]}')"
        for i, column in enumerate(columns)
    )


def stored_vector(table: str, columns: Sequence[str], *, column: str = "search_vector"):
    """The migration operation that keeps ``table.column`` (a ``SearchVectorField``
    added by the same migration) equal to the weighted vector of ``columns`` on
    PostgreSQL: a trigger function and its trigger, the vector of every existing row, a
    GIN index. Nothing on SQLite, where the column stays empty."""
    # The index is not named ``{table}_search_gin``: that was the name of the expression
    # indexes the stored vectors replaced, which their migrations drop after this one, so
    # "IF NOT EXISTS" under that name once left the stored vector with no index at all.
    function, trigger, index = f"{table}_search_update", f"{table}_search", _vector_index(table)
    create_sql = [
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN NEW.{column} := {_vector_expression(columns, 'NEW.')}; RETURN NEW; END $$",
        f"DROP TRIGGER IF EXISTS {trigger} ON {table}",
        f"CREATE TRIGGER {trigger} BEFORE INSERT OR UPDATE OF {', '.join(columns)} "
        f"ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()",
        # Names from the migration itself, never from a request.
        f"UPDATE {table} SET {column} = {_vector_expression(columns)}",  # noqa: S608
        f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING gin ({column})",
    ]
    drop_sql = [
        f"DROP INDEX IF EXISTS {index}",
        f"DROP TRIGGER IF EXISTS {trigger} ON {table}",
        f"DROP FUNCTION IF EXISTS {function}()",
    ]

    return _on_postgresql(create_sql, drop_sql)


def _vector_index(table: str) -> str:
    return f"{table}_vector_gin"


def vector_index(table: str, column: str = "search_vector"):
    """The migration operation that gives ``table.column`` (a stored vector) its GIN
    index on PostgreSQL if it has none (databases migrated before ``stored_vector``
    named its index apart from the expression index it replaced). Nothing on SQLite."""
    index = _vector_index(table)
    return _on_postgresql(
        [f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING gin ({column})"],
        [f"DROP INDEX IF EXISTS {index}"],
    )


def trigram_index(table: str, column: str):
    """The migration operation that lets a case-insensitive ``icontains`` on
    ``table.column`` (``UPPER(column::text) LIKE UPPER('%…%')``, the match on titles and
    names of ``full_text`` and of the name filters) use an index on PostgreSQL: a GIN
    trigram index on ``UPPER(column::text)`` (the ``pg_trgm`` extension, trusted since
    PostgreSQL 13, is created if missing). Without it, every search scans the whole table
    for the title match even when the stored vector's index finds the rest. Nothing on
    SQLite."""
    index = f"{table}_{column}_upper_trgm"
    create_sql = [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        f"CREATE INDEX IF NOT EXISTS {index} ON {table} "
        f"USING gin ((UPPER({column}::text)) gin_trgm_ops)",
    ]
    drop_sql = [f"DROP INDEX IF EXISTS {index}"]

    return _on_postgresql(create_sql, drop_sql)


def _on_postgresql(create_sql: Sequence[str], drop_sql: Sequence[str]):
    """A migration operation running ``create_sql`` forwards and ``drop_sql`` backwards,
    on PostgreSQL only (nothing on SQLite)."""

    def run(statements):
        def apply(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                for statement in statements:
                    schema_editor.execute(statement)

        return apply

    return migrations.RunPython(run(create_sql), run(drop_sql), elidable=False)
