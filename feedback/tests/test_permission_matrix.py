"""Every feedback action, as every persona, against docs/permissions-feedback.md: ✓ is a
success, ``filtered`` a success whose answer leaves out what was asked for, any other cell
the exact refusal (a status code, or ``login`` for the login page)."""

from pathlib import Path

import pytest
from django.utils import timezone

from carta.services import record_audit
from feedback.models import ComplaintStatus
from tests.factories import ComplaintFactory

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions-feedback.md"
PERSONAS = ["anonymous", "citizen", "complaint_officer", "moderator", "admin", "member_a"]
OTHER_CODE = "RCL-ABCD-EFGH-JKMN"


def read_matrix() -> dict[str, dict[str, str]]:
    matrix = {}
    for line in DOC.read_text().splitlines():
        if not line.startswith("| `") or "`feedback." in line:
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        marks = cells[2:]
        assert len(marks) == len(PERSONAS), line
        matrix[cells[0].strip("`")] = dict(zip(PERSONAS, marks, strict=True))
    return matrix


MATRIX = read_matrix()


@pytest.fixture
def world(carta, citizen, complaint_officer, org_a):
    return {
        "service": carta.assistenza,
        "commitment": carta.attivazione,
        "own": ComplaintFactory(submitted_by=citizen),
        "other": ComplaintFactory(code=OTHER_CODE, contact_email="altro@example.org"),
        "closed": ComplaintFactory(
            submitted_by=citizen, status=ComplaintStatus.CLOSED, closed_at=timezone.now()
        ),
        "officer": complaint_officer,
    }


def ok(response, shows=lambda response: True) -> str:
    """What the table writes for an answer; ``shows`` tells whether a success carries what
    the action asked to see."""
    assert response.status_code < 500, response.content
    if response.status_code in (200, 201, 204):
        return "✓" if shows(response) else "filtered"
    if response.status_code == 302 and "/accedi/" in response["Location"]:
        return "login"
    return str(response.status_code)


