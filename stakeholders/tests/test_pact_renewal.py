"""The pact renewed: verification requires the pact on the revision in force, every
acceptance is recorded and audited, a new revision asks verified organizations to renew
by a deadline, and the representative renews from the page or the API."""

import datetime
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone, translation
from drf_spectacular.generators import SchemaGenerator

from carta.dates import long_date, on_date
from carta.errors import Conflict, InvalidInput, NotAllowed
from carta.models import AuditEntry, Notification
from consultations.charter.models import RevisionStatus
from stakeholders import permissions as perms
from stakeholders import selectors, services
from stakeholders.models import Organization, OrganizationStatus, PactAcceptance
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    RevisionFactory,
    make_tax_code,
)

pytestmark = pytest.mark.django_db

ORGS = "/api/v1/organizations/"


@pytest.fixture
def revisions(db):
    """Revision 1 superseded, revision 2 in force."""
    return (
        RevisionFactory(number=1, status=RevisionStatus.SUPERSEDED),
        RevisionFactory(number=2, status=RevisionStatus.ADOPTED),
    )


def signed(organization, number, *, renew_by=None):
    """Put ``organization``'s pact on revision ``number`` (and a pending renewal)."""
    Organization.objects.filter(pk=organization.pk).update(
        pact_revision_number=number,
        pact_accepted_at=timezone.now() - datetime.timedelta(days=400),
        pact_renew_by=renew_by,
        pact_renewal_revision_number=2 if renew_by else None,
        pact_renewal_requested_at=renew_by and timezone.now(),
    )
    organization.refresh_from_db()
    return organization


def apply(actor, **extra):
    return services.apply_organization(
        actor=actor, legal_name="APS Il Ponte", kind="aps", tax_code=make_tax_code(8123), **extra
    )


# --- Acceptance at application and verification ---------------------------------------


def test_the_pact_accepted_with_the_application_is_the_first_record(revisions, citizen):
    organization = apply(citizen, accept_pact=True)
    acceptance = PactAcceptance.objects.get(organization=organization)
    assert (acceptance.revision_number, acceptance.accepted_by) == (2, citizen)
    assert acceptance.accepted_at == organization.pact_accepted_at
    entry = AuditEntry.objects.get(verb="organization.pact_accepted")
    assert entry.object_id == str(organization.pk)
    assert entry.changes == {"pact_revision_number": [None, 2]}


def test_verification_without_the_pact_is_refused(revisions, citizen, moderator):
    organization = apply(citizen)
    with pytest.raises(Conflict) as refusal:
        services.verify_organization(actor=moderator, organization=organization)
    assert refusal.value.code == "pact_required"
    assert "non ha ancora accettato il patto" in str(refusal.value.message)
    organization.refresh_from_db()
    assert organization.status == OrganizationStatus.PENDING
    assert not AuditEntry.objects.filter(verb="organization.verify").exists()


def test_verification_on_an_older_revision_is_refused(revisions, moderator):
    organization = signed(OrganizationFactory(status=OrganizationStatus.PENDING), 1)
    with pytest.raises(Conflict) as refusal:
        services.verify_organization(actor=moderator, organization=organization)
    assert "revisione n. 2" in str(refusal.value.message)


def test_verification_with_the_pact_in_force_goes_through(revisions, citizen, moderator):
    organization = apply(citizen, accept_pact=True)
    services.verify_organization(actor=moderator, organization=organization)
    organization.refresh_from_db()
    assert organization.status == OrganizationStatus.VERIFIED


def test_with_no_revision_in_force_an_accepted_pact_suffices(citizen, moderator):
    organization = apply(citizen, accept_pact=True)
    assert organization.pact_revision_number is None
    services.verify_organization(actor=moderator, organization=organization)
    organization.refresh_from_db()
    assert organization.status == OrganizationStatus.VERIFIED


