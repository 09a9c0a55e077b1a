"""Improvement actions: opened by a measurement that misses its target, one per
commitment and quarter, never deleted by a correction, edited by the staff who record
measurements, public to read."""

import datetime

import pytest
import time_machine

from carta.errors import InvalidInput, NotAllowed
from carta.models import AuditEntry
from feedback import services
from feedback.models import ImprovementAction, ImprovementStatus

pytestmark = pytest.mark.django_db
URL = "/api/v1/improvement-actions/"


def record(actor, commitment, value, reason="", period="2026-Q1"):
    return services.record_measurement(
        actor=actor, commitment=commitment, period=period, value=value, reason=reason
    )


@pytest.fixture
def missed(complaint_officer, carta):
    """``soddisfatti`` (at least 80%) measured at 70 in 2026-Q1."""
    record(complaint_officer, carta.soddisfatti, "70")
    return ImprovementAction.objects.get()


def test_a_missed_target_opens_one_action(complaint_officer, carta, missed):
    assert (missed.commitment_key, missed.period, missed.status) == (
        carta.soddisfatti.key,
        "2026-Q1",
        ImprovementStatus.OPEN,
    )
    assert missed.measurement.version == 1
    record(complaint_officer, carta.soddisfatti, "60", reason="Dato rivisto.")
    assert ImprovementAction.objects.count() == 1  # one per commitment and quarter
    assert AuditEntry.objects.filter(verb="improvement_action.opened").count() == 1


def test_a_met_target_opens_none_and_a_ceiling_counts_as_the_dashboard_does(
    complaint_officer, carta
):
    record(complaint_officer, carta.soddisfatti, "80")  # at least 80: met
    record(complaint_officer, carta.attivazione, "30")  # at most 30: met
    assert not ImprovementAction.objects.exists()
    record(complaint_officer, carta.attivazione, "31", period="2025-Q4")  # missed
    assert ImprovementAction.objects.get().commitment_key == carta.attivazione.key


def test_a_correction_that_meets_the_target_sets_it_aside_and_a_miss_reopens_it(
    complaint_officer, carta, missed
):
    record(complaint_officer, carta.soddisfatti, "85", reason="Mancavano questionari.")
    missed.refresh_from_db()
    assert missed.status == ImprovementStatus.NOT_NEEDED and missed.measurement.version == 2
    record(complaint_officer, carta.soddisfatti, "75", reason="Errore nella correzione.")
    missed.refresh_from_db()
    assert missed.status == ImprovementStatus.OPEN and missed.measurement.version == 3
    changes = AuditEntry.objects.filter(verb="improvement_action.status_changed")
    assert [e.changes["status"] for e in changes.order_by("pk")] == [
        ["open", "not_needed"],
        ["not_needed", "open"],
    ]


def test_a_correction_leaves_a_completed_action_as_it_is(complaint_officer, carta, missed):
    services.update_improvement_action(
        actor=complaint_officer, action=missed, status="completed", outcome="Fatto."
    )
    record(complaint_officer, carta.soddisfatti, "90", reason="Dato rivisto.")
    missed.refresh_from_db()
    assert missed.status == ImprovementStatus.COMPLETED


def test_staff_fill_in_the_action_and_it_is_audited(api_as, carta_editor, missed):
    response = api_as(carta_editor).patch(
        f"{URL}{missed.pk}/",
        {
            "description": "Un secondo operatore allo sportello il martedì.",
            "responsible": "Ufficio di Piano",
            "due_date": "2026-09-30",
            "status": "in_progress",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["status_label"], body["due_date"]) == (
        "in_progress",
        "In corso",
        "2026-09-30",
    )
    assert body["updated_by"] == str(carta_editor)
    entry = AuditEntry.objects.get(verb="improvement_action.updated")
    assert entry.changes["status"] == ["open", "in_progress"]
    assert entry.changes["due_date"] == [None, "2026-09-30"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"status": "finita"}, "status"),
        ({"status": "not_needed"}, "status"),
        ({"due_date": "30/09/2026"}, "due_date"),
        ({"due_date": "2026-02-31"}, "due_date"),
        ({"status": "completed"}, "outcome"),
        ({"status": "cancelled", "outcome": "  "}, "outcome"),
        ({"responsible": "x" * 201}, "responsible"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api_as, complaint_officer, missed, payload, field):
    response = api_as(complaint_officer).patch(f"{URL}{missed.pk}/", payload, format="json")
    body = response.json()
    assert response.status_code == 400, body
    assert body["status"] == 400 and field in body["errors"]
    missed.refresh_from_db()
    assert missed.status == ImprovementStatus.OPEN