def perform(action, client, page_client, w) -> str:
    own, other, closed = w["own"].pk, w["other"].pk, w["closed"].pk
    if action == "evaluate":
        rating = {"access": 3, "timeliness": 3, "courtesy": 3, "clarity": 3, "overall": 3}
        return ok(client.post("/api/v1/evaluations/", {"service": w["service"].pk, **rating}))
    if action == "list_all_evaluations":
        from feedback.models import Evaluation

        Evaluation.objects.create(
            service=w["service"],
            service_key=w["service"].key,
            access=1,
            timeliness=1,
            courtesy=1,
            clarity=1,
            overall=1,
            created_at=timezone.now(),
            period="2026-Q1",
        )
        return ok(client.get("/api/v1/evaluations/"), lambda r: r.json()["count"] >= 1)
    if action == "submit_complaint":
        return ok(
            client.post(
                "/api/v1/complaints/",
                {"category": "suggestion", "description": "Orari.", "privacy_consent": True},
            )
        )
    if action == "track_complaint":
        return ok(
            client.post(
                "/api/v1/complaints/track/", {"code": OTHER_CODE, "email": "altro@example.org"}
            )
        )
    if action == "view_own_complaint":
        return ok(client.get(f"/api/v1/complaints/{own}/"))
    if action == "view_other_complaint":
        return ok(client.get(f"/api/v1/complaints/{other}/"))
    if action == "see_contact_data":
        return ok(client.get(f"/api/v1/complaints/{own}/"), lambda r: "contact_email" in r.json())
    if action == "list_all_complaints":
        return ok(
            client.get("/api/v1/complaints/"),
            lambda r: other in [c["id"] for c in r.json()["results"]],
        )
    if action == "assign_complaint":
        return ok(client.post(f"/api/v1/complaints/{other}/assign/", {"assignee": w["officer"].pk}))
    if action == "answer_complaint":
        return ok(client.post(f"/api/v1/complaints/{other}/answer/", {"answer": "Risposta."}))
    if action == "close_complaint":
        return ok(client.post(f"/api/v1/complaints/{other}/close/", {"reason": "Duplicato."}))
    if action in ("judge_complaint", "judge_own_complaint"):
        judged = {"judgement": "founded", "judgement_reason": "Attesa oltre l'impegno."}
        if action == "judge_complaint":
            return ok(
                client.post(f"/api/v1/complaints/{other}/answer/", {"answer": "Sì.", **judged})
            )
        return ok(client.post(f"/api/v1/complaints/{own}/close/", {"reason": "Ok.", **judged}))
    if action == "record_complaint":
        return ok(
            client.post(
                f"/api/v1/complaints/{other}/record/",
                {"channel": "counter", "protocol_number": "PG 1/2026"},
            )
        )
    if action == "record_refund":
        from decimal import Decimal

        from feedback.models import Complaint

        commitment = w["commitment"]
        commitment.refund, commitment.refund_amount = "Rimborso della quota", Decimal("50")
        commitment.save()
        Complaint.objects.filter(pk=other).update(
            commitment=commitment, commitment_key=commitment.key, judgement="founded"
        )
        return ok(
            client.post(
                f"/api/v1/complaints/{other}/record/",
                {"refund_amount": "50.00", "refund_status": "due"},
            ),
            lambda r: r.json()["refund_status"] == "due",
        )
    if action in ("submit_provider_measurement", "validate_measurement"):
        from feedback import services
        from stakeholders.models import Organization

        provider = Organization.objects.get(legal_name="Cooperativa Sociale Il Melograno")
        w["service"].provider_organizations.add(provider)
        if action == "submit_provider_measurement":
            return ok(
                client.post(
                    "/api/v1/commitment-measurements/",
                    {
                        "commitment": w["commitment"].pk,
                        "period": "2025-Q4",
                        "value": "20",
                        "organization": provider.pk,
                    },
                ),
                lambda r: r.json()["status"] == "pending",
            )
        from tests.factories import MembershipFactory, UserFactory

        representative = MembershipFactory(
            user=UserFactory(username="rappresentante_matrice"),
            organization=provider,
            role="representative",
        ).user
        pending = services.submit_measurement(
            actor=representative,
            commitment=w["commitment"],
            organization=provider,
            period="2025-Q4",
            value="20",
        )
        return ok(
            client.post(
                f"/api/v1/commitment-measurements/{pending.pk}/validate/", {"accept": True}
            ),
            lambda r: r.json()["status"] == "validated",
        )
    if action == "reopen_own_complaint":
        return ok(client.post(f"/api/v1/complaints/{closed}/reopen/", {"reason": "Ancora."}))
    if action == "record_measurement":
        return ok(
            client.post(
                "/api/v1/commitment-measurements/",
                {"commitment": w["commitment"].pk, "period": "2025-Q4", "value": "20"},
            )
        )
    if action in ("correct_measurement", "see_measurement_recorder", "edit_improvement_action"):
        from feedback import services

        services.record_measurement(
            actor=w["officer"], commitment=w["commitment"], period="2025-Q3", value="45"
        )  # attivazione is at most 30 days: missed, an improvement action opens
    if action == "correct_measurement":
        return ok(
            client.post(
                "/api/v1/commitment-measurements/",
                {
                    "commitment": w["commitment"].pk,
                    "period": "2025-Q3",
                    "value": "29",
                    "reason": "Conteggio rivisto.",
                },
            )
        )
    if action == "view_measurement_history":
        return ok(client.get("/api/v1/commitment-measurements/history/"))
    if action == "see_measurement_recorder":
        return ok(
            client.get("/api/v1/commitment-measurements/history/", {"period": "2025-Q3"}),
            lambda r: r.json()["results"][0]["recorded_by"] != "",
        )
    if action == "list_improvement_actions":
        return ok(client.get("/api/v1/improvement-actions/", {"status": "open"}))
    if action == "edit_improvement_action":
        from feedback.models import ImprovementAction

        pk = ImprovementAction.objects.get().pk
        return ok(
            client.patch(
                f"/api/v1/improvement-actions/{pk}/",
                {"responsible": "Ufficio di Piano", "status": "in_progress"},
                format="json",
            )
        )
    if action == "view_dashboard":
        return ok(client.get("/api/v1/dashboard/"))
    if action == "view_staff_dashboard":
        return ok(page_client.get("/valuta-e-segnala/impegni/dettaglio/"))
    if action == "view_queue":
        return ok(page_client.get("/valuta-e-segnala/ufficio-reclami/"))
    if action == "download_own_data":
        return ok(client.get("/api/v1/me/data/"))
    if action == "issue_evaluation_codes":
        from feedback.models import EvaluationCode

        response = page_client.post(
            "/valuta-e-segnala/codici-di-valutazione/",
            {"service": w["service"].pk, "count": 2, "valid_days": 30, "email": ""},
        )
        return ok(response, lambda r: EvaluationCode.objects.count() == 2)
    if action == "evaluate_with_code":
        from feedback import services as feedback_services

        issued = feedback_services.issue_evaluation_codes(
            actor=w["officer"], service=w["service"], count=1
        )
        response = client.post(
            "/api/v1/evaluations/",
            {
                "service": w["service"].pk,
                "access": 4,
                "timeliness": 4,
                "courtesy": 4,
                "clarity": 4,
                "overall": 4,
                "code": issued.codes[0],
            },
            format="json",
        )
        return ok(response, lambda r: r.json().get("verified") is True)
    if action == "read_complaint_audit":
        record_audit(actor=w["officer"], verb="complaint.assigned", target=w["other"])
        return ok(
            client.get("/api/v1/audit/", {"object_type": "feedback.complaint"}),
            lambda r: r.json()["count"] >= 1,
        )
    raise AssertionError(f"unknown action {action}")


def test_every_action_of_the_table_is_tested():
    assert len(MATRIX) == 31


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", sorted(MATRIX))
def test_permission_matrix(request, api_as, client_as, world, persona, action):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    got = perform(action, api_as(user), client_as(user), world)
    assert got == MATRIX[action][persona], f"{persona} {action}: table {MATRIX[action][persona]}"