def test_the_api_refuses_verification_without_the_pact(api_as, moderator, revisions):
    pending = OrganizationFactory(status=OrganizationStatus.PENDING, pact_accepted_at=None)
    response = api_as(moderator).post(f"{ORGS}{pending.pk}/verify/", {})
    assert response.status_code == 409
    assert response.json()["code"] == "pact_required"
    pending.refresh_from_db()
    assert pending.status == OrganizationStatus.PENDING


# --- The renewal asked ------------------------------------------------------------------


def test_a_new_revision_asks_verified_organizations_behind_to_renew(revisions, org_a, rep_a):
    signed(org_a, 1)
    current = signed(OrganizationFactory(), 2)
    pending = signed(OrganizationFactory(status=OrganizationStatus.PENDING), 1)
    before = timezone.now()
    assert services.request_pact_renewal(revision_number=2) == 1
    org_a.refresh_from_db()
    assert org_a.pact_renewal_revision_number == 2
    assert before <= org_a.pact_renewal_requested_at <= timezone.now()
    assert org_a.pact_renew_by == org_a.pact_renewal_requested_at + datetime.timedelta(days=60)
    assert perms.pact_to_renew(org_a) and not perms.pact_lapsed(org_a)
    for other in (current, pending):
        other.refresh_from_db()
        assert other.pact_renew_by is None
    note = Notification.objects.get(recipient=rep_a, kind="organization.pact_renewal_requested")
    deadline = timezone.localtime(org_a.pact_renew_by)
    with translation.override("it"):
        day = long_date(deadline.date())
    assert day == day.lower()  # "8 ottobre 2026"
    with translation.override("it"):
        day = on_date(deadline.date(), "il")  # "il 3 ottobre 2026", "l'8 ottobre 2026"
    assert note.title == f"È in vigore una nuova Carta: rinnova il patto entro {day}"
    assert "revisione n. 2" in note.body
    assert AuditEntry.objects.filter(
        verb="organization.pact_renewal_requested", object_id=str(org_a.pk)
    ).exists()


def test_asking_twice_changes_nothing_and_notifies_once(revisions, org_a, rep_a):
    signed(org_a, 1)
    services.request_pact_renewal(revision_number=2)
    org_a.refresh_from_db()
    deadline = org_a.pact_renew_by
    assert services.request_pact_renewal(revision_number=2) == 0
    org_a.refresh_from_db()
    assert org_a.pact_renew_by == deadline
    assert Notification.objects.filter(recipient=rep_a).count() == 1


def test_a_later_revision_keeps_the_first_deadline_and_tells_again(revisions, org_a, rep_a):
    signed(org_a, 1)
    services.request_pact_renewal(revision_number=2)
    org_a.refresh_from_db()
    deadline = org_a.pact_renew_by
    revisions[1].status = RevisionStatus.SUPERSEDED
    revisions[1].save(update_fields=["status"])
    RevisionFactory(number=3, status=RevisionStatus.ADOPTED)
    assert services.request_pact_renewal(revision_number=3) == 1
    org_a.refresh_from_db()
    assert (org_a.pact_renew_by, org_a.pact_renewal_revision_number) == (deadline, 3)
    assert Notification.objects.filter(recipient=rep_a).count() == 2


def test_the_grace_period_is_the_setting(settings, revisions, org_a):
    settings.CARTA_PACT_GRACE_DAYS = 10
    signed(org_a, 1)
    services.request_pact_renewal(revision_number=2)
    org_a.refresh_from_db()
    assert org_a.pact_renew_by - org_a.pact_renewal_requested_at == datetime.timedelta(days=10)


def test_a_malformed_revision_number_is_refused(db):
    for bad in (0, -1, "2", True, None):
        with pytest.raises(InvalidInput) as refusal:
            services.request_pact_renewal(revision_number=bad)
        assert refusal.value.field == "revision_number"


def test_reinstatement_asks_a_renewal_missed_while_suspended(revisions, org_a, moderator):
    signed(org_a, 1)
    Organization.objects.filter(pk=org_a.pk).update(status=OrganizationStatus.SUSPENDED)
    assert services.request_pact_renewal(revision_number=2) == 0
    org_a.refresh_from_db()
    services.reinstate_organization(actor=moderator, organization=org_a)
    org_a.refresh_from_db()
    assert org_a.status == OrganizationStatus.VERIFIED
    assert org_a.pact_renewal_revision_number == 2 and org_a.pact_renew_by is not None


