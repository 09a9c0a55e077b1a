"""Lists cost a fixed number of queries whatever the number of rows and permission rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    MembershipFactory,
    MunicipalityFactory,
    OrganizationFactory,
    ResourceFactory,
)

pytestmark = pytest.mark.django_db


def populate(count: int) -> None:
    """``count`` verified organizations, each with a municipality, two members (so two
    sets of guardian rows) and two resources, one of them network-only."""
    places = [MunicipalityFactory() for _ in range(3)]
    for index in range(count):
        organization = OrganizationFactory()
        organization.municipalities.add(places[index % 3])
        MembershipFactory(organization=organization, role="representative")
        MembershipFactory(organization=organization, role="editor")
        for visibility in ("public", "network"):
            resource = ResourceFactory(organization=organization, visibility=visibility)
            resource.municipalities.add(places[index % 3])


@pytest.mark.parametrize("size", [2, 30])
def test_organization_list_api_anonymous(api, size, django_assert_num_queries):
    populate(size)
    # COUNT for the paginator, the page of organizations, their municipalities.
    with django_assert_num_queries(3):
        response = api.get("/api/v1/organizations/")
    assert response.json()["count"] == size


@pytest.mark.parametrize("size", [2, 30])
def test_organization_list_api_member(api_as, member_b, size, django_assert_num_queries):
    populate(size)
    client = api_as(member_b)
    # Staff groups of the caller, COUNT, the page (membership as an EXISTS), municipalities.
    with django_assert_num_queries(4):
        response = client.get("/api/v1/organizations/", {"area": "elderly"})
    assert response.json()["count"] == size + 1


@pytest.mark.parametrize("size", [2, 30])
def test_resource_list_api_anonymous(api, size, django_assert_num_queries):
    populate(size)
    # COUNT, the page joined with its organizations, their municipalities.
    with django_assert_num_queries(3):
        response = api.get("/api/v1/resources/")
    assert response.json()["count"] == size


@pytest.mark.parametrize("size", [2, 30])
def test_resource_list_api_network_member(api_as, member_b, size, django_assert_num_queries):
    populate(size)
    client = api_as(member_b)
    # Staff groups, COUNT, the page (network membership and own organization as EXISTS),
    # municipalities.
    with django_assert_num_queries(4):
        response = client.get("/api/v1/resources/")
    assert response.json()["count"] == 2 * size


def page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/organizzazioni/", "/risorse/"])
def test_list_pages_cost_the_same_at_two_sizes(client_as, member_b, url):
    client = client_as(member_b)
    populate(2)
    client.get(url)  # warms the content-type cache guardian reads once per process
    small = page_queries(client, url)
    populate(28)
    # Same count with 2 and 30 organizations (a full page of 20 rows); the page's own
    # queries are the COUNT, the rows and the municipalities, the rest is the layout's.
    assert page_queries(client, url) == small


@pytest.mark.parametrize("size", [2, 30])
def test_directory_page_anonymous_fixed(client, size, django_assert_max_num_queries):
    populate(size)
    # COUNT, rows, municipalities, and the municipality choices of the filter form;
    # the layout of base.html may add its own few.
    with django_assert_max_num_queries(8):
        response = client.get("/organizzazioni/")
    assert response.status_code == 200
