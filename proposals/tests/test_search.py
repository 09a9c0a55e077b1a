"""The proposals' search: a stored, weighted vector on PostgreSQL (kept by a trigger on
every write, bulk inserts included), ranked title over summary over body; the list
page's organization filter is a search by name, never a list of every organization."""

from __future__ import annotations

import pytest
from django.db import connection

from proposals.models import Proposal
from proposals.states import ProposalState as S
from tests.factories import OrganizationFactory, PartnershipFactory

BASE = "/api/v1/proposals/"


def _titles(client, query):
    return [p["title"] for p in client.get(f"{BASE}?{query}").json()["results"]]


@pytest.mark.postgres
def test_the_vector_is_stored_on_insert_and_kept_on_update(make_proposal):
    proposal = make_proposal(S.PUBLISHED, title="Centro diurno", summary="Per gli anziani")
    stored = Proposal.objects.values_list("search_vector", flat=True).get(pk=proposal.pk)
    assert "'anzian':" in stored and "'diurn':" in stored
    Proposal.objects.filter(pk=proposal.pk).update(summary="Per le famiglie")
    proposal.refresh_from_db()
    stored = Proposal.objects.values_list("search_vector", flat=True).get(pk=proposal.pk)
    assert "anzian" not in stored and "'famigl':" in stored


@pytest.mark.postgres
def test_bulk_inserts_get_their_vector_too(org_a):
    Proposal.objects.bulk_create(
        [Proposal(organization=org_a, title="Ludoteca", summary="Bambini", state=S.PUBLISHED)]
    )
    from django.contrib.postgres.search import SearchQuery

    query = SearchQuery("bambini", config="italian")
    assert Proposal.objects.filter(search_vector=query).count() == 1


@pytest.mark.postgres
def test_a_match_in_the_title_ranks_above_one_in_the_body(api_as, make_proposal):
    make_proposal(
        S.PUBLISHED, title="Laboratori creativi", summary="Arte", body="Anche per gli anziani."
    )
    make_proposal(S.PUBLISHED, title="Spesa a domicilio", summary="Servizio per anziani")
    make_proposal(S.PUBLISHED, title="Trasporto anziani", summary="Accompagnamento")
    make_proposal(S.PUBLISHED, title="Orti sociali", summary="Per tutti")
    assert _titles(api_as(None), "q=anziani") == [
        "Trasporto anziani",
        "Spesa a domicilio",
        "Laboratori creativi",
    ]


@pytest.mark.postgres
def test_the_search_uses_the_stored_vector_and_its_index(api_as, make_proposal):
    make_proposal(S.PUBLISHED, title="Trasporto anziani")
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        api_as(None).get(f"{BASE}?q=anziani")
    search = [q["sql"] for q in ctx.captured_queries if "@@" in q["sql"]]
    assert search, "no full-text match in the queries"
    # The stored column, never a vector computed from the text of each row.
    assert all("to_tsvector" not in sql and '"search_vector" @@' in sql for sql in search)


def test_a_search_word_found_anywhere_is_found(api_as, make_proposal):
    """On both databases: title, summary and body are searched."""
    make_proposal(
        S.PUBLISHED, title="Laboratori creativi", summary="Arte", body="Anche per gli anziani."
    )
    make_proposal(S.PUBLISHED, title="Orti sociali", summary="Per tutti")
    assert _titles(api_as(None), "q=anziani") == ["Laboratori creativi"]


def test_the_page_filters_by_a_part_of_the_organization_name(client, make_proposal, org_a):
    lead = OrganizationFactory(legal_name="Cooperativa Il Girasole")
    partner_of = make_proposal(S.PUBLISHED, title="Doposcuola")
    PartnershipFactory(proposal=partner_of, organization=lead, status="accepted")
    make_proposal(S.PUBLISHED, title="Orto condiviso", organization=lead)
    make_proposal(S.PUBLISHED, title="Banco alimentare")
    page = client.get("/proposte/?organization=girasole").content.decode()
    assert "Orto condiviso" in page and "Doposcuola" in page
    assert "Banco alimentare" not in page
    # The typed name is kept in the field, which is a text field, not a select.
    assert 'name="organization"' in page and 'value="girasole"' in page
    assert "<select" not in page.split('name="organization"')[0].rsplit("<label", 1)[-1]


def test_the_page_lists_no_organization_options(client, make_proposal):
    for index in range(30):
        OrganizationFactory(legal_name=f"Associazione numero {index:03d}")
    page = client.get("/proposte/").content.decode()
    assert "Associazione numero 007" not in page


def test_the_organization_filter_still_takes_an_id(client, make_proposal, org_b):
    make_proposal(S.PUBLISHED, title="Banco alimentare", organization=org_b)
    make_proposal(S.PUBLISHED, title="Orti sociali")
    page = client.get(f"/proposte/?organization={org_b.pk}").content.decode()
    assert "Banco alimentare" in page and "Orti sociali" not in page