# --- The renewal given --------------------------------------------------------------------


def test_the_representative_renews_and_the_acceptance_is_recorded(revisions, org_a, rep_a):
    signed(org_a, 1)
    services.request_pact_renewal(revision_number=2)
    org_a.refresh_from_db()
    services.accept_pact(actor=rep_a, organization=org_a, revision_number=2)
    org_a.refresh_from_db()
    assert org_a.pact_revision_number == 2
    assert (org_a.pact_renew_by, org_a.pact_renewal_revision_number) == (None, None)
    acceptance = selectors.pact_acceptances(org_a).first()
    assert (acceptance.revision_number, acceptance.accepted_by) == (2, rep_a)
    entry = AuditEntry.objects.filter(verb="organization.pact_accepted").get()
    assert entry.actor == rep_a and entry.changes == {"pact_revision_number": [1, 2]}


def test_only_a_representative_accepts_the_pact(revisions, org_a, editor_a, admin):
    signed(org_a, 1)
    for person in (editor_a, admin):
        with pytest.raises(NotAllowed):
            services.accept_pact(actor=person, organization=org_a)
    assert not PactAcceptance.objects.filter(organization=org_a).exists()


def test_a_pact_already_current_is_not_renewed_again(revisions, org_a, rep_a):
    signed(org_a, 2)
    with pytest.raises(Conflict) as refusal:
        services.accept_pact(actor=rep_a, organization=org_a)
    assert refusal.value.code == "pact_current"


def test_a_revision_no_longer_in_force_is_not_signed(revisions, org_a, rep_a):
    signed(org_a, 1)
    with pytest.raises(Conflict) as refusal:
        services.accept_pact(actor=rep_a, organization=org_a, revision_number=1)
    assert refusal.value.code == "revision_changed"
    org_a.refresh_from_db()
    assert org_a.pact_revision_number == 1


def test_a_pending_application_without_the_pact_accepts_it_then_is_verified(
    revisions, citizen, moderator
):
    organization = apply(citizen)
    services.accept_pact(actor=citizen, organization=organization, revision_number=2)
    services.verify_organization(actor=moderator, organization=organization)
    organization.refresh_from_db()
    assert (organization.status, organization.pact_revision_number) == ("verified", 2)


def test_the_data_migration_makes_existing_pacts_the_first_acceptances(org_a, rep_a):
    signed(org_a, 1)
    never = OrganizationFactory(pact_accepted_at=None)
    migration = import_module("stakeholders.migrations.0006_pact_acceptances_from_organizations")
    migration.forwards(apps, None)
    acceptance = PactAcceptance.objects.get(organization=org_a)
    assert (acceptance.revision_number, acceptance.accepted_by_id) == (1, rep_a.pk)
    assert acceptance.accepted_at == org_a.pact_accepted_at
    assert not PactAcceptance.objects.filter(organization=never).exists()
    migration.forwards(apps, None)  # twice: nothing added
    assert PactAcceptance.objects.filter(organization=org_a).count() == 1


# --- API ----------------------------------------------------------------------------------


