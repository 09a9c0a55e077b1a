"""Every role x every action of docs/permissions-voting.md, checked through the API."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from tests.factories import ConsultationFactory

DOC = Path(__file__).resolve().parents[3] / "docs" / "permissions-voting.md"
ROLES = [
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


def table() -> dict[str, dict[str, bool]]:
    rows = [line for line in DOC.read_text().splitlines() if line.startswith("| ")]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    assert header[1:] == ROLES
    out = {}
    for line in rows[1:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        out[cells[0]] = {role: cells[i + 1] == "yes" for i, role in enumerate(ROLES)}
    return out


ACTIONS = {
    "view consultation, results, bulletin, check receipt": "view",
    "vote as a citizen (electorate includes citizens)": "vote_citizen",
    "vote for organization A (electorate includes organizations)": "vote_org",
    "create a consultation": "create",
    "edit a consultation before it opens": "edit",
    "close a consultation early, with a reason": "close",
}


def _upcoming():
    now = timezone.now()
    return ConsultationFactory(
        opens_at=now + datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=3)
    )


def attempt(action, client, org_a, answers_for) -> bool:
    if action == "view":
        c = ConsultationFactory(results_visibility="live")
        return all(
            client.get(path).status_code == 200
            for path in (
                f"/api/v1/consultations/{c.pk}/",
                f"/api/v1/consultations/{c.pk}/results/",
                f"/api/v1/consultations/{c.pk}/ballots/",
            )
        )
    if action == "vote_citizen":
        c = ConsultationFactory(electorate="both")
        return (
            client.post(
                f"/api/v1/consultations/{c.pk}/ballots/", {"answers": answers_for(c)}, format="json"
            ).status_code
            == 201
        )
    if action == "vote_org":
        c = ConsultationFactory(electorate="both")
        body = {"answers": answers_for(c), "organization": org_a.pk}
        return (
            client.post(f"/api/v1/consultations/{c.pk}/ballots/", body, format="json").status_code
            == 201
        )
    if action == "create":
        now = timezone.now()
        body = {
            "title": "Nuova",
            "opens_at": (now + datetime.timedelta(days=1)).isoformat(),
            "closes_at": (now + datetime.timedelta(days=2)).isoformat(),
            "questions": [{"kind": "yes_no", "text": "D'accordo?"}],
        }
        return client.post("/api/v1/consultations/", body, format="json").status_code == 201
    if action == "edit":
        c = _upcoming()
        return (
            client.patch(
                f"/api/v1/consultations/{c.pk}/", {"title": "Cambiata"}, format="json"
            ).status_code
            == 200
        )
    if action == "close":
        c = ConsultationFactory()
        return (
            client.post(
                f"/api/v1/consultations/{c.pk}/close/",
                {"reason": "Errore nel quesito"},
                format="json",
            ).status_code
            == 200
        )
    raise AssertionError(action)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, request, api_as, org_a, answers_for):
    expected = table()
    assert set(expected) == set(ACTIONS)
    user = None if role == "anonymous" else request.getfixturevalue(role)
    client = api_as(user)
    got = {label: attempt(ACTIONS[label], client, org_a, answers_for) for label in ACTIONS}
    assert got == {label: expected[label][role] for label in ACTIONS}


@pytest.mark.django_db
def test_refusals_are_403_when_visible_and_409_after_opening(api_as, citizen, carta_editor):
    c = ConsultationFactory()
    assert (
        api_as(citizen)
        .patch(f"/api/v1/consultations/{c.pk}/", {"title": "x"}, format="json")
        .status_code
        == 403
    )
    response = api_as(carta_editor).patch(
        f"/api/v1/consultations/{c.pk}/", {"title": "x"}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "rules_frozen"
    assert (
        api_as(carta_editor)
        .patch("/api/v1/consultations/999999/", {"title": "x"}, format="json")
        .status_code
        == 404
    )
