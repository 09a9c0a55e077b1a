"""The demo loader: complaints in every state, evaluations and measurements, idempotent."""

import io

import pytest

from carta import demo as core_demo
from feedback import demo, periods, selectors
from feedback.models import CommitmentMeasurement, Complaint, Evaluation, ImprovementAction

pytestmark = pytest.mark.django_db


def test_demo_loads_every_state_and_runs_twice_without_changes(carta):
    ctx = core_demo.DemoContext(stdout=io.StringIO())
    core_demo.load(ctx)
    demo.load(ctx)
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert statuses == {"received", "assigned", "answered", "closed"}
    assert Complaint.objects.count() == 150
    assert selectors.overdue(Complaint.objects.all()).exists()
    assert Evaluation.objects.count() == 2000
    # Four quarters of two commitments, and one correction (a second version).
    assert CommitmentMeasurement.objects.count() == 2 * 4 + 1
    latest = selectors.latest_measurements()
    assert latest.count() == 8 and latest.filter(version=2, reason__gt="").count() == 1
    shown = ImprovementAction.objects.get(
        commitment_key=carta.attivazione.key, period=periods.recent_quarters(1)[0]
    )
    assert shown.status == "in_progress" and shown.description and shown.due_date
    assert shown.measurement.value > carta.attivazione.target_value  # at most 30: missed
    actions = ImprovementAction.objects.count()
    counts = (Complaint.objects.count(), Evaluation.objects.count())
    demo.load(core_demo.DemoContext(stdout=io.StringIO()))
    assert (Complaint.objects.count(), Evaluation.objects.count()) == counts
    assert CommitmentMeasurement.objects.count() == 9
    assert ImprovementAction.objects.count() == actions


def test_demo_without_a_carta_skips_the_service_linked_parts():
    out = io.StringIO()
    ctx = core_demo.DemoContext(stdout=out)
    core_demo.load(ctx)
    demo.load(ctx)
    assert Complaint.objects.count() == 150
    assert not Evaluation.objects.exists()
    assert "skipped" in out.getvalue()


def test_demo_tracking_code_works(api, carta):
    demo.load(core_demo.DemoContext(stdout=io.StringIO()))
    response = api.post(
        "/api/v1/complaints/track/",
        {"code": demo.DEMO_CODE, "email": f"segnalazione0@{demo.DEMO_DOMAIN}"},
    )
    assert response.status_code == 200
