"""Every role x every action of docs/permissions-voting.md, checked through the API."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from consultations.charter.models import RevisionStatus
from consultations.voting import ballots
from tests.factories import ConsultationFactory, UserFactory, carta_revision

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


def table() -> dict[str, dict[str, int]]:
    rows = [line for line in DOC.read_text().splitlines() if line.startswith("| ")]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    assert header[1:] == ROLES
    out = {}
    for line in rows[1:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        out[cells[0]] = {role: int(cells[i + 1]) for i, role in enumerate(ROLES)}
    return out


ACTIONS = {
    "view consultation, results, bulletin": "view",
    "check a receipt": "receipt",
    "view a consultation that does not exist": "view_missing",
    "vote as a citizen (electorate includes citizens)": "vote_citizen",
    "vote as a citizen where SPID/CIE is required, without an identity": "vote_spid",
    "vote for organization A (electorate includes organizations)": "vote_org",
    "vote in a consultation that does not exist": "vote_missing",
    "create a consultation": "create",
    "put a revision in consultation to a vote": "vote_on_revision",
    "edit a consultation before it opens": "edit",
    "edit a consultation that does not exist": "edit_missing",
    "close a consultation early, with a reason": "close",
    "read the size of the eligibility list": "eligibility_read",
    "replace the eligibility list before opening": "eligibility_replace",
    "clear the eligibility list before opening": "eligibility_clear",
}
FISCAL_CODES = ["RSSMRA80A01H501U", "BNCGLU85C55F205O"]
MISSING = 999999


def _upcoming(**extra):
    now = timezone.now()
    return ConsultationFactory(
        opens_at=now + datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=3),
        **extra,
    )


def _one_status(responses) -> int | tuple[int, ...]:
    """The status all ``responses`` share, or all of them when they differ."""
    codes = tuple(response.status_code for response in responses)
    return codes[0] if len(set(codes)) == 1 else codes


def attempt(action, client, org_a, answers_for) -> int | tuple[int, ...]:
    if action == "view":
        c = ConsultationFactory(results_visibility="live")
        base = f"/api/v1/consultations/{c.pk}/"
        return _one_status(
            client.get(path) for path in (base, f"{base}results/", f"{base}ballots/")
        )
    if action == "receipt":
        c = ConsultationFactory(secrecy="secret")
        receipt = ballots.cast_ballot(
            actor=UserFactory(), consultation=c, answers=answers_for(c)
        ).receipt
        return client.get(f"/api/v1/consultations/{c.pk}/receipts/{receipt}/").status_code
    if action == "view_missing":
        base = f"/api/v1/consultations/{MISSING}/"
        return _one_status(
            client.get(path) for path in (base, f"{base}results/", f"{base}ballots/")
        )
    if action == "vote_citizen":
        c = ConsultationFactory(electorate="both")
        body = {"answers": answers_for(c)}
        return client.post(
            f"/api/v1/consultations/{c.pk}/ballots/", body, format="json"
        ).status_code
    if action == "vote_spid":
        c = ConsultationFactory(electorate="both", identity_required="spid_cie")
        body = {"answers": answers_for(c)}
        return client.post(
            f"/api/v1/consultations/{c.pk}/ballots/", body, format="json"
        ).status_code
    if action == "vote_org":
        c = ConsultationFactory(electorate="both")
        body = {"answers": answers_for(c), "organization": org_a.pk}
        return client.post(
            f"/api/v1/consultations/{c.pk}/ballots/", body, format="json"
        ).status_code
    if action == "vote_missing":
        url = f"/api/v1/consultations/{MISSING}/ballots/"
        return client.post(url, {"answers": {}}, format="json").status_code
    if action == "create":
        now = timezone.now()
        body = {
            "title": "Nuova",
            "opens_at": (now + datetime.timedelta(days=1)).isoformat(),
            "closes_at": (now + datetime.timedelta(days=2)).isoformat(),
            "questions": [{"kind": "yes_no", "text": "D'accordo?"}],
        }
        return client.post("/api/v1/consultations/", body, format="json").status_code
    if action == "vote_on_revision":
        revision = carta_revision(None, RevisionStatus.IN_CONSULTATION, sections=1, services=0)
        return client.post(
            "/api/v1/consultations/on-revision/", {"revision": revision.pk}, format="json"
        ).status_code
    if action == "edit":
        c = _upcoming()
        return client.patch(
            f"/api/v1/consultations/{c.pk}/", {"title": "Cambiata"}, format="json"
        ).status_code
    if action == "edit_missing":
        return client.patch(
            f"/api/v1/consultations/{MISSING}/", {"title": "Cambiata"}, format="json"
        ).status_code
    if action == "close":
        c = ConsultationFactory()
        return client.post(
            f"/api/v1/consultations/{c.pk}/close/", {"reason": "Errore nel quesito"}, format="json"
        ).status_code
    if action.startswith("eligibility_"):
        c = _upcoming(identity_required="spid_cie")
        url = f"/api/v1/consultations/{c.pk}/eligibility/"
        if action == "eligibility_read":
            return client.get(url).status_code
        if action == "eligibility_replace":
            return client.post(url, {"fiscal_codes": FISCAL_CODES}, format="json").status_code
        return client.delete(url).status_code
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
