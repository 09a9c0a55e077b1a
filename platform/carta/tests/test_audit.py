"""The audit log: append-only, written by services, read by staff only."""

import pytest
from django.urls import reverse

from carta.models import AuditEntry
from carta.services import record_audit

pytestmark = pytest.mark.django_db


def test_record_audit_keeps_actor_object_reason_and_changes(citizen, moderator):
    entry = record_audit(
        actor=moderator,
        verb="account.suspended",
        target=citizen,
        reason="Prova",
        changes={"is_active": [True, False]},
    )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor == moderator and stored.actor_label == "moderatore"
    assert stored.object_id == str(citizen.pk) and stored.object_repr == str(citizen)
    assert stored.reason == "Prova" and stored.changes == {"is_active": [True, False]}


def test_audit_entries_cannot_be_changed_or_deleted(citizen):
    entry = record_audit(actor=citizen, verb="x.y", target=citizen)
    entry.reason = "riscritto"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


def test_system_actions_are_labelled_as_system(citizen):
    assert record_audit(actor=None, verb="x.y", target=citizen).actor_label == "sistema"


def test_staff_reads_and_filters_the_audit_api(api_as, moderator, citizen):
    record_audit(actor=citizen, verb="proposal.submitted", target=citizen)
    record_audit(actor=moderator, verb="proposal.published", target=citizen, reason="ok")
    record_audit(actor=moderator, verb="organization.verified", target=moderator)
    client = api_as(moderator)
    response = client.get("/api/v1/audit/", {"verb": "proposal."})
    verbs = [row["verb"] for row in response.json()["results"]]
    assert verbs == ["proposal.published", "proposal.submitted"]
    response = client.get(
        "/api/v1/audit/",
        {"actor": "moderatore", "object_type": "carta.user", "object_id": str(citizen.pk)},
    )
    assert [row["reason"] for row in response.json()["results"]] == ["ok"]


def test_audit_api_list_costs_a_fixed_number_of_queries(
    api_as, moderator, citizen, django_assert_num_queries
):
    def fresh_client():
        # a fresh user object: permissions are cached per object, as per request
        return api_as(type(moderator).objects.get(pk=moderator.pk))

    for n in range(3):
        record_audit(actor=citizen, verb=f"v.{n}", target=citizen)
    # the user's own and group permissions (2), count, page of entries with actor and
    # content type joined
    client = fresh_client()
    with django_assert_num_queries(4):
        client.get("/api/v1/audit/")
    for n in range(30):
        record_audit(actor=moderator, verb=f"w.{n}", target=citizen)
    client = fresh_client()
    with django_assert_num_queries(4):
        client.get("/api/v1/audit/")


@pytest.mark.parametrize("persona", ["citizen", None])
def test_audit_api_is_refused_to_non_staff(request, api_as, persona):
    user = request.getfixturevalue(persona) if persona else None
    response = api_as(user).get("/api/v1/audit/")
    assert response.status_code == (403 if user else 401)


def test_audit_page_lists_entries_for_staff_and_refuses_others(client_as, moderator, citizen):
    record_audit(actor=citizen, verb="proposal.submitted", target=citizen, reason="motivo-xyz")
    page = client_as(moderator).get(reverse("audit"))
    assert page.status_code == 200
    assert [e.verb for e in page.context["page"]] == ["proposal.submitted"]
    assert b"motivo-xyz" in page.content
    assert client_as(citizen).get(reverse("audit")).status_code == 403
    assert client_as(None).get(reverse("audit")).status_code == 302
