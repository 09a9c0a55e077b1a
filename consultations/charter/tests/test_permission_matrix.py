"""Every Carta action, as every persona, against the table in docs/permissions-carta.md
(the table is the source of truth): each answer's status code is the cell's, exactly."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from consultations.charter import services
from consultations.charter.models import RevisionStatus
from tests.factories import AmendmentFactory, UserFactory, carta_revision

DOC = Path(__file__).resolve().parents[3] / "docs" / "permissions-carta.md"
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
API = "/api/v1/carta/revisions/"


STATUSES = {"200", "201", "401", "403", "404", "409"}


def read_matrix() -> dict[str, dict[str, int]]:
    """``{action: {persona: status}}`` from the table's rows."""
    matrix = {}
    for line in DOC.read_text().splitlines():
        if not line.startswith("| `"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        statuses = cells[2:]
        assert len(statuses) == len(PERSONAS), line
        assert set(statuses) <= STATUSES, line
        matrix[cells[0].strip("`")] = {
            p: int(status) for p, status in zip(PERSONAS, statuses, strict=True)
        }
    return matrix


MATRIX = read_matrix()


@pytest.fixture
def world(db, org_a, rep_a, editor_a, member_a, member_b):
    in_force = carta_revision(1, RevisionStatus.ADOPTED)
    consultation = carta_revision(2, RevisionStatus.IN_CONSULTATION, based_on=in_force)
    shared = carta_revision(3, RevisionStatus.DRAFT, based_on=in_force)
    shared.shared_with_network_at = shared.created_at
    shared.save()
    private = carta_revision(4, RevisionStatus.DRAFT, based_on=in_force)
    someone = UserFactory(username="qualcuno")
    comment = services.post_comment(
        actor=someone, revision=consultation, section_key="sezione-1", body="Osservazione."
    )
    from consultations.charter.models import Comment

    draft_comment = Comment.objects.create(
        revision=private, section_key="sezione-1", author=someone, body="Nota interna."
    )
    amendment = AmendmentFactory(revision=consultation, target_key="sezione-1", author=someone)
    return {
        "in_force": in_force.pk,
        "consultation": consultation.pk,
        "shared": shared.pk,
        "private": private.pk,
        "comment": comment.pk,
        "draft_comment": draft_comment.pk,
        "amendment": amendment.pk,
        "org_a": org_a.pk,
        "private_service": private.services.get(key="servizio-1").pk,
        "in_force_service": in_force.services.get(key="servizio-1").pk,
    }


# The act that adopts revision 2 (dated well in the past: the act's date may not be in
# the future).
ACT = {"act_body": "Assemblea dei Sindaci dell'Ambito", "act_number": "7", "act_date": "2024-03-01"}


def _settle(w) -> bool:
    """An editor answers revision 2's comment and rejects its amendment, so that nothing
    holds its adoption back."""
    from consultations.charter.models import Amendment, Comment

    editor = UserFactory(username="redazione_esiti", is_superuser=True)
    services.record_outcome(
        actor=editor, comment=Comment.objects.get(pk=w["comment"]), outcome="accepted"
    )
    services.reject_amendment(
        actor=editor, amendment=Amendment.objects.get(pk=w["amendment"]), reason="Superato."
    )
    return True


def perform(action: str, client, w) -> int:  # noqa: C901 - one branch per row of the table
    r1, r2, r3, r4 = (f"{API}{w[k]}/" for k in ("in_force", "consultation", "shared", "private"))
    comment_body = {"section_key": "sezione-1", "body": "Un contributo."}
    amendment_body = {"kind": "section", "target_key": "sezione-2", "new_text": "Altro testo."}
    amendment = f"{r2}amendments/{w['amendment']}/"
    flag = {"target_type": "consultations.comment", "target_id": w["comment"], "reason": "Spam"}
    calls = {
        "revision.view_in_force": lambda: client.get(r1),
        "revision.view_consultation": lambda: client.get(r2),
        "revision.view_shared_draft": lambda: client.get(r3),
        "revision.view_draft": lambda: client.get(r4),
        "revision.diff": lambda: client.get(f"{r2}diff/?against={w['in_force']}"),
        "revision.report": lambda: client.get(f"{r2}report/"),
        "revision.open_data": lambda: client.get(f"{r1}open-data/"),
        "service.list": lambda: client.get("/api/v1/services/"),
        "revision.create": lambda: client.post(API, {"title": "Nuova"}, format="json"),
        "revision.import": lambda: client.post(
            f"{API}import/",
            {"file": SimpleUploadedFile("c.md", b"# Carta\n\n## Uno\n\nTesto.")},
            format="multipart",
        ),
        "revision.update": lambda: client.patch(r4, {"title": "Titolo"}, format="json"),
        "section.edit": lambda: client.patch(
            f"{r4}sections/sezione-1/", {"body": "Nuovo."}, format="json"
        ),
        "service.create": lambda: client.post(
            "/api/v1/services/",
            {"revision": w["private"], "key": "nuovo", "title": "Nuovo", "area": "poverty"},
            format="json",
        ),
        "service.edit": lambda: client.patch(
            f"/api/v1/services/{w['private_service']}/", {"title": "Nuovo"}, format="json"
        ),
        "service.edit_in_force": lambda: client.patch(
            f"/api/v1/services/{w['in_force_service']}/", {"title": "Nuovo"}, format="json"
        ),
        "revision.share": lambda: client.post(f"{r4}share/"),
        "revision.open_consultation": lambda: client.post(
            f"{r4}open-consultation/", {"closes_at": "2099-10-08"}, format="json"
        ),
        "revision.extend_consultation": lambda: client.post(
            f"{r2}extend-consultation/", {"closes_at": "2099-10-08"}, format="json"
        ),
        "revision.adopt_not_ready": lambda: client.post(f"{r2}adopt/", ACT, format="json"),
        "revision.adopt": lambda: _settle(w) and client.post(f"{r2}adopt/", ACT, format="json"),
        "revision.readiness": lambda: client.get(f"{r2}readiness/"),
        "revision.readiness_draft": lambda: client.get(f"{r4}readiness/"),
        "section.edit_in_force": lambda: client.patch(
            f"{r1}sections/sezione-1/", {"body": "Nuovo."}, format="json"
        ),
        "comment.create": lambda: client.post(f"{r2}comments/", comment_body, format="json"),
        "comment.create_shared_draft": lambda: client.post(
            f"{r3}comments/", comment_body, format="json"
        ),
        "comment.create_in_force": lambda: client.post(
            f"{r1}comments/", comment_body, format="json"
        ),
        "comment.as_org_a": lambda: client.post(
            f"{r2}comments/", {**comment_body, "organization": w["org_a"]}, format="json"
        ),
        "comment.reply": lambda: client.post(
            f"{r2}comments/", {"parent": w["comment"], "body": "Risposta."}, format="json"
        ),
        "comment.outcome": lambda: client.post(
            f"{r2}comments/{w['comment']}/outcome/", {"outcome": "accepted"}, format="json"
        ),
        "amendment.create": lambda: client.post(f"{r2}amendments/", amendment_body, format="json"),
        "amendment.create_in_force": lambda: client.post(
            f"{r1}amendments/", amendment_body, format="json"
        ),
        "amendment.support": lambda: client.post(f"{amendment}support/", {}, format="json"),
        "amendment.support_as_org_a": lambda: client.post(
            f"{amendment}support/", {"organization": w["org_a"]}, format="json"
        ),
        "amendment.accept": lambda: client.post(f"{amendment}accept/", {}, format="json"),
        "amendment.reject": lambda: client.post(
            f"{amendment}reject/", {"reason": "Non pertinente."}, format="json"
        ),
        "content.flag": lambda: client.post("/api/v1/flags/", flag, format="json"),
        "content.flag_draft_comment": lambda: client.post(
            "/api/v1/flags/", {**flag, "target_id": w["draft_comment"]}, format="json"
        ),
        "content.hide": lambda: client.post(
            "/api/v1/flags/hide/", {**flag, "reason": "Offensivo"}, format="json"
        ),
    }
    return calls[action]().status_code


CASES = [(action, persona) for action in MATRIX for persona in PERSONAS]


def test_every_row_of_the_table_is_performed():
    assert len(MATRIX) >= 30


@pytest.mark.parametrize(("action", "persona"), CASES, ids=[f"{a}-{p}" for a, p in CASES])
def test_permission_matrix(request, api_as, world, action, persona):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    assert perform(action, api_as(user), world) == MATRIX[action][persona], f"{action} as {persona}"
