"""Revoking an invitation not yet used: service, members' page and API."""

import pytest

from carta.errors import Conflict, NotAllowed
from carta.models import AuditEntry
from stakeholders import services
from stakeholders.models import Invitation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(org_a, rep_a):
    invitation, token = services.invite_member(
        actor=rep_a, organization=org_a, email="nuova@example.org"
    )
    return invitation, token


def test_revoking_deletes_the_invitation_and_audits_it(invited, rep_a, citizen, client):
    invitation, token = invited
    services.revoke_invitation(actor=rep_a, invitation=invitation)
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    entry = AuditEntry.objects.get(verb="member.invitation_revoked")
    assert (entry.actor, entry.changes) == (rep_a, {"email": "nuova@example.org"})
    # The link stops working.
    assert client.get(f"/inviti/{token}/").status_code == 404


def test_a_used_invitation_cannot_be_revoked(invited, rep_a):
    invitation, token = invited
    services.decline_invitation(actor=UserFactory(email="nuova@example.org"), token=token)
    invitation.refresh_from_db()
    with pytest.raises(Conflict):
        services.revoke_invitation(actor=rep_a, invitation=invitation)
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_only_managers_revoke(invited, editor_a):
    invitation, _token = invited
    with pytest.raises(NotAllowed):
        services.revoke_invitation(actor=editor_a, invitation=invitation)
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_the_members_page_offers_and_performs_the_revocation(invited, client_as, rep_a, org_a):
    invitation, _token = invited
    client = client_as(rep_a)
    url = f"/organizzazioni/{org_a.pk}/inviti/{invitation.pk}/revoca/"
    assert url in client.get(f"/organizzazioni/{org_a.pk}/membri/").content.decode()
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == f"/organizzazioni/{org_a.pk}/membri/"
    html = response.content.decode()
    assert "nuova@example.org" in html  # the confirmation names the address
    assert url not in html
    assert not Invitation.objects.filter(pk=invitation.pk).exists()


def test_the_page_refuses_members_who_do_not_manage(invited, client_as, member_a, org_a):
    invitation, _token = invited
    url = f"/organizzazioni/{org_a.pk}/inviti/{invitation.pk}/revoca/"
    assert client_as(member_a).post(url).status_code == 403
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_the_api_revokes_with_delete(invited, api_as, rep_a, org_a, org_b):
    invitation, _token = invited
    url = f"/api/v1/organizations/{org_a.pk}/invitations/{invitation.pk}/"
    # Through another organization the invitation is not found.
    assert (
        api_as(rep_a)
        .delete(f"/api/v1/organizations/{org_b.pk}/invitations/{invitation.pk}/")
        .status_code
        == 403
    )
    assert api_as(None).delete(url).status_code == 401
    assert api_as(rep_a).delete(url).status_code == 204
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    response = api_as(rep_a).delete(url)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
