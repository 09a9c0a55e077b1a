"""Every proposal action, as every persona, against the table in
docs/permissions-proposals.md (the table is the source of truth): ✓ is a success, any other
cell the exact refusal (a status code, or ``login`` for the login page)."""

import json
from pathlib import Path

import pytest
from django.utils import timezone

from proposals.models import Proposal, ProposalVersion
from proposals.states import ProposalState
from tests.factories import OrganizationFactory, PartnershipFactory, ProposalFactory

S = ProposalState
DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions-proposals.md"
PERSONAS = [
    "anonymous",
    "citizen",
    "rep_a",
    "editor_a",
    "member_a",
    "member_b",
    "moderator",
    "carta_editor",
    "admin",
]
SUCCESS = {200, 201, 204}


def read_matrix() -> dict[str, dict[str, str]]:
    matrix = {}
    for line in DOC.read_text().splitlines():
        if not line.startswith("| `"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        marks = cells[2:]
        if len(marks) != len(PERSONAS):
            continue  # the state-machine table above the matrix
        matrix[cells[0].strip("`")] = dict(zip(PERSONAS, marks, strict=True))
    return matrix


MATRIX = read_matrix()


@pytest.fixture
def world(org_a, org_b, rep_a, editor_a, member_a, member_b):
    org_x = OrganizationFactory(legal_name="Fondazione X")

    def a(state, **kwargs):
        return ProposalFactory(organization=org_a, state=state, **kwargs)

    x_draft = ProposalFactory(organization=org_x, state=S.DRAFT)
    PartnershipFactory(proposal=x_draft, organization=org_a, status="invited")
    # v1 was sent back before publication, v2 was published, v3 is the text in force.
    versioned = a(S.PUBLISHED)
    for number in (1, 2):
        ProposalVersion.objects.create(proposal=versioned, number=number, title="T", summary="S")
    Proposal.objects.filter(pk=versioned.pk).update(published_at=timezone.now())
    ProposalVersion.objects.create(proposal=versioned, number=3, title="T", summary="S")
    requested = a(S.PUBLISHED)
    PartnershipFactory(proposal=requested, organization=org_b, status="requested")
    return {
        "a": org_a,
        "b": org_b,
        "draft": a(S.DRAFT),
        "submitted": a(S.SUBMITTED),
        "published": a(S.PUBLISHED),
        "under_evaluation": a(S.UNDER_EVALUATION),
        "changes_requested": a(S.CHANGES_REQUESTED),
        "rejected_unpublished": a(S.REJECTED),
        "hidden": a(S.PUBLISHED, hidden_at=timezone.now(), hidden_reason="Fuori tema"),
        "requested": requested,
        "versioned": versioned,
        "x_draft": x_draft,
        "x_published": ProposalFactory(organization=org_x, state=S.PUBLISHED),
    }


def outcome(response) -> str:
    """What the table writes for an answer."""
    if response.status_code in SUCCESS:
        return "✓"
    if response.status_code == 302 and "/accedi/" in response["Location"]:
        return "login"
    return str(response.status_code)


def perform(action: str, client, w):
    base = "/api/v1/proposals/"

    def url(key, suffix=""):
        return f"{base}{w[key].pk}/{suffix}"

    if action == "list":
        return client.get(f"{base}?q=proposta")
    if action == "read_early_version":
        return client.get(url("versioned", "versions/1/"))
    if action == "redact_version":
        return client.post(url("versioned", "versions/2/redact/"), {"reason": "Dati sanitari"})
    if action.startswith("view_"):
        return client.get(url(action.removeprefix("view_")))
    if action == "create":
        data = {"organization": w["a"].pk, "title": "T", "summary": "S", "area": "elderly"}
        return client.post(base, data)
    if action in ("edit_draft", "edit_under_evaluation"):
        key = action.removeprefix("edit_")
        body = json.dumps({"title": "Nuovo titolo"})
        return client.patch(url(key), body, content_type="application/json")
    transitions = {
        "submit": ("draft", "submit"),
        "resubmit": ("changes_requested", "resubmit"),
        "publish": ("submitted", "publish"),
        "start_evaluation": ("published", "start-evaluation"),
        "request_changes_submitted": ("submitted", "request-changes"),
        "request_changes_under_evaluation": ("under_evaluation", "request-changes"),
        "accept": ("under_evaluation", "accept"),
        "reject_submitted": ("submitted", "reject"),
        "reject_under_evaluation": ("under_evaluation", "reject"),
        "withdraw": ("published", "withdraw"),
    }
    if action in transitions:
        key, name = transitions[action]
        return client.post(url(key, f"{name}/"), {"reason": "Motivo"})
    if action == "partner_invite":
        return client.post(url("draft", "partners/"), {"organization": w["b"].pk})
    if action == "partner_accept_invitation":
        return client.post(url("x_draft", f"partners/{w['a'].pk}/accept/"))
    if action == "partner_request":
        data = {"organization": w["a"].pk, "kind": "request"}
        return client.post(url("x_published", "partners/"), data)
    if action == "partner_decide_request":
        return client.post(url("requested", f"partners/{w['b'].pk}/accept/"))
    if action == "comment":
        return client.post(url("published", "comments/"), {"body": "Bene"})
    if action == "comment_as_org_a":
        data = {"body": "Bene", "organization": w["a"].pk}
        return client.post(url("published", "comments/"), data)
    if action == "endorse":
        return client.post(url("x_published", "endorsements/"))
    if action == "endorse_as_org_a":
        data = {"organization": w["a"].pk}
        return client.post(url("x_published", "endorsements/"), data)
    target = {"target_type": "proposals.proposal", "target_id": w["published"].pk}
    if action == "flag":
        return client.post("/api/v1/flags/", {**target, "reason": "Spam"})
    if action == "hide":
        return client.post("/api/v1/flags/hide/", {**target, "reason": "Spam"})
    if action == "moderation_queue":
        return client.get("/proposte/moderazione/")
    if action == "evaluation_page":
        return client.get("/proposte/valutazione/")
    raise AssertionError(f"the matrix names an action the test does not know: {action}")


def test_the_table_covers_every_action_of_the_api():
    assert len(MATRIX) >= 30
    for name in ("submit", "resubmit", "publish", "start_evaluation", "accept", "withdraw"):
        assert name in MATRIX


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", sorted(MATRIX))
def test_permission_matrix(action, persona, request, client_as, world):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    got = outcome(perform(action, client_as(user), world))
    assert got == MATRIX[action][persona], f"{persona} {action}: table {MATRIX[action][persona]}"
