import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from carta.errors import Conflict, InvalidInput, NotAllowed, NotFound
from carta.models import AuditEntry, Notification
from stakeholders import permissions as perms
from stakeholders import services
from stakeholders.models import Invitation, Membership, OrganizationStatus, Role
from tests.factories import MunicipalityFactory, OrganizationFactory, UserFactory, make_tax_code

pytestmark = pytest.mark.django_db


def apply(actor, **overrides):
    values = {
        "legal_name": "APS Il Ponte",
        "kind": "aps",
        "tax_code": make_tax_code(9001),
        "runts_number": "12345",
        "areas": ["elderly", "disability"],
        "email": "info@ilponte.example.org",
    }
    values.update(overrides)
    return services.apply_organization(actor=actor, **values)


def test_applicant_becomes_representative_with_every_object_permission(citizen, moderator):
    place = MunicipalityFactory()
    organization = apply(citizen, municipalities=[place.pk], accept_pact=True)
    assert organization.status == OrganizationStatus.PENDING
    assert organization.pact_accepted_at is not None
    assert list(organization.municipalities.all()) == [place]
    membership = Membership.objects.get(user=citizen, organization=organization)
    assert membership.role == Role.REPRESENTATIVE
    assert perms.can_manage_members(citizen, organization)
    assert perms.can_write_for(citizen, organization)
    assert AuditEntry.objects.filter(verb="organization.applied").count() == 1
    assert Notification.objects.filter(recipient=moderator, kind="organization.applied").exists()


def test_invalid_duplicate_and_runts_errors_name_their_field(citizen):
    with pytest.raises(InvalidInput) as error:
        apply(citizen, tax_code="12345678901")
    assert error.value.field == "tax_code"
    apply(citizen)
    with pytest.raises(InvalidInput) as error:
        apply(citizen, legal_name="Altro nome")
    assert error.value.field == "tax_code"
    assert "già iscritta" in str(error.value.message)
    with pytest.raises(InvalidInput) as error:
        apply(citizen, tax_code=make_tax_code(9002), kind="public_body", runts_number="99")
    assert error.value.field == "runts_number"
    with pytest.raises(InvalidInput) as error:
        apply(citizen, tax_code=make_tax_code(9003), areas=["astrology"])
    assert error.value.field == "areas"
    with pytest.raises(InvalidInput) as error:
        apply(citizen, tax_code=make_tax_code(9004), municipalities=[999999])
    assert error.value.field == "municipalities"


def test_anonymous_cannot_apply():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAllowed):
        apply(AnonymousUser())


def test_reject_and_suspend_need_a_reason_and_are_audited_and_notified(citizen, moderator):
    organization = apply(citizen)
    with pytest.raises(InvalidInput) as error:
        services.reject_organization(actor=moderator, organization=organization, reason=" ")
    assert error.value.field == "reason"
    services.reject_organization(
        actor=moderator, organization=organization, reason="Manca lo statuto."
    )
    organization.refresh_from_db()
    assert organization.status == OrganizationStatus.REJECTED
    assert organization.status_reason == "Manca lo statuto."
    assert organization.decided_by == moderator
    entry = AuditEntry.objects.get(verb="organization.reject")
    assert entry.reason == "Manca lo statuto."
    assert Notification.objects.filter(recipient=citizen, kind="organization.reject").exists()


def test_verify_suspend_reinstate_cycle(citizen, moderator):
    organization = apply(citizen, accept_pact=True)
    services.verify_organization(actor=moderator, organization=organization)
    with pytest.raises(InvalidInput):
        services.suspend_organization(actor=moderator, organization=organization, reason="")
    services.suspend_organization(
        actor=moderator, organization=organization, reason="Controllo in corso."
    )
    organization.refresh_from_db()
    assert organization.status == OrganizationStatus.SUSPENDED
    assert not perms.can_write_for(citizen, organization)
    services.reinstate_organization(actor=moderator, organization=organization)
    organization.refresh_from_db()
    assert organization.status == OrganizationStatus.VERIFIED
    verbs = list(
        AuditEntry.objects.filter(verb__startswith="organization.")
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "organization.applied",
        "organization.pact_accepted",
        "organization.verify",
        "organization.suspend",
        "organization.reinstate",
    ]


