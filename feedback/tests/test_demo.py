"""The demo loader: complaints in every state, evaluations and measurements, idempotent."""

import io

import pytest

from carta import demo as core_demo
from feedback import demo, selectors
from feedback.models import CommitmentMeasurement, Complaint, Evaluation

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
    assert CommitmentMeasurement.objects.count() == 2 * 4
    counts = (Complaint.objects.count(), Evaluation.objects.count())
    demo.load(core_demo.DemoContext(stdout=io.StringIO()))
    assert (Complaint.objects.count(), Evaluation.objects.count()) == counts
    assert CommitmentMeasurement.objects.count() == 8


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
