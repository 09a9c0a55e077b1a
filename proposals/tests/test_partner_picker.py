"""The partner forms of a proposal's page name organizations without listing them all.

A lead author invites a partner through an organization search field (suggestions loaded
as one types, or the text resolved when sent: a codice fiscale, a whole name, a part of
a name only one organization has); an organization asking to join picks among its own
organizations only. With thousands of organizations in the network the page stays small
(it listed every verified organization, twice: 617 KB at 10,000 organizations)."""

import re

import pytest

from proposals.states import ProposalState
from stakeholders.models import OrganizationStatus
from stakeholders.selectors import CHOICES_SHOWN, organizations_to_choose
from tests.factories import MembershipFactory, OrganizationFactory, PartnershipFactory

S = ProposalState
pytestmark = pytest.mark.django_db


def _invite(client, proposal, **data):
    return client.post(f"/proposte/{proposal.pk}/partner/invita/", data)


def test_the_page_lists_no_organization_beyond_ones_own(
    client_as, editor_a, org_a, org_b, make_proposal
):
    others = OrganizationFactory.create_batch(30)
    own = OrganizationFactory(legal_name="APS Seconda Casa")
    MembershipFactory(user=editor_a, organization=own, role="editor")
    proposal = make_proposal(S.PUBLISHED, organization=org_b)
    page = client_as(editor_a).get(proposal.get_absolute_url()).content.decode()
    form = re.search(r'<form[^>]*id="richiedi-partner".*?</form>', page, re.S).group(0)
    options = re.findall(r'<option value="(\d+)"', form)
    assert sorted(map(int, options)) == sorted([org_a.pk, own.pk])
    assert not any(o.legal_name in page for o in others)


def test_an_organization_already_linked_is_not_offered_to_ask(
    client_as, editor_a, org_a, org_b, make_proposal
):
    proposal = make_proposal(S.PUBLISHED, organization=org_b)
    PartnershipFactory(proposal=proposal, organization=org_a, status="requested")
    page = client_as(editor_a).get(proposal.get_absolute_url()).content.decode()
    assert 'id="richiedi-partner"' not in page


def test_the_invite_field_is_a_search_not_a_list(client_as, editor_a, make_proposal):
    OrganizationFactory.create_batch(30)
    proposal = make_proposal(S.DRAFT)
    page = client_as(editor_a).get(proposal.get_absolute_url()).content.decode()
    form = re.search(r'<form[^>]*id="invita-partner".*?</form>', page, re.S).group(0)
    assert "<option" not in form
    assert 'name="organization_cerca"' in form
    assert "/organizzazioni/scelta/?campo=organization" in form


def test_suggestions_match_the_name_or_the_tax_code(client_as, editor_a, org_a, make_proposal):
    wanted = OrganizationFactory(legal_name="Cooperativa Arcobaleno", tax_code="01234567890")
    OrganizationFactory(legal_name="Cooperativa Arcobaleno Due", status=OrganizationStatus.PENDING)
    hidden = OrganizationFactory(legal_name="Cooperativa Arcobaleno Tre")
    hidden.hidden_at = hidden.created_at
    hidden.save(update_fields=["hidden_at"])
    client = client_as(editor_a)
    url = f"/organizzazioni/scelta/?campo=organization&escludi={org_a.pk}"
    by_name = client.get(url + "&organization_cerca=arcobal").content.decode()
    assert re.findall(r'type="radio" name="organization" value="(\d+)"', by_name) == [
        str(wanted.pk)
    ]
    by_code = client.get(url + "&organization_cerca=01234567890").content.decode()
    assert f'value="{wanted.pk}"' in by_code and "Cooperativa Arcobaleno" in by_code
    none = client.get(url + "&organization_cerca=zzzz").content.decode()
    assert "Nessuna organizzazione verificata corrisponde a «zzzz»." in none
    multiple = client.get(url + "&multipla=1&organization_cerca=arcobal").content.decode()
    assert 'type="checkbox" name="organization"' in multiple


def test_suggestions_need_a_signed_in_person_and_a_plain_field_name(client, client_as, editor_a):
    response = client.get("/organizzazioni/scelta/?campo=organization&organization_cerca=coop")
    assert response.status_code == 302 and "/accedi/" in response["Location"]
    bad = client_as(editor_a).get('/organizzazioni/scelta/?campo="><script>&organization_cerca=a')
    assert bad.status_code == 404