def test_decision_in_the_wrong_state_is_a_conflict(org_a, moderator):
    with pytest.raises(Conflict):
        services.reinstate_organization(actor=moderator, organization=org_a)


def test_only_deciders_decide(org_a, rep_a, carta_editor):
    for person in (rep_a, carta_editor):
        with pytest.raises(NotAllowed):
            services.suspend_organization(actor=person, organization=org_a, reason="x")


def test_update_changes_only_given_fields_and_audits_the_diff(org_a, rep_a, editor_a):
    services.update_organization(actor=rep_a, organization=org_a, description="Nuova")
    org_a.refresh_from_db()
    assert org_a.description == "Nuova"
    entry = AuditEntry.objects.get(verb="organization.updated")
    assert list(entry.changes) == ["description"]
    with pytest.raises(NotAllowed):
        services.update_organization(actor=editor_a, organization=org_a, description="No")


def test_invitation_accept_grants_the_role_once(org_a, rep_a, citizen):
    invitation, token = services.invite_member(
        actor=rep_a, organization=org_a, email=citizen.email, role=Role.EDITOR
    )
    assert invitation.token_hash == Invitation.hash_token(token)
    assert token not in invitation.token_hash
    services.accept_invitation(actor=citizen, token=token)
    assert perms.can_write_for(citizen, org_a)
    with pytest.raises(Conflict) as error:
        services.accept_invitation(actor=citizen, token=token)
    assert error.value.code == "invitation_used"
    with pytest.raises(Conflict):
        services.decline_invitation(actor=citizen, token=token)


