"""Lists and pages run a fixed number of queries whatever their length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from proposals.states import ProposalState
from tests.factories import (
    EndorsementFactory,
    OrganizationFactory,
    PartnershipFactory,
    ProposalCommentFactory,
    ProposalFactory,
)

S = ProposalState
pytestmark = pytest.mark.django_db


def _populate(org_a, n):
    for i in range(n):
        proposal = ProposalFactory(organization=org_a, state=S.PUBLISHED, title=f"P{i}")
        PartnershipFactory(proposal=proposal, organization=OrganizationFactory())
        EndorsementFactory(proposal=proposal)
        ProposalCommentFactory(proposal=proposal)
        ProposalFactory(organization=org_a, state=S.SUBMITTED, title=f"S{i}")


def _organization_scans(client, url) -> list[str]:
    """The reads of "which organizations may this person act for" (each a scan of the
    organizations' permission tables) that the page makes, warm."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "stakeholders_organization"."id" AS "pk"')
    ]


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


URLS = [
    "/api/v1/proposals/",
    "/proposte/",
    "/proposte/esporta.csv",
    "/proposte/moderazione/",
    "/proposte/valutazione/",
]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("persona", ["anonymous", "member_a", "moderator", "carta_editor"])
def test_query_count_does_not_grow_with_rows(url, persona, org_a, request, client_as):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    staff_page = "moderazione" in url or "valutazione" in url
    if staff_page and persona not in ("moderator", "carta_editor"):
        pytest.skip("staff page")
    if "moderazione" in url and persona != "moderator":
        pytest.skip("moderators only")
    if "valutazione" in url and persona != "carta_editor":
        pytest.skip("evaluators only")
    client = client_as(user)
    client.get(url)  # warms the per-process content type cache
    _populate(org_a, 2)
    small = _count(client, url)
    _populate(org_a, 8)
    large = _count(client, url)
    assert small == large, f"{url} as {persona}: {small} then {large} queries"


def test_api_list_exact_count_for_a_member(org_a, member_a, client_as, django_assert_num_queries):
    _populate(org_a, 5)
    client = client_as(member_a)
    # session, user, staff groups (visibility), moderator permission check: user perms,
    # group perms; COUNT; rows with organization and counts; partnerships prefetch.
    with django_assert_num_queries(8):
        client.get("/api/v1/proposals/")


def test_api_list_exact_count_for_anonymous(org_a, client_as, django_assert_num_queries):
    _populate(org_a, 5)
    # COUNT; rows with organization and counts; partnerships prefetch.
    with django_assert_num_queries(3):
        client_as(None).get("/api/v1/proposals/")


def test_comments_list_is_fixed(org_a, client_as):
    proposal = ProposalFactory(organization=org_a, state=S.PUBLISHED)
    client = client_as(None)
    url = f"/api/v1/proposals/{proposal.pk}/comments/"
    ProposalCommentFactory.create_batch(2, proposal=proposal)
    small = _count(client, url)
    ProposalCommentFactory.create_batch(10, proposal=proposal)
    assert _count(client, url) == small


def test_detail_page_is_fixed(org_a, citizen, client_as):
    proposal = ProposalFactory(organization=org_a, state=S.PUBLISHED)
    client = client_as(citizen)
    url = f"/proposte/{proposal.pk}/"
    client.get(url)  # warms the per-process content type cache
    ProposalCommentFactory.create_batch(2, proposal=proposal)
    PartnershipFactory(proposal=proposal)
    small = _count(client, url)
    ProposalCommentFactory.create_batch(10, proposal=proposal)
    PartnershipFactory.create_batch(3, proposal=proposal)
    assert _count(client, url) == small


@pytest.mark.parametrize("persona", ["citizen", "member_a", "rep_a"])
def test_the_detail_page_reads_the_users_organizations_once_each(
    persona, org_a, client_as, request
):
    """Which organizations the reader writes for, and which it represents, are read once
    each for the page (they were read six times: each is a scan of the organizations'
    permission tables, about 30 ms at 100,000 organizations)."""
    proposal = ProposalFactory(organization=org_a, state=S.PUBLISHED)
    PartnershipFactory(proposal=proposal, status="invited")  # who represents it is asked
    client = client_as(request.getfixturevalue(persona))
    url = f"/proposte/{proposal.pk}/"
    scans = _organization_scans(client, url)
    assert len(scans) == 2 and len(set(scans)) == 2


def test_without_an_invitation_the_page_does_not_ask_whom_one_represents(org_a, rep_a, client_as):
    """The organizations one represents answer one question on the page: may one accept
    an invitation. With no invitation pending, they are not read."""
    proposal = ProposalFactory(organization=org_a, state=S.PUBLISHED)
    PartnershipFactory(proposal=proposal, status="accepted")
    client = client_as(rep_a)
    url = f"/proposte/{proposal.pk}/"
    scans = _organization_scans(client, url)
    assert len(scans) == 1  # the organizations one writes for
