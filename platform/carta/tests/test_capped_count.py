"""Lists count their rows up to a limit, never a whole long list: past ``COUNT_LIMIT``
the count is a lower bound, pages and the API say so ("Oltre N ...", ``count_exact``), the
page links end with an ellipsis, and the number of queries is the same at every size."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from carta import pages
from carta.pages import CappedPaginator
from carta.templatetags.carta_tags import page_window
from proposals.models import Proposal
from proposals.states import ProposalState
from tests.factories import OrganizationFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def published(n: int) -> None:
    organization = OrganizationFactory()
    for _ in range(n):
        ProposalFactory(organization=organization, state=ProposalState.PUBLISHED)


def test_a_short_list_is_counted_exactly():
    published(7)
    paginator = CappedPaginator(Proposal.objects.order_by("pk"), 2, limit=10)
    page = paginator.get_page(1)
    assert (paginator.count, paginator.count_exact, paginator.num_pages) == (7, True, 4)
    assert page_window(page) == [1, 2, 3, 4]


def test_a_long_list_is_counted_up_to_the_limit_with_a_limited_count():
    published(12)
    paginator = CappedPaginator(Proposal.objects.order_by("pk"), 2, limit=5)
    with CaptureQueriesContext(connection) as captured:
        page = paginator.get_page(1)
        rows = list(page)
    assert (paginator.count, paginator.count_exact) == (6, False)
    assert len(rows) == 2 and page.has_next()
    # One limited COUNT and the page's rows.
    assert len(captured) == 2
    assert "LIMIT" in captured[0]["sql"].upper() and "COUNT" in captured[0]["sql"].upper()
    # The last page is not known: no link to it, an ellipsis instead.
    assert page_window(page) == [1, 2, 3, None]


def test_a_page_past_the_limit_is_still_reached_and_counted_two_pages_further():
    published(12)
    paginator = CappedPaginator(Proposal.objects.order_by("pk"), 2, limit=5)
    page = paginator.get_page(3)
    assert page.number == 3
    assert [p.pk for p in page] == list(
        Proposal.objects.order_by("pk").values_list("pk", flat=True)[4:6]
    )
    assert (paginator.count, paginator.count_exact) == (10, False)
    assert page.has_next()
    # Near the end the count reaches it and becomes exact.
    paginator = CappedPaginator(Proposal.objects.order_by("pk"), 2, limit=5)
    page = paginator.get_page(5)
    assert (paginator.count, paginator.count_exact, paginator.num_pages) == (12, True, 6)
    assert page_window(page) == [1, None, 3, 4, 5, 6]


def test_a_page_number_past_the_end_or_absurd_gives_the_last_page():
    published(5)
    paginator = CappedPaginator(Proposal.objects.order_by("pk"), 2, limit=3)
    assert paginator.get_page(10**40).number == 3
    assert paginator.count_exact is True
    assert CappedPaginator(Proposal.objects.all(), 2, limit=3).get_page("x").number == 1


def page_queries(client, url) -> tuple[int, str]:
    client.get(url)  # warms what a process reads once
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_proposal_list_page_says_more_than_and_costs_the_same(client, monkeypatch):
    monkeypatch.setattr(pages, "COUNT_LIMIT", 10)
    published(3)
    small, html = page_queries(client, "/proposte/")
    assert "3 proposte trovate" in html and "Oltre" not in html
    published(70)
    large, html = page_queries(client, "/proposte/")
    # 20 a page: counted up to two pages past the first.
    assert "Oltre 60 proposte trovate" in html
    assert 'href="?page=3"' in html and 'href="?page=4"' not in html
    assert large == small


@pytest.mark.parametrize("size", [3, 25])
def test_the_api_says_when_the_count_is_a_lower_bound(
    api, monkeypatch, size, django_assert_num_queries
):
    monkeypatch.setattr(pages, "COUNT_LIMIT", 10)
    published(size)
    # The limited COUNT, the page, its partnerships.
    with django_assert_num_queries(3):
        body = api.get("/api/v1/proposals/", {"page_size": 5}).json()
    assert len(body["results"]) == min(size, 5)
    if size > 10:
        assert (body["count"], body["count_exact"]) == (15, False)
        assert body["next"]
    else:
        assert (body["count"], body["count_exact"]) == (size, True)


def test_the_api_last_page_is_counted_to_the_end(api, monkeypatch):
    monkeypatch.setattr(pages, "COUNT_LIMIT", 4)
    published(11)
    body = api.get("/api/v1/proposals/", {"page_size": 2, "page": "last"}).json()
    assert (body["count"], body["count_exact"], len(body["results"]), body["next"]) == (
        11,
        True,
        1,
        None,
    )


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="ranking is PostgreSQL's (SQLite ranks nothing)"
)


@postgres_only
@pytest.mark.parametrize("limit", [10, 2])
def test_a_search_ranks_a_few_matches_and_lists_many_newest_first(api, monkeypatch, limit):
    from carta import search

    monkeypatch.setattr(search, "RANK_LIMIT", limit)
    organization = OrganizationFactory()
    best = ProposalFactory(
        organization=organization, state=ProposalState.PUBLISHED, title="Anziani a casa"
    )
    for _ in range(3):
        ProposalFactory(organization=organization, state=ProposalState.PUBLISHED)
    # All four match (the factory's summary says "anziane", the same stem); "anziani" is
    # in one title only: ranked, that one comes first; past the limit, the newest first.
    newest_first = list(
        Proposal.objects.order_by("-created_at", "-id").values_list("pk", flat=True)
    )
    with CaptureQueriesContext(connection) as captured:
        body = api.get("/api/v1/proposals/", {"q": "anziani"}).json()
    ids = [row["id"] for row in body["results"]]
    assert sorted(ids) == sorted(newest_first)
    if limit == 10:
        assert ids[0] == best.pk
    else:
        assert ids == newest_first
    # The limited COUNT of ``ranked``, the paginator's, the page, its partnerships.
    assert len(captured) == 4


@pytest.mark.parametrize("limit", [1000, 1])
def test_the_organization_filter_by_name_finds_led_and_partnered_proposals(
    api, client, monkeypatch, limit
):
    """A few organizations named (their ids looked up) or many (checked row by row): the
    same proposals, and the same queries whatever the number of organizations."""
    from proposals import selectors
    from tests.factories import PartnershipFactory

    monkeypatch.setattr(selectors, "NAMED_LIMIT", limit)
    counts = []
    for round_ in range(2):
        cooperatives = [
            OrganizationFactory(legal_name=f"Cooperativa Sole {round_}-{i}") for i in range(3)
        ]
        led = [ProposalFactory(organization=o, state=ProposalState.PUBLISHED) for o in cooperatives]
        partnered = ProposalFactory(state=ProposalState.PUBLISHED)
        PartnershipFactory(proposal=partnered, organization=cooperatives[0])
        invited = ProposalFactory(state=ProposalState.PUBLISHED)
        PartnershipFactory(proposal=invited, organization=cooperatives[1], status="invited")
        ProposalFactory(state=ProposalState.PUBLISHED)  # another organization's
        client.get("/proposte/", {"organization": "cooperativa SOLE"})
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/proposte/", {"organization": "cooperativa SOLE"}).status_code == 200
        counts.append(len(captured))
        found = selectors.proposal_list(AnonymousUser(), organization="cooperativa SOLE")
        expected = {
            p.pk
            for p in Proposal.objects.filter(
                Q(organization__legal_name__startswith="Cooperativa Sole")
                | Q(
                    partnerships__organization__legal_name__startswith="Cooperativa Sole",
                    partnerships__status="accepted",
                )
            )
        }
        assert {p.pk for p in found} == expected
        assert {p.pk for p in led} | {partnered.pk} <= expected
        assert invited.pk not in expected
        # By id: the organization's own and its partnered proposals.
        body = api.get("/api/v1/proposals/", {"organization": cooperatives[0].pk}).json()
        assert {row["id"] for row in body["results"]} == {led[0].pk, partnered.pk}
    assert counts[0] == counts[1]


@postgres_only
@pytest.mark.parametrize(
    ("table", "expression"),
    [
        ("proposals_proposal", "gin (search_vector)"),
        ("stakeholders_organization", "gin (search_vector)"),
        ("stakeholders_resource", "gin (search_vector)"),
        ("proposals_proposal", "gin (upper((title)::text) gin_trgm_ops)"),
        ("stakeholders_organization", "gin (upper((legal_name)::text) gin_trgm_ops)"),
        ("stakeholders_resource", "gin (upper((title)::text) gin_trgm_ops)"),
        ("stakeholders_organization", "btree (legal_name, id)"),
        ("stakeholders_resource", "btree (title, id)"),
        ("proposals_proposal", "btree (state, published_at, id)"),
    ],
)
def test_a_migrated_database_indexes_what_the_lists_search_and_sort(table, expression):
    """Searches use the stored vectors' and the titles' indexes and lists read their order
    from one (the stored vectors once lost theirs to a name they shared with the indexes
    they replaced)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [table])
        definitions = [row[0] for row in cursor.fetchall()]
    assert any(f"USING {expression}" in d for d in definitions), definitions


