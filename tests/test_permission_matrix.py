"""The whole-platform permission matrix.

``docs/permissions.md`` holds, for every route of the platform (pages and API, from the
URL configuration), what each persona gets when reading it with GET, on a fixed world of
objects (below). This test:

1. checks that every route of the URL configuration (and every path of the OpenAPI
   schema) is in the table, so that no route escapes review;
2. requests every row as every persona and compares the answer with the table;
3. checks that content a persona may not see (private markers planted in drafts,
   pending organizations, network-only resources, hidden comments, other people's
   complaints and notifications) appears in no list, search or export they can read.

The writes (POST, PATCH, DELETE) of every route are checked action by action by each
app's own matrix test, against its own table (linked from docs/permissions.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "permissions.md"
PERSONAS = [
    "anonymous",
    "citizen",
    "rep_a",
    "member_b",
    "moderator",
    "carta_editor",
    "complaint_officer",
    "admin",
    "unverified",
    "spid_citizen",
]
# What a response means, as written in the table.
LOGIN = "login"
# The audit log records every change, reasons and object names included, for every staff
# role: it is checked on its own (who may read it at all) rather than marker by marker.
AUDIT_ROUTES = {"audit", "audit-list", "audit-detail"}
# Markers planted in private content, and who may read each one.
STAFF = {"moderator", "carta_editor", "complaint_officer", "admin"}
PRIVATE = {
    "PEND7Q": STAFF,  # a pending organization
    "NET7Q": STAFF | {"rep_a", "member_b"},  # a resource for the network only
    "DRAFT7Q": {"rep_a", "admin"},  # a draft proposal of organization A
    "HID7Q": {"citizen", "moderator", "admin"},  # a comment hidden by moderation
    "REV7Q": {"carta_editor", "admin"},  # an unshared draft revision of the Carta
    "CMP7Q": {"citizen", "complaint_officer", "admin"},  # a complaint and its sender
    "NOT7Q": {"citizen"},  # a notification for the citizen
    "AUD7Q": STAFF,  # an audit row
    "FLG7Q": {"citizen", "moderator", "admin"},  # a flag and its reason
}


@pytest.fixture
def unverified(db):
    """A citizen whose email address is not confirmed."""
    from tests.factories import UserFactory

    return UserFactory(username="non-confermata", verified=False)


@pytest.fixture
def spid_citizen(db):
    """A citizen signed in with SPID: an identity, no confirmed address."""
    from carta.models import Identity
    from tests.factories import UserFactory

    person = UserFactory(username="con-spid", verified=False)
    Identity.objects.create(
        user=person,
        fiscal_code="BNCGLU85C55F205O",
        provider="spid",
        level=2,
        verified_at=timezone.now(),
    )
    return person


def outcome(response) -> str:
    if response.status_code in (301, 302):
        return LOGIN if "/accedi/" in response["Location"] else "302"
    return str(response.status_code)


# --- The table -------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    name: str
    variant: str
    expected: dict[str, str]


def read_table() -> tuple[list[Row], set[str]]:
    """Rows of the "Routes" table and the names listed as write-only."""
    rows, write_only = [], set()
    section = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].strip().lower()
            continue
        if not line.startswith("| `"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        name, _sep, variant = cells[0].strip("`").partition(" ")
        if section and section.startswith("routes read with get"):
            rows.append(Row(name, variant.strip("[]"), dict(zip(PERSONAS, cells[1:], strict=True))))
        elif section and section.startswith("routes that only write"):
            write_only.add(name)
    return rows, write_only


def url_names() -> set[str]:
    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield pattern.name

    return set(walk(get_resolver().url_patterns))


# --- The world -------------------------------------------------------------------------


@pytest.fixture
def world(db, citizen, rep_a, member_b, moderator, carta_editor, complaint_officer, admin):
    """One object of every kind, public and private, and the URL arguments that reach them."""
    from carta import moderation
    from carta.services import notify, record_audit
    from consultations.charter.models import RevisionStatus
    from feedback import services as feedback_services
    from proposals.models import ProposalComment, ProposalVersion
    from proposals.states import ProposalState
    from stakeholders import services as stakeholder_services
    from stakeholders.models import Organization, OrganizationStatus
    from tests.factories import (
        AmendmentFactory,
        CommentFactory,
        ConsultationFactory,
        OrganizationFactory,
        ProposalCommentFactory,
        ProposalFactory,
        ResourceFactory,
        UserFactory,
        carta_revision,
    )

    org_a = Organization.objects.get(memberships__user=rep_a)
    pending = OrganizationFactory(
        legal_name="Associazione PEND7Q in attesa", status=OrganizationStatus.PENDING
    )
    public_resource = ResourceFactory(organization=org_a, visibility="public", title="Sala")
    network_resource = ResourceFactory(
        organization=org_a, visibility="network", title="Furgone NET7Q"
    )
    invitation, invitation_token = stakeholder_services.invite_member(
        actor=rep_a, organization=org_a, email="nuovo.socio@example.org"
    )
    published = ProposalFactory(organization=org_a, state=ProposalState.PUBLISHED)
    draft = ProposalFactory(
        organization=org_a, state=ProposalState.DRAFT, title="Bozza DRAFT7Q", body="DRAFT7Q"
    )
    comment = ProposalCommentFactory(proposal=published, author=citizen, body="Bene così")
    hidden = ProposalCommentFactory(proposal=published, author=citizen, body="Offesa HID7Q")
    moderation.hide_content(
        actor=moderator, target=ProposalComment.objects.get(pk=hidden.pk), reason="Offensivo"
    )
    in_force = carta_revision(number=1, status=RevisionStatus.ADOPTED)
    in_force.adopted_at = timezone.now()
    in_force.save()
    consulting = carta_revision(number=2, status=RevisionStatus.IN_CONSULTATION)
    draft_revision = carta_revision(number=3, status=RevisionStatus.DRAFT, title="Revisione REV7Q")
    carta_comment = CommentFactory(revision=consulting, section_key="sezione-1", author=citizen)
    amendment = AmendmentFactory(revision=consulting, target_key="sezione-1", author=citizen)
    consultation = ConsultationFactory()
    complaint = feedback_services.submit_complaint(
        actor=citizen,
        category="complaint",
        description="Sportello chiuso CMP7Q",
        privacy_consent=True,
        contact_name="Cittadina CMP7Q",
        contact_email="cmp7q@example.org",
    ).complaint
    note = notify(recipients=[citizen], kind="test", title="Per te NOT7Q", email=False)[0]
    entry = record_audit(actor=moderator, verb="test.private", target=org_a, reason="AUD7Q")
    flag = moderation.flag_content(actor=citizen, target=comment, reason="Spam FLG7Q")
    service = in_force.services.order_by("position").first()
    ProposalVersion.objects.create(
        proposal=published, number=1, title=published.title, summary=published.summary
    )
    user = UserFactory(username="reset")
    statute, budget, evidence = _attachments(rep_a, complaint_officer, org_a, published, complaint)
    return {
        "": {},
        "org_a": {"pk": org_a.pk},
        "pending": {"pk": pending.pk},
        "org_a_api": {"organization_pk": org_a.pk},
        "member": {"organization_pk": org_a.pk, "user_id": rep_a.pk},
        "invitation": {"token": invitation_token},
        "invitation_api": {"organization_pk": org_a.pk, "pk": invitation.pk},
        "public_resource": {"pk": public_resource.pk},
        "network_resource": {"pk": network_resource.pk},
        "published": {"pk": published.pk},
        "draft": {"pk": draft.pk},
        "published_version": {"pk": published.pk, "number": 1},
        "in_force": {"pk": in_force.pk},
        "consulting": {"pk": consulting.pk},
        "draft_revision": {"pk": draft_revision.pk},
        "draft_section": {"pk": draft_revision.pk, "key": "sezione-1"},
        "draft_service": {"pk": draft_revision.pk, "key": "servizio-1"},
        "in_force_number": {"number": in_force.number},
        "draft_number": {"number": draft_revision.number},
        "consulting_api": {"revision_pk": consulting.pk},
        "draft_revision_api": {"revision_pk": draft_revision.pk},
        "section": {"revision_pk": consulting.pk, "key": "sezione-1"},
        "carta_comment": {"revision_pk": consulting.pk, "pk": carta_comment.pk},
        "amendment": {"revision_pk": consulting.pk, "pk": amendment.pk},
        "service_key": {"key": service.key},
        "service": {"pk": service.pk},
        "consultation": {"pk": consultation.pk},
        "receipt": {"pk": consultation.pk, "token": "nessuna-ricevuta"},
        "complaint": {"pk": complaint.pk},
        "notification": {"pk": note.pk},
        "audit": {"pk": entry.pk},
        "flag": {"pk": flag.pk},
        "reset": {"uidb64": "MQ", "token": "scaduto"},
        "confirm_key": {"key": "chiave-scaduta"},
        "spid": {"provider_id": "spid"},
        "_user": user,
        "statute": {"pk": statute.pk},
        "budget": {"pk": budget.pk},
        "evidence": {"pk": evidence.pk},
        "org_a_attachments": {"kind": "stakeholders.organization", "object_id": org_a.pk},
        "published_attachments": {"kind": "proposals.proposal", "object_id": published.pk},
        "org_a_files": {"object_id": org_a.pk},
        "statute_api": {"object_id": org_a.pk, "pk": statute.pk},
        "published_files": {"object_id": published.pk},
        "budget_api": {"object_id": published.pk, "pk": budget.pk},
        "complaint_files": {"object_id": complaint.pk},
        "evidence_api": {"object_id": complaint.pk, "pk": evidence.pk},
    }


def _attachments(rep_a, complaint_officer, organization, proposal, complaint):
    """A statute on organization A (its representatives and staff), a budget on the
    published proposal (whoever sees it) and a complaint's evidence (officers only)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from carta.attachments import Purpose, add_attachment

    def pdf(name):
        return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", "application/pdf")

    statute = add_attachment(
        actor=rep_a, target=organization, purpose=Purpose.STATUTE, upload=pdf("statuto.pdf")
    )
    # Added while the proposal was with its authors, before its publication.
    budget = add_attachment(
        actor=rep_a,
        target=proposal,
        purpose=Purpose.BUDGET,
        upload=pdf("preventivo.pdf"),
        on_creation=True,
    )
    evidence = add_attachment(
        actor=complaint.submitted_by,
        target=complaint,
        purpose=Purpose.EVIDENCE,
        upload=pdf("ricevuta.pdf"),
        on_creation=True,
    )
    return statute, budget, evidence