def test_the_service_refuses_bad_dates_and_statuses(complaint_officer, missed):
    with pytest.raises(InvalidInput) as raised:
        services.update_improvement_action(actor=complaint_officer, action=missed, due_date="x")
    assert raised.value.field == "due_date"
    with pytest.raises(InvalidInput) as raised:
        services.update_improvement_action(
            actor=complaint_officer, action=missed, status="not_needed"
        )
    assert raised.value.field == "status"


def test_only_staff_who_record_measurements_edit_actions(api_as, citizen, moderator, missed):
    with pytest.raises(NotAllowed):
        services.update_improvement_action(actor=citizen, action=missed, description="No.")
    assert api_as(None).patch(f"{URL}{missed.pk}/", {"description": "No."}).status_code == 401
    assert api_as(moderator).patch(f"{URL}{missed.pk}/", {"description": "No."}).status_code == 403
    assert api_as(moderator).patch(f"{URL}999999/", {"description": "No."}).status_code == 404


def test_anyone_reads_and_filters_the_actions(api_as, complaint_officer, carta, missed):
    record(complaint_officer, carta.attivazione, "45", period="2025-Q4")
    client = api_as(None)
    everything = client.get(URL).json()
    assert everything["count"] == 2 and all(a["updated_by"] == "" for a in everything["results"])
    by_key = client.get(URL, {"commitment_key": carta.attivazione.key}).json()
    assert [a["period"] for a in by_key["results"]] == ["2025-Q4"]
    by_service = client.get(URL, {"service_key": carta.segretariato.key}).json()
    assert by_service["count"] == 0
    by_status = client.get(URL, {"status": "open"}).json()
    assert by_status["count"] == 2
    assert client.get(URL, {"status": "completed"}).json()["count"] == 0
    bad = client.get(URL, {"status": "finita"})
    assert bad.status_code == 400 and "status" in bad.json()["errors"]
    one = client.get(f"{URL}{missed.pk}/").json()
    assert (one["commitment"], one["measured_value"], one["indicator"]) == (
        carta.soddisfatti.pk,
        "70.00",
        "Utenti soddisfatti",
    )
    assert client.get(f"{URL}abc/").status_code == 404


def test_the_public_dashboard_shows_the_action(client_as, complaint_officer, carta, missed):
    services.update_improvement_action(
        actor=complaint_officer,
        action=missed,
        description="Questionario anche allo sportello.",
        responsible="Ufficio di Piano",
        due_date="2026-09-30",
    )
    with time_machine.travel(datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)):
        text = client_as(None).get("/valuta-e-segnala/impegni/").content.decode()
    assert "Questionario anche allo sportello." in text
    assert "Ufficio di Piano" in text and "Entro il 30 settembre 2026" in text


def test_the_staff_page_edits_the_action(client_as, complaint_officer, citizen, missed):
    url = f"/valuta-e-segnala/impegni/azioni/{missed.pk}/"
    assert client_as(citizen).get(url).status_code == 403
    assert "/accedi/" in client_as(None).get(url)["Location"]
    staff = client_as(complaint_officer)
    assert staff.get(url).status_code == 200
    bad = staff.post(url, {"status": "completed", "due_date": "domani"})
    assert bad.status_code == 400
    done = staff.post(url, {"status": "completed", "outcome": "Attese ridotte."})
    assert done.status_code == 302
    missed.refresh_from_db()
    assert (missed.status, missed.outcome) == ("completed", "Attese ridotte.")
    assert staff.get("/valuta-e-segnala/impegni/azioni/999999/").status_code == 404
