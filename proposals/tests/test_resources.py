"""The resources a proposal commits are shown as the resources' own visibility allows: a
network-only resource is, to a reader outside the network, only "una risorsa riservata
alla rete" (no title, no link, no id)."""

import pytest

from proposals.states import ProposalState
from tests.factories import ResourceFactory

S = ProposalState
pytestmark = pytest.mark.django_db

RESERVED = "una risorsa riservata alla rete"


@pytest.fixture
def proposal(make_proposal, org_a):
    proposal = make_proposal(S.PUBLISHED)
    public = ResourceFactory(organization=org_a, title="Sala civica", visibility="public")
    network = ResourceFactory(organization=org_a, title="Pulmino attrezzato", visibility="network")
    proposal.resources.set([public, network])
    proposal.public_resource, proposal.network_resource = public, network
    return proposal


@pytest.mark.parametrize("persona", ["anonymous", "citizen"])
def test_outside_the_network_a_network_resource_is_neutral_in_the_api(
    persona, request, api_as, proposal
):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    data = api_as(user).get(f"/api/v1/proposals/{proposal.pk}/").json()
    public = proposal.public_resource
    assert data["resources"] == [
        {"id": None, "title": RESERVED, "organization": None, "reserved": True},
        {
            "id": public.pk,
            "title": "Sala civica",
            "organization": public.organization_id,
            "reserved": False,
        },
    ]


@pytest.mark.parametrize("persona", ["member_b", "member_a", "moderator"])
def test_inside_the_network_every_resource_is_named_in_the_api(persona, request, api_as, proposal):
    data = api_as(request.getfixturevalue(persona)).get(f"/api/v1/proposals/{proposal.pk}/").json()
    assert {(r["id"], r["title"], r["reserved"]) for r in data["resources"]} == {
        (proposal.public_resource.pk, "Sala civica", False),
        (proposal.network_resource.pk, "Pulmino attrezzato", False),
    }


def test_outside_the_network_the_page_names_no_network_resource(client, proposal):
    page = client.get(f"/proposte/{proposal.pk}/").content.decode()
    assert "Pulmino attrezzato" not in page
    assert proposal.network_resource.get_absolute_url() not in page
    assert RESERVED in page
    assert "Sala civica" in page and proposal.public_resource.get_absolute_url() in page


def test_inside_the_network_the_page_links_the_network_resource(client_as, member_b, proposal):
    page = client_as(member_b).get(f"/proposte/{proposal.pk}/").content.decode()
    assert "Pulmino attrezzato" in page
    assert proposal.network_resource.get_absolute_url() in page
    assert RESERVED not in page