def test_a_deep_page_reads_its_ids_first_and_shows_the_same_rows(client, monkeypatch):
    from django.core.paginator import Paginator

    from proposals import selectors

    monkeypatch.setattr(pages, "DEEP_OFFSET", 4)
    published(9)
    queryset = selectors.proposal_list(AnonymousUser())
    for number in (1, 2, 3, 4, 5):
        plain = Paginator(queryset, 2).page(number)
        with CaptureQueriesContext(connection) as captured:
            page = CappedPaginator(queryset, 2, limit=5).page(number)
            rows = list(page)
        assert [p.pk for p in rows] == [p.pk for p in plain]
        # The annotations and the prefetch of the list come with the rows.
        assert all(p.endorsement_count == 0 and p.comment_count == 0 for p in rows)
        assert all(p.partnerships.all() is not None for p in rows)
        deep = (number - 1) * 2 >= 4
        # COUNT, (ids,) rows, partnerships.
        assert len(captured) == (4 if deep else 3)
    published(16)  # 25: the page's second page of 20 starts past the deep offset
    response = client.get("/proposte/", {"page": 2})
    assert response.status_code == 200
    shown = [p.pk for p in response.context["page_obj"]]
    assert shown == [p.pk for p in Paginator(queryset.all(), 20).page(2)]
    assert len(shown) == 5
