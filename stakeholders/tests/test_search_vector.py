"""The directory's and the catalogue's search on PostgreSQL: a stored, weighted vector per
organization and resource, kept by a trigger on every write, looked up through its index."""

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stakeholders.models import Organization, Resource
from tests.factories import OrganizationFactory, ResourceFactory

pytestmark = pytest.mark.postgres


def test_an_organization_vector_follows_its_description(db):
    organization = OrganizationFactory(legal_name="APS Il Faro", description="Doposcuola")
    query = SearchQuery("doposcuola", config="italian")
    assert Organization.objects.filter(pk=organization.pk, search_vector=query).exists()
    Organization.objects.filter(pk=organization.pk).update(description="Trasporto sociale")
    assert not Organization.objects.filter(pk=organization.pk, search_vector=query).exists()


def test_a_resource_vector_is_stored_on_insert(db):
    resource = ResourceFactory(title="Pulmino attrezzato", description="Nove posti")
    query = SearchQuery("pulmino", config="italian")
    assert Resource.objects.filter(pk=resource.pk, search_vector=query).exists()


@pytest.mark.parametrize(
    ("url", "table"),
    [
        ("/api/v1/organizations/?q=doposcuola", "stakeholders_organization"),
        ("/api/v1/resources/?q=pulmino", "stakeholders_resource"),
        ("/organizzazioni/?q=doposcuola", "stakeholders_organization"),
        ("/risorse/?q=pulmino", "stakeholders_resource"),
    ],
)
def test_the_searches_read_the_stored_vector(client, db, url, table):
    organization = OrganizationFactory(legal_name="APS Il Faro", description="Doposcuola")
    ResourceFactory(organization=organization, title="Pulmino attrezzato", visibility="public")
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url).content.decode()
    assert "Il Faro" in page or "Pulmino" in page
    matches = [q["sql"] for q in ctx.captured_queries if "@@" in q["sql"]]
    assert matches
    assert all(f'"{table}"."search_vector" @@' in sql for sql in matches)
    assert not any("to_tsvector" in sql for sql in matches)
