"""The demo loader: complaints in every state, evaluations and measurements, idempotent."""

import io

import pytest

from carta import demo as core_demo
from consultations.charter.models import QualityCommitment
from feedback import demo, periods, selectors
from feedback.models import CommitmentMeasurement, Complaint, Evaluation, ImprovementAction

pytestmark = pytest.mark.django_db


def test_demo_loads_every_state_and_runs_twice_without_changes(carta):
    ctx = core_demo.DemoContext(stdout=io.StringIO())
    core_demo.load(ctx)
    demo.load(ctx)
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert statuses == {"received", "assigned", "answered", "closed"}
    # 150 in every state, and the three judged ones on the commitment that promises a refund.
    assert Complaint.objects.count() == 150 + len(demo.JUDGED)
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
    assert "nessuna Carta in vigore, non caricate" in out.getvalue()


def test_demo_tracking_code_works(api, carta):
    demo.load(core_demo.DemoContext(stdout=io.StringIO()))
    response = api.post(
        "/api/v1/complaints/track/",
        {"code": demo.DEMO_CODE, "email": f"segnalazione0@{demo.DEMO_DOMAIN}"},
    )
    assert response.status_code == 200


def test_demo_sets_the_deadline_rule_a_refund_and_judged_complaints(carta, complaint_officer):
    demo.load(core_demo.DemoContext(stdout=io.StringIO()))
    carta.attivazione.refresh_from_db()
    assert carta.attivazione.governs == ""
    deadline = QualityCommitment.objects.get(governs="complaint_deadline")
    assert (deadline.key, deadline.service, deadline.target_value) == (
        demo.DEMO_DEADLINE_KEY,
        carta.assistenza,
        30,
    )
    assert carta.attivazione.refund == demo.DEMO_REFUND
    judged = dict(
        Complaint.objects.filter(contact_name__startswith="Demo: ").values_list(
            "judgement", "refund_status"
        )
    )
    assert judged == {"founded": "due", "partly_founded": "due", "unfounded": ""}
    founded = Complaint.objects.get(judgement="founded", contact_name__startswith="Demo: ")
    assert (founded.deadline_days, founded.deadline_commitment) == (30, deadline)
    assert ImprovementAction.objects.filter(commitment_key=carta.attivazione.key).exists()
    demo.load(core_demo.DemoContext(stdout=io.StringIO()))
    assert Complaint.objects.filter(contact_name__startswith="Demo: ").count() == 3
    assert QualityCommitment.objects.filter(governs="complaint_deadline").count() == 1