def test_api_renews_the_pact(api_as, revisions, org_a, rep_a):
    signed(org_a, 1)
    services.request_pact_renewal(revision_number=2)
    response = api_as(rep_a).post(
        f"{ORGS}{org_a.pk}/pact/", {"accept": True, "revision_number": 2}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["pact_revision_number"] == 2
    assert (body["pact_to_renew"], body["pact_renew_by"]) == (False, None)
    assert PactAcceptance.objects.filter(organization=org_a, revision_number=2).exists()


def test_api_requires_the_confirmation(api_as, revisions, org_a, rep_a):
    signed(org_a, 1)
    response = api_as(rep_a).post(f"{ORGS}{org_a.pk}/pact/", {"accept": False}, format="json")
    assert response.status_code == 400
    assert "accept" in response.json()["errors"]
    org_a.refresh_from_db()
    assert org_a.pact_revision_number == 1


def test_api_refusals_of_the_pact(api, api_as, revisions, org_a, rep_a, editor_a, member_b):
    signed(org_a, 1)
    hidden = OrganizationFactory(status=OrganizationStatus.PENDING)
    url = f"{ORGS}{org_a.pk}/pact/"
    assert api_as(editor_a).post(url, {"accept": True}).status_code == 403
    assert api.post(url, {"accept": True}).status_code == 401
    assert api_as(member_b).post(f"{ORGS}{hidden.pk}/pact/", {"accept": True}).status_code == 404
    stale = api_as(rep_a).post(url, {"accept": True, "revision_number": 1}, format="json")
    assert (stale.status_code, stale.json()["code"]) == (409, "revision_changed")
    assert api_as(rep_a).post(url, {"accept": True}).status_code == 200
    again = api_as(rep_a).post(url, {"accept": True})
    assert (again.status_code, again.json()["code"]) == (409, "pact_current")


def test_the_directory_marks_pacts_to_renew(api, client, revisions, org_a, org_b):
    deadline = timezone.now() + datetime.timedelta(days=30)
    signed(org_a, 1, renew_by=deadline)
    signed(org_b, 2)
    rows = {row["id"]: row for row in api.get(ORGS).json()["results"]}
    assert rows[org_a.pk]["pact_to_renew"] is True
    assert rows[org_a.pk]["pact_renew_by"] is not None
    assert rows[org_b.pk]["pact_to_renew"] is False
    page = client.get("/organizzazioni/").content.decode()
    assert page.count("Patto da rinnovare") == 1


def test_the_schema_documents_the_pact_operation():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/organizations/{id}/pact/"]["post"]
    assert {"400", "401", "403", "404", "409"} <= set(operation["responses"])
    assert "pact_current" in operation["description"]
    assert "revision_number" in schema["components"]["schemas"]["PactAcceptRequest"]["properties"]
    fields = schema["components"]["schemas"]["Organization"]["properties"]
    assert {"pact_to_renew", "pact_renew_by", "pact_revision_number"} <= set(fields)


# --- The page -----------------------------------------------------------------------------


def test_the_representative_sees_the_deadline_the_changes_and_the_form(
    client_as, revisions, org_a, rep_a
):
    old, current = revisions
    signed(org_a, 1)
    services.request_pact_renewal(revision_number=2)
    org_a.refresh_from_db()
    page = client_as(rep_a).get(f"/organizzazioni/{org_a.pk}/").content.decode()
    with translation.override("it"):
        day = on_date(timezone.localtime(org_a.pact_renew_by).date(), "il")
    assert f"Patto da rinnovare entro {day}" in page
    assert f"/carta/revisioni/{current.pk}/confronto/?con={old.pk}" in page
    assert f'action="/organizzazioni/{org_a.pk}/patto/"' in page
    assert 'name="revision_number" value="2"' in page


def test_other_members_see_the_mark_but_no_form(client_as, revisions, org_a, editor_a):
    signed(org_a, 1, renew_by=timezone.now() + datetime.timedelta(days=5))
    page = client_as(editor_a).get(f"/organizzazioni/{org_a.pk}/").content.decode()
    assert "Patto da rinnovare" in page
    assert "/patto/" not in page


def test_the_page_renews_the_pact(client_as, revisions, org_a, rep_a):
    signed(org_a, 1, renew_by=timezone.now() + datetime.timedelta(days=5))
    response = client_as(rep_a).post(
        f"/organizzazioni/{org_a.pk}/patto/", {"accept": "on", "revision_number": "2"}
    )
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert (org_a.pact_revision_number, org_a.pact_renew_by) == (2, None)


def test_the_page_without_the_confirmation_says_so_next_to_the_box(
    client_as, revisions, org_a, rep_a
):
    signed(org_a, 1)
    response = client_as(rep_a).post(f"/organizzazioni/{org_a.pk}/patto/", {"revision_number": "2"})
    assert response.status_code == 400
    assert "Per accettare il patto conferma di aver letto la Carta in vigore." in (
        response.content.decode()
    )
    org_a.refresh_from_db()
    assert org_a.pact_revision_number == 1


def test_the_page_shows_a_revision_changed_meanwhile(client_as, revisions, org_a, rep_a):
    signed(org_a, 1)
    response = client_as(rep_a).post(
        f"/organizzazioni/{org_a.pk}/patto/", {"accept": "on", "revision_number": "1"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nel frattempo è entrata in vigore un&#x27;altra revisione" in page
    assert 'name="revision_number" value="2"' in page


def test_the_page_refuses_others_and_hides_from_strangers(
    client_as, revisions, org_a, editor_a, member_b
):
    signed(org_a, 1)
    hidden = OrganizationFactory(status=OrganizationStatus.PENDING)
    assert client_as(editor_a).post(f"/organizzazioni/{org_a.pk}/patto/", {}).status_code == 403
    assert client_as(member_b).post(f"/organizzazioni/{hidden.pk}/patto/", {}).status_code == 404


def test_a_lapsed_pact_is_said_on_the_page(client_as, revisions, org_a, rep_a):
    signed(org_a, 1, renew_by=timezone.now() - datetime.timedelta(days=1))
    page = client_as(rep_a).get(f"/organizzazioni/{org_a.pk}/").content.decode()
    assert "Il termine è passato" in page


def test_a_representative_of_two_organizations_renews_each(revisions, org_a, rep_a):
    other = signed(OrganizationFactory(), 1)
    MembershipFactory(user=rep_a, organization=other, role="representative")
    signed(org_a, 1)
    services.accept_pact(actor=rep_a, organization=org_a)
    other.refresh_from_db()
    assert other.pact_revision_number == 1


# --- Admin and the staff's page ---------------------------------------------------------


def test_the_admin_action_refuses_verification_without_the_pact(client_as, admin, revisions):
    bare = OrganizationFactory(status=OrganizationStatus.PENDING, pact_accepted_at=None)
    response = client_as(admin).post(
        "/admin/stakeholders/organization/",
        {"action": "verify", "_selected_action": [bare.pk], "index": 0, "reason": ""},
        follow=True,
    )
    assert "non ha ancora accettato il patto" in response.content.decode()
    bare.refresh_from_db()
    assert bare.status == OrganizationStatus.PENDING


def test_the_admin_shows_the_pact_history(client_as, admin, revisions, citizen):
    organization = apply(citizen, accept_pact=True)
    page = client_as(admin).get(f"/admin/stakeholders/organization/{organization.pk}/change/")
    assert "Accettazioni del patto" in page.content.decode()


def test_the_staff_page_says_why_verification_is_refused(client_as, moderator, revisions):
    bare = OrganizationFactory(status=OrganizationStatus.PENDING, pact_accepted_at=None)
    response = client_as(moderator).post(
        f"/organizzazioni/{bare.pk}/decisione/verify/", {}, follow=True
    )
    assert "non ha ancora accettato il patto" in response.content.decode()
    bare.refresh_from_db()
    assert bare.status == OrganizationStatus.PENDING


def test_staff_see_before_verifying_that_the_pact_is_missing(client_as, moderator, revisions):
    bare = OrganizationFactory(status=OrganizationStatus.PENDING, pact_accepted_at=None)
    behind = signed(OrganizationFactory(status=OrganizationStatus.PENDING), 1)
    ready = signed(OrganizationFactory(status=OrganizationStatus.PENDING), 2)
    client = client_as(moderator)
    queue = client.get("/organizzazioni/in-attesa/").content.decode()
    assert queue.count("Il patto non è ancora stato accettato") == 1
    assert queue.count("la verifica sarà possibile dopo il rinnovo sulla revisione n. 2") == 1
    for organization, note in ((bare, True), (behind, True), (ready, False)):
        page = client.get(f"/organizzazioni/{organization.pk}/").content.decode()
        assert ("la verifica sarà possibile" in page) is note