# Random values a page carries (CSRF tokens, 64 letters and digits; the CSP nonce): a
# marker of five letters and digits turns up in one by chance about once in a few hundred
# runs of the test below (it did once, "NOT7Q" on a page with nothing private in it).
RANDOM_TOKENS = re.compile(rb"[A-Za-z0-9]{64,}|nonce=\"[^\"]*\"")


def without_random_tokens(body: bytes) -> bytes:
    return RANDOM_TOKENS.sub(b"", body)


def context(body: bytes, mark: str) -> str:
    """The words around a leaked marker, to tell where it came from."""
    at = body.find(mark.encode())
    return body[max(0, at - 120) : at + 40].decode(errors="replace")


def clients(request) -> dict[str, Client]:
    made = {}
    for persona in PERSONAS:
        client = Client()
        if persona != "anonymous":
            client.force_login(request.getfixturevalue(persona))
        made[persona] = client
    return made


def observe(rows, world, personas_clients) -> dict[tuple[str, str], dict[str, str]]:
    seen = {}
    for row in rows:
        url = reverse(row.name, kwargs=world[row.variant or ""])
        seen[(row.name, row.variant)] = {
            persona: outcome(client.get(url, HTTP_ACCEPT="text/html,application/json"))
            for persona, client in personas_clients.items()
        }
    return seen


