"""The admin browses, and decides only through the services (audited); it grants no
object permission and edits nothing directly."""

import pytest
from django.contrib.auth.models import Permission

from carta.models import AuditEntry
from stakeholders.models import Membership, Organization, OrganizationStatus, Role
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/stakeholders/organization/"


def act(client, action, organizations, reason=""):
    return client.post(
        CHANGELIST,
        {
            "action": action,
            "_selected_action": [o.pk for o in organizations],
            "index": 0,
            "reason": reason,
        },
    )


def test_admin_lists_and_opens_organizations(client_as, admin, org_a, rep_a):
    client = client_as(admin)
    assert org_a.legal_name in client.get(CHANGELIST).content.decode()
    page = client.get(f"{CHANGELIST}{org_a.pk}/change/").content.decode()
    assert str(rep_a) in page
    # No object-permission page: roles are given through the members' pages and services.
    assert client.get(f"{CHANGELIST}{org_a.pk}/permissions/").status_code in (302, 404)
    assert "/permissions/" not in page


def test_verify_action_calls_the_service_and_writes_the_audit_row(client_as, admin):
    pending = OrganizationFactory(status=OrganizationStatus.PENDING)
    response = act(client_as(admin), "verify", [pending])
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == OrganizationStatus.VERIFIED
    assert pending.decided_by == admin
    entry = AuditEntry.objects.get(verb="organization.verify")
    assert entry.actor == admin
    assert entry.changes == {"status": ["pending", "verified"]}


def test_reject_action_needs_a_reason_and_records_it(client_as, admin):
    pending = OrganizationFactory(status=OrganizationStatus.PENDING)
    client = client_as(admin)
    act(client, "reject", [pending])
    pending.refresh_from_db()
    assert pending.status == OrganizationStatus.PENDING
    assert not AuditEntry.objects.filter(verb="organization.reject").exists()
    act(client, "reject", [pending], reason="Statuto mancante")
    pending.refresh_from_db()
    assert pending.status == OrganizationStatus.REJECTED
    assert pending.status_reason == "Statuto mancante"
    assert AuditEntry.objects.get(verb="organization.reject").reason == "Statuto mancante"


def test_suspend_and_reinstate_actions_follow_the_states(client_as, admin, org_a):
    client = client_as(admin)
    act(client, "suspend", [org_a], reason="Verifica in corso")
    org_a.refresh_from_db()
    assert org_a.status == OrganizationStatus.SUSPENDED
    act(client, "reinstate", [org_a])
    org_a.refresh_from_db()
    assert org_a.status == OrganizationStatus.VERIFIED
    verbs = list(
        AuditEntry.objects.filter(verb__startswith="organization.")
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == ["organization.suspend", "organization.reinstate"]


def test_the_change_form_cannot_change_status_or_roles(client_as, admin, org_a, rep_a):
    client = client_as(admin)
    response = client.post(
        f"{CHANGELIST}{org_a.pk}/change/",
        {
            "legal_name": "Rinominata",
            "status": OrganizationStatus.SUSPENDED,
            "memberships-TOTAL_FORMS": 1,
            "memberships-INITIAL_FORMS": 1,
            "memberships-0-id": Membership.objects.get(user=rep_a).pk,
            "memberships-0-role": Role.MEMBER,
        },
    )
    assert response.status_code == 403
    org_a.refresh_from_db()
    assert (org_a.legal_name, org_a.status) == (
        "Cooperativa Sociale Il Melograno",
        OrganizationStatus.VERIFIED,
    )
    assert Membership.objects.get(user=rep_a).role == Role.REPRESENTATIVE
    assert client.post(f"{CHANGELIST}{org_a.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Organization.objects.filter(pk=org_a.pk).exists()
    assert not AuditEntry.objects.exists()


def test_staff_without_the_decision_right_see_no_decision_action(client_as, org_a):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_organization"))
    page = client_as(viewer).get(CHANGELIST).content.decode()
    assert org_a.legal_name in page
    assert 'value="verify"' not in page
    act(client_as(viewer), "suspend", [org_a], reason="No")
    org_a.refresh_from_db()
    assert org_a.status == OrganizationStatus.VERIFIED
