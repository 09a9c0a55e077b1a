"""Measurements keep their history: a correction is a new version with who, when and
why; every figure uses the latest version; two corrections at once are both kept."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction

from carta.errors import InvalidInput
from carta.models import AuditEntry
from feedback import services
from feedback.dashboard import build_dashboard
from feedback.models import CommitmentMeasurement
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")
NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=ROME)
URL = "/api/v1/commitment-measurements/"


def record(actor, commitment, value, reason="", period="2026-Q1"):
    return services.record_measurement(
        actor=actor, commitment=commitment, period=period, value=value, reason=reason
    )


def test_a_correction_is_a_new_version_and_the_first_stays(complaint_officer, carta_editor, carta):
    first = record(complaint_officer, carta.soddisfatti, "70")
    second = record(carta_editor, carta.soddisfatti, "85", reason="Mancavano due questionari.")
    rows = list(
        CommitmentMeasurement.objects.order_by("version").values_list(
            "version", "value", "reason", "recorded_by"
        )
    )
    assert [(v, str(x), r, who) for v, x, r, who in rows] == [
        (1, "70.00", "", complaint_officer.pk),
        (2, "85.00", "Mancavano due questionari.", carta_editor.pk),
    ]
    assert first.pk != second.pk and second.recorded_at >= first.recorded_at


def test_a_correction_without_a_reason_is_refused_naming_reason(api_as, complaint_officer, carta):
    record(complaint_officer, carta.soddisfatti, "70")
    with pytest.raises(InvalidInput) as raised:
        record(complaint_officer, carta.soddisfatti, "85", reason="   ")
    assert raised.value.field == "reason"
    response = api_as(complaint_officer).post(
        URL, {"commitment": carta.soddisfatti.pk, "period": "2026-Q1", "value": "85"}
    )
    body = response.json()
    assert response.status_code == 400
    assert body["status"] == 400 and body["code"] == "invalid" and "reason" in body["errors"]
    assert CommitmentMeasurement.objects.count() == 1


def test_every_figure_uses_the_latest_version(api_as, complaint_officer, carta):
    with time_machine.travel(NOW, tick=False):
        record(complaint_officer, carta.soddisfatti, "70")
        record(complaint_officer, carta.soddisfatti, "85", reason="Dato rivisto.")
        data = build_dashboard(quarters=["2026-Q1"], now=NOW)
        listed = api_as(None).get(URL, {"period": "2026-Q1"}).json()
    entry = data["services"][0]["commitments"][1]["periods"]["2026-Q1"]
    assert (str(entry["value"]), entry["met"], entry["version"], entry["corrected"]) == (
        "85.00",
        True,
        2,
        True,
    )
    assert [(row["value"], row["version"]) for row in listed["results"]] == [("85.00", 2)]


def test_the_history_lists_every_version_with_who_when_value_and_reason(
    api_as, client_as, complaint_officer, carta
):
    complaint_officer.first_name, complaint_officer.last_name = "Anna", "Ferri"
    complaint_officer.save()
    record(complaint_officer, carta.soddisfatti, "70")
    record(complaint_officer, carta.soddisfatti, "85", reason="Dato rivisto.")
    record(complaint_officer, carta.attivazione, "20")  # another commitment
    params = {"commitment_key": carta.soddisfatti.key, "period": "2026-Q1"}
    staff = api_as(complaint_officer).get(URL + "history/", params).json()
    assert [
        (r["version"], r["value"], r["reason"], r["recorded_by"]) for r in staff["results"]
    ] == [
        (1, "70.00", "", "Anna Ferri"),
        (2, "85.00", "Dato rivisto.", "Anna Ferri"),
    ]
    assert all(r["recorded_at"] for r in staff["results"])
    public = api_as(None).get(URL + "history/", params).json()
    assert [(r["version"], r["recorded_by"]) for r in public["results"]] == [(1, ""), (2, "")]
    page = client_as(None).get(
        "/valuta-e-segnala/impegni/storico/",
        {"impegno": carta.soddisfatti.key, "trimestre": "2026-Q1"},
    )
    text = page.content.decode()
    assert page.status_code == 200 and "Dato rivisto." in text and "Anna Ferri" not in text
    staff_page = client_as(complaint_officer).get(
        "/valuta-e-segnala/impegni/storico/",
        {"impegno": carta.soddisfatti.key, "trimestre": "2026-Q1"},
    )
    assert "Anna Ferri" in staff_page.content.decode()
    empty = client_as(None).get("/valuta-e-segnala/impegni/storico/", {"impegno": "x" * 500})
    assert empty.status_code == 200


def test_each_correction_is_audited_with_its_reason(complaint_officer, carta):
    record(complaint_officer, carta.soddisfatti, "70")
    second = record(complaint_officer, carta.soddisfatti, "85", reason="Dato rivisto.")
    entry = AuditEntry.objects.get(verb="measurement.corrected")
    assert entry.object_id == str(second.pk) and entry.reason == "Dato rivisto."
    assert entry.changes == {"value": ["70.00", "85.00"], "period": "2026-Q1", "version": 2}
    assert AuditEntry.objects.filter(verb="measurement.recorded").count() == 1


def test_the_database_refuses_two_rows_for_the_same_version(complaint_officer, carta):
    first = record(complaint_officer, carta.soddisfatti, "70")
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitmentMeasurement.objects.create(
            commitment=carta.soddisfatti,
            commitment_key=first.commitment_key,
            service_key=first.service_key,
            period=first.period,
            version=1,
            value=1,
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_corrections_at_once_are_both_kept_in_order(carta):
    # A superuser: a transactional test may follow one that flushed the groups of migrations.
    officer = UserFactory(is_superuser=True, is_staff=True)
    record(officer, carta.soddisfatti, "70")
    barrier = threading.Barrier(2)
    errors = []

    def correct(value):
        try:
            barrier.wait()
            record(officer, carta.soddisfatti, value, reason=f"Correzione {value}")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=correct, args=(v,)) for v in ("81", "82")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = list(CommitmentMeasurement.objects.order_by("version").values_list("version", "reason"))
    assert [v for v, _r in rows] == [1, 2, 3]
    assert {r for _v, r in rows[1:]} == {"Correzione 81", "Correzione 82"}