# --- The tests -------------------------------------------------------------------------


def test_every_route_is_in_the_table():
    rows, write_only = read_table()
    listed = {row.name for row in rows} | write_only
    missing = sorted(url_names() - listed)
    assert missing == [], f"routes missing from docs/permissions.md: {missing}"
    unknown = sorted(listed - url_names())
    assert unknown == [], f"routes in docs/permissions.md that do not exist: {unknown}"


def test_every_schema_path_is_a_listed_route(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    rows, write_only = read_table()
    listed = {row.name for row in rows} | write_only
    resolver = get_resolver()
    samples = {"decision": "accept"}
    for path in schema["paths"]:
        sample = re.sub(r"\{([^}]+)\}", lambda m: samples.get(m.group(1), "1"), path)
        match = resolver.resolve(sample)
        assert match.url_name in listed, f"{path} ({match.url_name}) is not in the table"


def test_every_route_answers_every_persona_as_the_table_says(request, world):
    rows, _write_only = read_table()
    seen = observe(rows, world, clients(request))
    wrong = [
        f"{name} [{variant}] as {persona}: table {row.expected[persona]}, got {got}"
        for row in rows
        for (name, variant), answers in [((row.name, row.variant), seen[(row.name, row.variant)])]
        for persona, got in answers.items()
        if row.expected[persona] != got
    ]
    assert wrong == [], "\n".join(wrong)


def test_private_content_appears_in_no_list_search_or_export(request, world):
    """Every page and API answer a persona may read (lists, searches with a query that
    matches the markers, exports, detail pages of public objects) contains no marker of
    private content that persona may not see."""
    rows, _write_only = read_table()
    leaks = []
    for persona, client in clients(request).items():
        forbidden = [mark for mark, readers in PRIVATE.items() if persona not in readers]
        for row in rows:
            if row.expected[persona] != "200":
                continue
            if row.name in AUDIT_ROUTES:
                continue
            url = reverse(row.name, kwargs=world[row.variant or ""])
            for query in ("", "?q=7Q", "?search=7Q"):
                if query and row.variant:
                    continue
                # getvalue(): streamed downloads (the open-data CSVs) have no .content.
                body = client.get(url + query, HTTP_ACCEPT="text/html,application/json").getvalue()
                body = without_random_tokens(body)
                leaks += [
                    f"{persona} reads {mark} at {url}{query}: …{context(body, mark)}…"
                    for mark in forbidden
                    if mark.encode() in body
                ]
    assert leaks == [], "\n".join(sorted(set(leaks)))
