"""A search that finds nothing suggests the names it may have meant (a misspelling:
"Melgrano" for "Il Melograno"), on PostgreSQL with pg_trgm's word similarity through the
titles' trigram index; SQLite has no trigram matching and suggests nothing."""

import re

import pytest
from django.db import connection

from carta import search
from proposals.states import ProposalState
from stakeholders.models import Organization, OrganizationStatus
from tests.factories import OrganizationFactory, ProposalFactory, ResourceFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigram similarity is PostgreSQL's (pg_trgm)"
)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def network(db):
    verified = OrganizationStatus.VERIFIED
    melograno = OrganizationFactory(legal_name="Cooperativa Sociale Il Melograno", status=verified)
    OrganizationFactory(legal_name="Associazione Genitori Insieme", status=verified)
    OrganizationFactory(legal_name="Cooperativa Nascosta Melograno", status="pending")
    ProposalFactory(
        organization=melograno, title="Trasporto solidale", state=ProposalState.PUBLISHED
    )
    ResourceFactory(organization=melograno, title="Laboratorio di falegnameria")
    return melograno


@postgres_only
def test_a_misspelled_name_suggests_the_visible_names_it_may_mean(client, network):
    page = text_of(client.get("/organizzazioni/", {"q": "Melgrano", "area": ""}))
    assert "Nessuna organizzazione corrisponde alla ricerca." in page
    assert "Forse cercavi:" in page
    assert '<a href="?q=Cooperativa+Sociale+Il+Melograno&amp;area=">' in page
    # Only what the visitor may see: a pending organization is not suggested.
    assert "Nascosta" not in page
    followed = text_of(client.get("/organizzazioni/", {"q": "Cooperativa Sociale Il Melograno"}))
    assert "Nessuna organizzazione" not in followed and "Forse cercavi" not in followed


@postgres_only
def test_proposals_and_resources_suggest_their_titles(client, network):
    proposals = text_of(client.get("/proposte/", {"q": "trasprto"}))
    assert "Forse cercavi:" in proposals and ">Trasporto solidale</a>" in proposals
    resources = text_of(client.get("/risorse/", {"q": "falegnamria"}))
    assert "Forse cercavi:" in resources and ">Laboratorio di falegnameria</a>" in resources


@postgres_only
def test_unrelated_words_suggest_nothing_and_the_query_is_one(network):
    from django.test.utils import CaptureQueriesContext

    visible = Organization.objects.filter(status=OrganizationStatus.VERIFIED)
    with CaptureQueriesContext(connection) as captured:
        assert search.suggestions(visible, "zzzqqq", "legal_name") == []
    statements = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 2  # the threshold, local to the transaction, then the names
    assert "set_config" in statements[0] and "%>" in statements[1]
    assert search.suggestions(visible, "me", "legal_name") == []  # too short: no query
    assert search.suggestions(visible, "cooperatva", "legal_name") == [
        "Cooperativa Sociale Il Melograno"
    ]


def test_a_page_with_results_reads_no_suggestion(client, network, django_assert_max_num_queries):
    with django_assert_max_num_queries(30) as found:
        client.get("/organizzazioni/", {"q": "Melograno"})
    assert not any("word_similarity" in q["sql"].lower() for q in found.captured_queries)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite's fallback")
def test_sqlite_says_nothing_was_found_and_suggests_nothing(client, network):
    page = text_of(client.get("/organizzazioni/", {"q": "Melgrano"}))
    assert "Nessuna organizzazione corrisponde alla ricerca." in page
    assert "Forse cercavi" not in page