def test_invitation_to_an_unknown_address_is_emailed_with_its_link(
    org_a, rep_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, token = services.invite_member(
            actor=rep_a, organization=org_a, email="nuova@example.org"
        )
    assert len(mail.outbox) == 1
    assert token in mail.outbox[0].body
    assert mail.outbox[0].to == ["nuova@example.org"]


def test_expired_invitation_cannot_be_accepted(org_a, rep_a, citizen):
    _invitation, token = services.invite_member(
        actor=rep_a, organization=org_a, email=citizen.email
    )
    later = timezone.now() + datetime.timedelta(days=8)
    with time_machine.travel(later), pytest.raises(Conflict) as error:
        services.accept_invitation(actor=citizen, token=token)
    assert error.value.code == "invitation_expired"
    assert not perms.is_member(citizen, org_a)


def test_unknown_token_is_not_found(citizen):
    with pytest.raises(NotFound):
        services.accept_invitation(actor=citizen, token="nope")


def test_declined_invitation_is_closed(org_a, rep_a, citizen):
    _invitation, token = services.invite_member(
        actor=rep_a, organization=org_a, email=citizen.email
    )
    services.decline_invitation(actor=citizen, token=token)
    with pytest.raises(Conflict):
        services.accept_invitation(actor=citizen, token=token)


def test_invite_by_username_and_unknown_role(org_a, rep_a, citizen):
    with pytest.raises(InvalidInput) as error:
        services.invite_user(
            actor=rep_a, organization=org_a, username=citizen.username, role="boss"
        )
    assert error.value.field == "role"
    _invitation, token = services.invite_user(
        actor=rep_a, organization=org_a, username=citizen.username
    )
    services.accept_invitation(actor=citizen, token=token)
    assert perms.can_view_members(citizen, org_a)
    assert not perms.can_write_for(citizen, org_a)
    with pytest.raises(Conflict):
        services.invite_user(actor=rep_a, organization=org_a, username=citizen.username)


def test_change_role_moves_permissions(org_a, rep_a, member_a):
    services.change_role(actor=rep_a, organization=org_a, user=member_a, role=Role.EDITOR)
    assert perms.can_write_for(member_a, org_a)
    assert not perms.can_manage_members(member_a, org_a)
    services.change_role(actor=rep_a, organization=org_a, user=member_a, role=Role.MEMBER)
    assert not perms.can_write_for(member_a, org_a)


def test_last_representative_can_neither_leave_nor_be_demoted(org_a, rep_a, member_a):
    with pytest.raises(Conflict) as error:
        services.leave_organization(actor=rep_a, organization=org_a)
    assert "almeno un rappresentante" in str(error.value.message)
    with pytest.raises(Conflict):
        services.change_role(actor=rep_a, organization=org_a, user=rep_a, role=Role.MEMBER)
    services.change_role(actor=rep_a, organization=org_a, user=member_a, role=Role.REPRESENTATIVE)
    services.leave_organization(actor=rep_a, organization=org_a)
    assert not perms.is_member(rep_a, org_a)
    assert not perms.can_manage_members(rep_a, org_a)


def test_removed_member_loses_every_object_permission(org_a, rep_a, editor_a):
    services.remove_member(actor=rep_a, organization=org_a, user=editor_a)
    assert not perms.can_write_for(editor_a, org_a)
    assert not perms.can_view_members(editor_a, org_a)


def test_a_person_may_hold_different_roles_in_two_organizations(org_a, org_b, rep_a):
    rep_b = UserFactory()
    from tests.factories import MembershipFactory

    MembershipFactory(user=rep_b, organization=org_b, role=Role.REPRESENTATIVE)
    _invitation, token = services.invite_user(
        actor=rep_b, organization=org_b, username=rep_a.username, role="editor"
    )
    services.accept_invitation(actor=rep_a, token=token)
    assert perms.can_manage_members(rep_a, org_a)
    assert not perms.can_manage_members(rep_a, org_b)
    assert perms.can_write_for(rep_a, org_b)
    assert set(perms.organizations_user_can(rep_a, perms.WRITE)) == {org_a, org_b}
    assert set(perms.organizations_user_can(rep_a, perms.MANAGE_MEMBERS)) == {org_a}


def test_resource_period_order_and_write_rights(org_a, editor_a, member_a):
    with pytest.raises(InvalidInput) as error:
        services.create_resource(
            actor=editor_a,
            organization=org_a,
            kind="space",
            title="Sala",
            available_from=datetime.date(2026, 5, 1),
            available_until=datetime.date(2026, 4, 1),
        )
    assert error.value.field == "available_until"
    resource = services.create_resource(
        actor=editor_a, organization=org_a, kind="space", title="Sala", areas=["elderly"]
    )
    with pytest.raises(NotAllowed):
        services.update_resource(actor=member_a, resource=resource, title="X")
    services.update_resource(actor=editor_a, resource=resource, title="Sala grande")
    resource.refresh_from_db()
    assert resource.title == "Sala grande"
    services.delete_resource(actor=editor_a, resource=resource)
    assert AuditEntry.objects.filter(verb__startswith="resource.").count() == 3


def test_other_organizations_cannot_write_resources(org_a, member_b):
    with pytest.raises(NotAllowed):
        services.create_resource(actor=member_b, organization=org_a, kind="space", title="X")


def test_factory_tax_codes_are_valid():
    from stakeholders.validators import is_valid_tax_code

    assert is_valid_tax_code(OrganizationFactory().tax_code)


def test_the_pact_records_the_revision_in_force(citizen):
    from consultations.charter.models import RevisionStatus
    from tests.factories import carta_revision

    carta_revision(number=4, status=RevisionStatus.ADOPTED)
    organization = apply(citizen, accept_pact=True)
    assert organization.pact_revision_number == 4
    assert organization.pact_accepted_at is not None
