"""Every organization and resource action, as every persona, against the table in
docs/permissions-stakeholders.md (the table is the source of truth): ✓ is a success, any
other cell the exact status of the refusal."""

import datetime
import secrets
from pathlib import Path

import pytest
from django.utils import timezone

from stakeholders import services
from stakeholders.models import Invitation, Organization, OrganizationStatus, Visibility
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    ResourceFactory,
    UserFactory,
    make_tax_code,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions-stakeholders.md"
PERSONAS = [
    "anonymous",
    "citizen",
    "rep_a",
    "editor_a",
    "member_a",
    "member_b",
    "moderator",
    "admin",
]


def read_matrix() -> dict[str, dict[str, str]]:
    matrix = {}
    for line in DOC.read_text().splitlines():
        if not line.startswith("| `"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        action = cells[0].strip("`")
        marks = cells[2:]
        assert len(marks) == len(PERSONAS), line
        matrix[action] = dict(zip(PERSONAS, marks, strict=True))
    return matrix


MATRIX = read_matrix()


@pytest.fixture
def world(org_a, org_b, rep_a, editor_a, member_a, member_b):
    pending = OrganizationFactory(legal_name="Gruppo in attesa", status=OrganizationStatus.PENDING)
    suspended = OrganizationFactory(legal_name="APS sospesa", status=OrganizationStatus.SUSPENDED)
    extra = MembershipFactory(organization=org_a, user=UserFactory(username="extra_a")).user
    return {
        "a": org_a,
        "pending": pending,
        "suspended": suspended,
        "extra": extra,
        "public": ResourceFactory(organization=org_a, visibility=Visibility.PUBLIC),
        "network": ResourceFactory(organization=org_a, visibility=Visibility.NETWORK),
        "suspended_resource": ResourceFactory(organization=suspended),
        "rep_a": rep_a,
    }


def invitation_to(w, email: str) -> str:
    """The token of an open invitation to A for ``email``, written directly: for a person
    already in A it stands for an invitation sent before the person joined."""
    token = secrets.token_urlsafe(16)
    Invitation.objects.create(
        organization=w["a"],
        email=email,
        token_hash=Invitation.hash_token(token),
        expires_at=timezone.now() + datetime.timedelta(days=7),
        invited_by=w["rep_a"],
    )
    return token


def perform(action: str, client, w, user) -> int:
    a = w["a"].pk
    orgs = "/api/v1/organizations/"
    members = f"{orgs}{a}/members/"
    resource = f"/api/v1/resources/{w['public'].pk}/"
    if action == "org.list":
        return client.get(orgs).status_code
    if action == "org.view":
        return client.get(f"{orgs}{a}/").status_code
    if action == "org.view_pending":
        return client.get(f"{orgs}{w['pending'].pk}/").status_code
    if action == "org.view_suspended":
        return client.get(f"{orgs}{w['suspended'].pk}/").status_code
    if action == "org.apply":
        data = {"legal_name": "Nuova APS", "kind": "aps", "tax_code": make_tax_code(5151)}
        return client.post(orgs, data).status_code
    if action == "org.update":
        return client.patch(f"{orgs}{a}/", {"description": "Aggiornata"}).status_code
    if action == "org.members.list":
        return client.get(members).status_code
    if action == "org.members.invite":
        return client.post(members, {"email": "nuova@example.org"}).status_code
    if action == "org.members.add":
        UserFactory(username="da_aggiungere")
        return client.post(members, {"username": "da_aggiungere"}).status_code
    if action == "org.members.change_role":
        return client.patch(f"{members}{w['extra'].pk}/", {"role": "editor"}).status_code
    if action == "org.members.remove":
        return client.delete(f"{members}{w['extra'].pk}/").status_code
    if action == "org.leave":
        return client.post(f"{orgs}{a}/leave/").status_code
    if action == "org.invitation.revoke":
        invitation, _token = services.invite_member(
            actor=w["rep_a"], organization=w["a"], email="revoca@example.org"
        )
        return client.delete(f"{orgs}{a}/invitations/{invitation.pk}/").status_code
    if action == "org.invitation.accept":
        token = invitation_to(w, user.email if user else "invito@example.org")
        return client.post(f"/api/v1/invitations/{token}/accept/").status_code
    if action in ("org.invitation.accept_other", "org.invitation.decline_other"):
        token = invitation_to(w, "qualcun.altro@example.org")
        answer = action.removeprefix("org.invitation.").removesuffix("_other")
        return client.post(f"/api/v1/invitations/{token}/{answer}/").status_code
    if action == "org.verify":
        return client.post(f"{orgs}{w['pending'].pk}/verify/", {}).status_code
    if action == "org.verify_without_pact":
        bare = OrganizationFactory(status=OrganizationStatus.PENDING, pact_accepted_at=None)
        return client.post(f"{orgs}{bare.pk}/verify/", {}).status_code
    if action == "org.pact.accept":
        # A's pact never accepted (an organization verified before the rule).
        Organization.objects.filter(pk=a).update(pact_accepted_at=None)
        return client.post(f"{orgs}{a}/pact/", {"accept": True}).status_code
    if action == "org.pact.accept_current":
        return client.post(f"{orgs}{a}/pact/", {"accept": True}).status_code
    if action == "org.reject":
        return client.post(
            f"{orgs}{w['pending'].pk}/reject/", {"reason": "Dati incompleti"}
        ).status_code
    if action == "org.suspend":
        return client.post(f"{orgs}{a}/suspend/", {"reason": "Verifica"}).status_code
    if action == "org.reinstate":
        return client.post(f"{orgs}{w['suspended'].pk}/reinstate/", {}).status_code
    if action == "resource.list":
        return client.get("/api/v1/resources/").status_code
    if action == "resource.view_public":
        return client.get(resource).status_code
    if action == "resource.view_network":
        return client.get(f"/api/v1/resources/{w['network'].pk}/").status_code
    if action == "resource.view_suspended":
        return client.get(f"/api/v1/resources/{w['suspended_resource'].pk}/").status_code
    if action == "resource.create":
        data = {"organization": a, "kind": "space", "title": "Sala civica"}
        return client.post("/api/v1/resources/", data).status_code
    if action == "resource.update":
        return client.patch(resource, {"title": "Sala rinnovata"}).status_code
    if action == "resource.delete":
        return client.delete(resource).status_code
    if action.startswith(("resource.", "org.")) and action.split(".", 1)[1] in MODERATION:
        return moderate(action, client, w)
    raise AssertionError(f"the matrix names an action the test does not know: {action}")


# Flagging, hiding and restoring resources and profiles (``carta.moderation``, the flags
# API); a hidden target is hidden first by a moderator of the fixture world.
MODERATION = {"flag", "hide", "restore", "view_hidden", "request_review"}


def moderate(action: str, client, w) -> int:
    from carta import moderation

    kind, verb = action.split(".", 1)
    target = w["public"] if kind == "resource" else w["a"]
    body = {
        "target_type": f"stakeholders.{'resource' if kind == 'resource' else 'organization'}",
        "target_id": target.pk,
        "reason": "Dati personali nel testo",
    }
    if verb == "flag":
        return client.post("/api/v1/flags/", body).status_code
    if verb == "hide":
        return client.post("/api/v1/flags/hide/", body).status_code
    moderator = UserFactory(username="moderatrice_del_mondo", groups=["moderators"])
    moderation.hide_content(actor=moderator, target=target, reason="Dati personali")
    if verb == "restore":
        return client.post("/api/v1/flags/restore/", body).status_code
    if verb == "request_review":
        return client.post("/api/v1/flags/request-review/", body).status_code
    if kind == "resource":
        return client.get(f"/api/v1/resources/{target.pk}/").status_code
    return client.get(f"/api/v1/organizations/{target.pk}/").status_code


def test_the_table_covers_every_persona_and_action():
    assert len(MATRIX) >= 20
    assert all(set(row) == set(PERSONAS) for row in MATRIX.values())


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", sorted(MATRIX))
def test_permission_matrix(action, persona, request, api_as, world):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    status = perform(action, api_as(user), world, user)
    got = "✓" if status in (200, 201, 204) else str(status)
    assert got == MATRIX[action][persona], f"{persona} on {action}: {got}"
