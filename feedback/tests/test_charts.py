"""The dashboard's and the service page's charts (``feedback.charts``): each
commitment's measured values per quarter with its target line at the target value, the
evaluations' averages, the same figures as the tables beside them."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from feedback import services
from feedback.models import Evaluation
from tests.chart_data import chart_specs

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=ZoneInfo("Europe/Rome"))  # in 2026-Q2


def evaluation(service, period, overall):
    return Evaluation(
        service=service,
        service_key=service.key,
        access=3,
        timeliness=3,
        courtesy=3,
        clarity=3,
        overall=overall,
        created_at=NOW,
        period=period,
    )


@pytest.fixture
def measured(carta, complaint_officer):
    for period, value in (("2026-Q1", "35"), ("2026-Q2", "12.5")):
        services.record_measurement(
            actor=complaint_officer, commitment=carta.attivazione, period=period, value=value
        )
    services.record_measurement(
        actor=complaint_officer, commitment=carta.soddisfatti, period="2026-Q2", value="91"
    )
    Evaluation.objects.bulk_create(
        [
            evaluation(carta.assistenza, "2026-Q1", 5),
            evaluation(carta.assistenza, "2026-Q1", 2),
            evaluation(carta.assistenza, "2026-Q2", 4),
        ]
    )
    return carta


def dashboard(client):
    with time_machine.travel(NOW, tick=False):
        response = client.get("/valuta-e-segnala/impegni/?trimestri=2")
    assert response.status_code == 200
    return response, response.content.decode()


def test_each_commitment_has_its_measurements_against_a_target_line(client, measured):
    response, page = dashboard(client)
    specs = chart_specs(page)
    data = response.context["data"]
    assert data["periods"] == ["2026-Q1", "2026-Q2"]
    service = next(s for s in data["services"] if s["key"] == "assistenza-domiciliare")
    by_key = {c["key"]: c for c in service["commitments"]}

    attivazione = specs["chart-commitment-assistenza-domiciliare-sad-attivazione"]
    assert attivazione["labels"] == ["2026-Q1", "2026-Q2"]
    assert attivazione["series"][0]["values"] == [
        float(by_key["sad-attivazione"]["periods"][p]["value"]) for p in data["periods"]
    ]
    assert attivazione["series"][0]["values"] == [35.0, 12.5]
    assert attivazione["series"][0]["display"] == ["35", "12,50"]
    # The target line sits at the commitment's target, named in the legend.
    assert attivazione["target"] == {"value": 30.0, "label": "Obiettivo: ≤ 30 giorni"}
    assert attivazione["legend"] is True
    assert attivazione["axes"] == {
        "category": "Trimestre",
        "value": "giorni",
        "min": 0,
        "max": None,
    }
    assert attivazione["summary"] == (
        "Grafico a barre. Giorni per l'attivazione (Obiettivo: ≤ 30 giorni). "
        "2026-Q1: 35 giorni; 2026-Q2: 12,50 giorni."
    )

    soddisfatti = specs["chart-commitment-assistenza-domiciliare-sad-soddisfatti"]
    # Nothing measured in Q1: no bar, and the table says "non misurato".
    assert soddisfatti["series"][0]["values"] == [None, 91.0]
    assert soddisfatti["series"][0]["display"] == ["—", "91"]
    assert soddisfatti["target"]["value"] == 80.0
    assert soddisfatti["target"]["label"] == "Obiettivo: ≥ 80 %"


def test_the_evaluations_averages_are_charted_on_the_one_to_five_scale(client, measured):
    response, page = dashboard(client)
    specs = chart_specs(page)
    service = next(
        s for s in response.context["data"]["services"] if s["key"] == "assistenza-domiciliare"
    )
    chart = specs["chart-satisfaction-assistenza-domiciliare"]
    assert chart["series"][0]["values"] == [
        service["satisfaction"]["periods"][p]["overall"] for p in ("2026-Q1", "2026-Q2")
    ]
    assert chart["series"][0]["values"] == [3.5, 4.0]
    assert chart["series"][0]["display"] == ["3,5", "4"]
    assert chart["axes"]["max"] == 5 and chart["target"] is None and chart["legend"] is False
    overall = specs["chart-satisfaction-all"]
    assert overall["series"][0]["values"] == [3.5, 4.0]
    # No evaluation of the other service: no bars, said in the summary.
    empty = specs["chart-satisfaction-segretariato-sociale"]
    assert empty["series"][0]["values"] == [None, None]
    assert "2026-Q1: nessuna valutazione" in empty["summary"]


def test_the_dashboards_tables_scroll_inside_their_own_container(client, measured):
    response, page = dashboard(client)
    services = response.context["data"]["services"]
    # The overall table, each service's commitments (where it has some) and satisfaction:
    # each in a container that scrolls sideways, reachable by keyboard, named by its caption.
    expected = 1 + sum(1 for s in services if s["commitments"]) + len(services)
    wrapped = re.findall(
        r'<div class="table-responsive" tabindex="0" role="region" aria-labelledby="([^"]+)">'
        r"<table[^>]*>\s*<caption id=\"([^\"]+)\"",
        page,
    )
    assert len(wrapped) == expected == 4
    assert all(label == caption for label, caption in wrapped)
    assert "fb-bar" not in page and 'style="height' not in page


def test_the_service_page_charts_the_latest_result_of_each_commitment(client, measured):
    page = client.get("/carta/servizi/assistenza-domiciliare/").content.decode()
    specs = chart_specs(page)
    attivazione = specs[f"chart-latest-{measured.attivazione.pk}"]
    assert attivazione["labels"] == ["2026-Q2"]
    assert attivazione["series"][0]["values"] == [12.5]
    assert attivazione["target"] == {"value": 30.0, "label": "Obiettivo: ≤ 30 giorni"}
    assert attivazione["horizontal"] and attivazione["size"] == "small"
    soddisfatti = specs[f"chart-latest-{measured.soddisfatti.pk}"]
    assert soddisfatti["series"][0]["values"] == [91.0]
    # The table beside the charts has the same latest values.
    rows = page.split('<tr class="result">')[1:]
    assert "12,50 giorni" in rows[0] and "91 %" in rows[1]
    assert "/static/carta/js/charts.js" in page


def test_a_service_without_measurements_has_no_chart(client, carta):
    page = client.get("/carta/servizi/assistenza-domiciliare/").content.decode()
    assert chart_specs(page) == {}
    assert "/static/carta/js/charts.js" not in page
