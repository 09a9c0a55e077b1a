"""The home page shows what is alive: the Carta's consultation phase, open and coming
consultations, recent proposals, the latest figures of the commitments; each block for whom
is asking, hidden content never, and a fixed number of queries whatever the data."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations.charter.models import RevisionStatus
from feedback.home_block import figures
from proposals.states import ProposalState
from tests.factories import ConsultationFactory, ProposalFactory, carta_revision

pytestmark = pytest.mark.django_db


def _home(client) -> str:
    return client.get(reverse("home")).content.decode()


def test_the_home_page_shows_what_is_open_now(client):
    now = timezone.now()
    carta_revision(
        7,
        status=RevisionStatus.IN_CONSULTATION,
        title="Bozza 2027",
        consultation_closes_at=now + datetime.timedelta(days=10),
    )
    ConsultationFactory(title="Priorità del Piano di Zona")
    ConsultationFactory(
        title="Orari dei centri diurni",
        opens_at=now + datetime.timedelta(days=3),
        closes_at=now + datetime.timedelta(days=9),
    )
    ProposalFactory(title="Orti sociali condivisi", state=ProposalState.PUBLISHED)
    ProposalFactory(title="Bozza non pubblicata", state=ProposalState.DRAFT)
    hidden = ProposalFactory(title="Proposta nascosta", state=ProposalState.PUBLISHED)
    type(hidden).objects.filter(pk=hidden.pk).update(hidden_at=now, hidden_reason="Spam")

    page = _home(client)
    assert "In corso" in page
    assert "Revisione 7: Bozza 2027" in page
    assert "Priorità del Piano di Zona" in page
    assert "Orari dei centri diurni" in page and "Apertura:" in page
    assert "Orti sociali condivisi" in page
    assert "Bozza non pubblicata" not in page
    assert "Proposta nascosta" not in page


def test_nothing_alive_shows_no_empty_section(client):
    page = _home(client)
    assert "In corso" not in page


def test_the_blocks_cost_the_same_queries_whatever_the_data(client, django_assert_max_num_queries):
    ConsultationFactory()
    ProposalFactory(state=ProposalState.PUBLISHED)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        _home(client)
    for _ in range(10):
        ConsultationFactory()
        ProposalFactory(state=ProposalState.PUBLISHED)
    with django_assert_max_num_queries(len(few)):
        _home(client)


def _data(periods, services, satisfaction, complaints):
    return {
        "carta_in_force": True,
        "periods": periods,
        "services": services,
        "overall": {
            "satisfaction": {"total": satisfaction},
            "complaints": {"total": complaints},
        },
    }


def test_the_figures_are_the_latest_quarter_measured():
    met = {"met": True}
    unmet = {"met": False}
    services = [
        {"commitments": [{"periods": {"2026-Q2": met, "2026-Q3": unmet}}]},
        {"commitments": [{"periods": {"2026-Q2": met, "2026-Q3": met}}, {"periods": {}}]},
    ]
    shown = figures(
        _data(
            ["2026-Q2", "2026-Q3", "2026-Q4"],
            services,
            {"count": 12, "overall": 4.25},
            {"due": 10, "in_time_share": 0.9},
        )
    )
    assert shown == {
        "period": "2026-Q3",
        "period_label": "3º trimestre 2026",
        "met": 1,
        "measured": 2,
        "satisfaction": 4.25,
        "evaluations": 12,
        "in_time_share": 0.9,
        "complaints_due": 10,
    }


def test_no_figures_without_a_carta_or_anything_measured():
    assert figures({**_data([], [], {}, {}), "carta_in_force": False}) is None
    assert figures(_data(["2026-Q3"], [], {"count": 0, "overall": None}, {"due": 0})) is None
