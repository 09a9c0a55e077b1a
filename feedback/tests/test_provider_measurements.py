"""Providers named on a service submit their commitments' measurements; a submitted value
is pending, counts nowhere, until staff who record measurements validate it (or reject it
with a reason)."""

import pytest

from carta.errors import Conflict, InvalidInput, NotAllowed
from carta.models import AuditEntry
from feedback import selectors, services
from feedback.dashboard import build_dashboard
from feedback.models import CommitmentMeasurement, ImprovementAction, MeasurementStatus

pytestmark = pytest.mark.django_db

API = "/api/v1/commitment-measurements/"


@pytest.fixture
def provided(carta, org_a):
    carta.assistenza.provider_organizations.add(org_a)
    return carta


def _submit(client, carta, org, value="45", period="2026-Q3", **extra):
    return client.post(
        API,
        {
            "commitment": carta.attivazione.pk,
            "period": period,
            "value": value,
            "organization": org.pk,
            **extra,
        },
        format="json",
    )


def test_a_provider_submits_a_pending_value_that_counts_nowhere(provided, org_a, rep_a, api_as):
    response = _submit(api_as(rep_a), provided, org_a)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["organization"], body["version"]) == (
        "pending",
        org_a.legal_name,
        1,
    )
    assert not selectors.latest_measurements().exists()
    assert not ImprovementAction.objects.exists()  # 45 misses "at most 30", not yet counted
    public = api_as(None).get(f"{API}history/").json()
    assert public["count"] == 0
    assert AuditEntry.objects.filter(verb="measurement.submitted").count() == 1


def test_staff_validate_it_and_then_it_counts(provided, org_a, rep_a, api_as, complaint_officer):
    submitted = _submit(api_as(rep_a), provided, org_a).json()
    staff = api_as(complaint_officer)
    pending = staff.get(f"{API}history/", {"status": "pending"}).json()
    assert [m["id"] for m in pending["results"]] == [submitted["id"]]
    done = staff.post(f"{API}{submitted['id']}/validate/", {"accept": True}, format="json")
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "validated"
    latest = selectors.latest_measurements().get()
    assert (latest.pk, str(latest.value)) == (submitted["id"], "45.00")
    action = ImprovementAction.objects.get(commitment_key="sad-attivazione", period="2026-Q3")
    assert action.measurement_id == submitted["id"]
    data = build_dashboard(quarters=["2026-Q3"], staff=False)
    cell = data["services"][0]["commitments"][0]["periods"]["2026-Q3"]
    assert (cell["value"], cell["met"]) == (latest.value, False)
    again = staff.post(f"{API}{submitted['id']}/validate/", {"accept": True}, format="json")
    assert again.status_code == 409


def test_a_rejection_needs_a_reason_and_leaves_the_figures_alone(
    provided, org_a, rep_a, complaint_officer
):
    measurement = services.submit_measurement(
        actor=rep_a, commitment=provided.attivazione, organization=org_a, period="2026-Q3", value=12
    )
    with pytest.raises(InvalidInput) as error:
        services.validate_measurement(
            actor=complaint_officer, measurement=measurement, accept=False
        )
    assert error.value.field == "reason"
    services.validate_measurement(
        actor=complaint_officer,
        measurement=measurement,
        accept=False,
        reason="Dato non verificabile.",
    )
    measurement.refresh_from_db()
    assert (measurement.status, measurement.validation_note) == (
        MeasurementStatus.REJECTED,
        "Dato non verificabile.",
    )
    assert not selectors.latest_measurements().exists()
    with pytest.raises(Conflict):
        services.validate_measurement(actor=complaint_officer, measurement=measurement, accept=True)


def test_a_staff_value_after_a_pending_one_is_the_next_version(
    provided, org_a, rep_a, complaint_officer
):
    services.submit_measurement(
        actor=rep_a, commitment=provided.attivazione, organization=org_a, period="2026-Q3", value=12
    )
    # The quarter has no validated value yet: staff record it without a reason.
    recorded = services.record_measurement(
        actor=complaint_officer, commitment=provided.attivazione, period="2026-Q3", value="20"
    )
    assert recorded.version == 2
    assert selectors.latest_measurements().get() == recorded
    with pytest.raises(InvalidInput) as error:
        services.submit_measurement(
            actor=rep_a,
            commitment=provided.attivazione,
            organization=org_a,
            period="2026-Q3",
            value=18,
        )
    assert error.value.field == "reason"


def test_only_providers_of_the_service_may_submit(
    provided, carta, org_a, org_b, rep_a, member_a, api_as, complaint_officer
):
    outsider = _submit(api_as(rep_a), provided, org_b)
    assert outsider.status_code == 400
    assert "organization" in outsider.json()["errors"]
    member = _submit(api_as(member_a), provided, org_a)
    assert member.status_code == 403
    anonymous = _submit(api_as(None), provided, org_a)
    assert anonymous.status_code == 401
    other_service = api_as(rep_a).post(
        API,
        {
            "commitment": carta.attivazione.pk,
            "period": "2026-Q3",
            "value": "1",
            "organization": 999999,
        },
        format="json",
    )
    assert "organization" in other_service.json()["errors"]
    measurement = services.submit_measurement(
        actor=rep_a, commitment=provided.attivazione, organization=org_a, period="2026-Q3", value=12
    )
    with pytest.raises(NotAllowed):
        services.validate_measurement(actor=rep_a, measurement=measurement, accept=True)
    assert CommitmentMeasurement.objects.get(pk=measurement.pk).status == "pending"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_decisions_at_once_on_one_value_leave_one_decision(provided, org_a, rep_a):
    import threading

    from django.db import connection

    from tests.factories import UserFactory

    officer = UserFactory(is_superuser=True, is_staff=True)
    measurement = services.submit_measurement(
        actor=rep_a, commitment=provided.attivazione, organization=org_a, period="2026-Q3", value=45
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(accept):
        try:
            barrier.wait()
            services.validate_measurement(
                actor=officer, measurement=measurement, accept=accept, reason="Non verificabile."
            )
            outcomes.append("done")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(a,)) for a in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "done"]
    measurement.refresh_from_db()
    assert measurement.status in ("validated", "rejected")
    assert (
        AuditEntry.objects.filter(
            verb__in=["measurement.validated", "measurement.rejected"]
        ).count()
        == 1
    )
    actions = ImprovementAction.objects.filter(commitment_key="sad-attivazione").count()
    assert actions == (1 if measurement.status == "validated" else 0)