def test_a_long_list_of_matches_says_there_are_more(db):
    OrganizationFactory.create_batch(CHOICES_SHOWN + 2, legal_name="Associazione Aurora")
    shown, more = organizations_to_choose("aurora")
    assert (len(shown), more) == (CHOICES_SHOWN, True)
    assert organizations_to_choose("a") == ([], False)  # one letter: nothing asked


def test_a_chosen_suggestion_invites_that_organization(client_as, editor_a, org_b, make_proposal):
    proposal = make_proposal(S.DRAFT)
    response = _invite(
        client_as(editor_a), proposal, organization=org_b.pk, organization_cerca="ODV"
    )
    assert response["Location"] == proposal.get_absolute_url()
    assert list(proposal.partnerships.values_list("organization", "status")) == [
        (org_b.pk, "invited")
    ]


def test_a_text_only_one_organization_matches_invites_it(client_as, editor_a, org_b, make_proposal):
    proposal = make_proposal(S.DRAFT)
    _invite(client_as(editor_a), proposal, organization_cerca="  amici di   valtirino ")
    assert list(proposal.partnerships.values_list("organization", flat=True)) == [org_b.pk]


def test_a_tax_code_invites_its_organization(client_as, editor_a, make_proposal):
    wanted = OrganizationFactory(legal_name="APS La Rete", tax_code="98765432109")
    OrganizationFactory(legal_name="APS La Rete Giovani")
    proposal = make_proposal(S.DRAFT)
    _invite(client_as(editor_a), proposal, organization_cerca="98765432109")
    assert list(proposal.partnerships.values_list("organization", flat=True)) == [wanted.pk]


def test_a_text_several_organizations_match_offers_them_with_the_text_kept(
    client_as, editor_a, make_proposal
):
    first = OrganizationFactory(legal_name="Cooperativa Girasole")
    second = OrganizationFactory(legal_name="Cooperativa Girasole Blu")
    proposal = make_proposal(S.DRAFT)
    client = client_as(editor_a)
    response = _invite(client, proposal, organization_cerca="girasole")
    assert not proposal.partnerships.exists()
    assert response["Location"] == f"{proposal.get_absolute_url()}?invita=girasole#invita-partner"
    page = client.get(response["Location"]).content.decode()
    form = re.search(r'<form[^>]*id="invita-partner".*?</form>', page, re.S).group(0)
    assert 'value="girasole"' in form
    assert "Più organizzazioni corrispondono a «girasole»: scegli quella giusta." in form
    assert 'aria-invalid="true"' in form
    offered = re.findall(r'type="radio" name="organization" value="(\d+)"', form)
    assert offered == [str(first.pk), str(second.pk)]
    _invite(client, proposal, organization=second.pk, organization_cerca="girasole")
    assert list(proposal.partnerships.values_list("organization", flat=True)) == [second.pk]


def test_a_text_no_organization_matches_says_so_next_to_the_field(
    client_as, editor_a, make_proposal
):
    proposal = make_proposal(S.DRAFT)
    client = client_as(editor_a)
    response = _invite(client, proposal, organization_cerca="Nessuno Così")
    page = client.get(response["Location"]).content.decode()
    assert "Nessuna organizzazione verificata corrisponde a «Nessuno Così»." in page
    assert not proposal.partnerships.exists()


def test_the_lead_and_the_partners_already_in_are_not_offered(
    client_as, editor_a, org_a, org_b, make_proposal
):
    proposal = make_proposal(S.DRAFT)
    PartnershipFactory(proposal=proposal, organization=org_b, status="invited")
    client = client_as(editor_a)
    response = _invite(client, proposal, organization_cerca=org_b.legal_name)
    page = client.get(response["Location"]).content.decode()
    form = re.search(r'<form[^>]*id="invita-partner".*?</form>', page, re.S).group(0)
    assert "Nessuna organizzazione verificata corrisponde" in form
    assert re.findall(r'type="radio" name="organization" value="(\d+)"', form) == []


def test_an_empty_invite_says_what_is_missing(client_as, editor_a, make_proposal):
    proposal = make_proposal(S.DRAFT)
    response = client_as(editor_a).post(
        f"/proposte/{proposal.pk}/partner/invita/", {"organization_cerca": " "}, follow=True
    )
    assert "Indica l&#x27;organizzazione da invitare." in response.content.decode()
    assert not proposal.partnerships.exists()
