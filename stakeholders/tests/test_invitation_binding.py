"""An invitation is not a bearer token: only the person it is addressed to may answer it
(issue 14, item 14), and a representative cannot make a registered person a member
without that person's consent (item 15): adding by username sends an invitation bound to
the account, which the person accepts or declines."""

import pytest
from allauth.account.models import EmailAddress

from carta.errors import Conflict, InvalidInput, NotAllowed
from carta.models import AuditEntry, Notification
from stakeholders import permissions as perms
from stakeholders import services
from stakeholders.models import Invitation, Membership, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ORGS = "/api/v1/organizations/"


def token_of_notification(person) -> str:
    return person.notifications.get(kind="member.invited").url.rstrip("/").split("/")[-1]


# --- Item 14: the link alone is not enough ---------------------------------------------


def test_an_outsider_with_the_link_is_refused_and_nothing_changes(org_a, rep_a, citizen):
    outsider = UserFactory(username="intruso")
    invitation, token = services.invite_member(
        actor=rep_a, organization=org_a, email=citizen.email, role=Role.REPRESENTATIVE
    )
    audit_rows = AuditEntry.objects.count()
    for answer in (services.accept_invitation, services.decline_invitation):
        with pytest.raises(NotAllowed) as error:
            answer(actor=outsider, token=token)
        assert citizen.email in str(error.value.message)
    invitation.refresh_from_db()
    assert (invitation.accepted_at, invitation.declined_at) == (None, None)
    assert not Membership.objects.filter(user=outsider).exists()
    assert not perms.can_manage_members(outsider, org_a)
    assert AuditEntry.objects.count() == audit_rows
    # The invited person still can.
    services.accept_invitation(actor=citizen, token=token)
    assert perms.can_manage_members(citizen, org_a)


def test_the_invited_address_matches_whatever_its_case(org_a, rep_a):
    person = UserFactory(username="maria", email="Maria.Rossi@Example.org")
    _invitation, token = services.invite_member(
        actor=rep_a, organization=org_a, email="maria.rossi@example.org"
    )
    services.accept_invitation(actor=person, token=token)
    assert perms.is_member(person, org_a)


def test_an_outsider_with_the_link_is_refused_by_the_api(api_as, org_a, rep_a, citizen):
    outsider = UserFactory(username="intruso")
    _invitation, token = services.invite_member(
        actor=rep_a, organization=org_a, email=citizen.email
    )
    for answer in ("accept", "decline"):
        response = api_as(outsider).post(f"/api/v1/invitations/{token}/{answer}/")
        assert response.status_code == 403
        assert citizen.email in response.json()["detail"]
    assert not Membership.objects.filter(user=outsider).exists()
    assert api_as(citizen).post(f"/api/v1/invitations/{token}/accept/").status_code == 200


def test_an_outsider_with_the_link_is_refused_by_the_page(client_as, org_a, rep_a, citizen):
    outsider = UserFactory(username="intruso")
    _invitation, token = services.invite_member(
        actor=rep_a, organization=org_a, email=citizen.email
    )
    page = client_as(outsider)
    html = page.get(f"/inviti/{token}/").content.decode()
    assert "indirizzato a" in html
    assert 'value="accept"' not in html
    html = page.post(f"/inviti/{token}/", {"decision": "accept"}, follow=True).content.decode()
    assert "indirizzato a" in html
    assert not Membership.objects.filter(user=outsider).exists()


# --- Item 15: adding by username is an invitation the person accepts ------------------


def test_adding_by_username_invites_and_the_person_decides(org_a, rep_a, citizen):
    invitation, _token = services.invite_user(
        actor=rep_a, organization=org_a, username=citizen.username, role=Role.EDITOR
    )
    assert not perms.is_member(citizen, org_a)
    assert not perms.can_write_for(citizen, org_a)
    assert (invitation.invitee, invitation.email, invitation.role) == (
        citizen,
        citizen.email,
        Role.EDITOR,
    )
    notification = Notification.objects.get(recipient=citizen, kind="member.invited")
    assert "Cooperativa Sociale Il Melograno" in notification.title
    token = token_of_notification(citizen)
    services.accept_invitation(actor=citizen, token=token)
    assert Membership.objects.get(user=citizen, organization=org_a).role == Role.EDITOR
    assert perms.can_write_for(citizen, org_a)


def test_an_invitation_by_username_is_bound_to_the_account_not_to_its_email(org_a, rep_a, citizen):
    _invitation, token = services.invite_user(
        actor=rep_a, organization=org_a, username=citizen.username
    )
    # The person changes address and someone else registers with the old one.
    old_email = citizen.email
    citizen.email = "nuovo.indirizzo@example.org"
    citizen.save()
    EmailAddress.objects.filter(user=citizen).update(email=citizen.email)
    squatter = UserFactory(username="abusivo", email=old_email)
    with pytest.raises(NotAllowed):
        services.accept_invitation(actor=squatter, token=token)
    services.accept_invitation(actor=citizen, token=token)
    assert perms.is_member(citizen, org_a)
    assert not perms.is_member(squatter, org_a)


def test_the_invited_person_may_decline(org_a, rep_a, citizen):
    invitation, token = services.invite_user(
        actor=rep_a, organization=org_a, username=citizen.username
    )
    services.decline_invitation(actor=citizen, token=token)
    invitation.refresh_from_db()
    assert invitation.declined_at is not None
    assert not perms.is_member(citizen, org_a)


def test_adding_an_unknown_username_or_a_member_is_refused(org_a, rep_a, member_a):
    with pytest.raises(InvalidInput) as error:
        services.invite_user(actor=rep_a, organization=org_a, username="nessuno")
    assert error.value.field == "username"
    with pytest.raises(Conflict) as error:
        services.invite_user(actor=rep_a, organization=org_a, username=member_a.username)
    assert error.value.field == "username"
    assert not Invitation.objects.exists()


def test_the_api_add_answers_201_with_the_invitation(api_as, org_a, rep_a, citizen):
    response = api_as(rep_a).post(f"{ORGS}{org_a.pk}/members/", {"username": citizen.username})
    assert response.status_code == 201
    body = response.json()
    assert list(body) == ["invitation"]
    assert body["invitation"]["email"] == citizen.email
    assert body["invitation"]["accepted_at"] is None
    assert not Membership.objects.filter(user=citizen, organization=org_a).exists()
    token = token_of_notification(citizen)
    response = api_as(citizen).post(f"/api/v1/invitations/{token}/accept/")
    assert response.status_code == 200
    assert response.json()["username"] == citizen.username


def test_the_page_add_sends_an_invitation(client_as, org_a, rep_a, citizen):
    response = client_as(rep_a).post(
        f"/organizzazioni/{org_a.pk}/membri/",
        {"add-username": citizen.username, "add-role": "member"},
        follow=True,
    )
    html = response.content.decode()
    assert "quando lo accetterà" in html
    assert not Membership.objects.filter(user=citizen, organization=org_a).exists()
    assert Invitation.objects.get(organization=org_a).invitee == citizen
    response = client_as(citizen).post(
        f"/inviti/{token_of_notification(citizen)}/", {"decision": "accept"}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=citizen, organization=org_a).exists()
