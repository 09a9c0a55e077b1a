"""The proposals' part of a person's data download (``carta.privacy``): proposals they
created, versions they wrote, their comments, endorsements and the partnerships they
asked for or answered. Hidden content of their own is included, marked hidden (the text
is theirs); a version redacted by staff is listed without its text, which was removed
for what it held. One query per section. Registered from ``ProposalsConfig``.

Erasure changes nothing here: every row points to the account, which stays as "utente
cancellato" (``carta.services.erase_account``).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from carta import privacy
from proposals.models import (
    Endorsement,
    Partnership,
    PartnershipStatus,
    Proposal,
    ProposalComment,
    ProposalVersion,
)
from proposals.states import ProposalState

AUTHORED = privacy.kept("a contribution: it stays, attributed to 'utente cancellato'")
STAFF_ACT = privacy.kept("an act of staff or of an organization, exported as activity")


def proposals(user) -> list[dict]:
    return [
        {
            "id": p.pk,
            "title": p.title,
            "organization": p.organization.legal_name,
            "state": p.state,
            "summary": p.summary,
            "body": p.body,
            "beneficiaries": p.beneficiaries,
            "created_at": p.created_at,
            "submitted_at": p.submitted_at,
            "published_at": p.published_at,
            "hidden": p.is_hidden,
            "hidden_reason": p.hidden_reason,
        }
        for p in Proposal.objects.filter(created_by=user)
        .select_related("organization")
        .order_by("created_at", "pk")
    ]


def versions(user) -> list[dict]:
    rows = []
    for v in ProposalVersion.objects.filter(created_by=user).order_by("created_at", "pk"):
        redacted = v.redacted_at is not None
        rows.append(
            {
                "proposal": v.proposal_id,
                "title": v.title,
                "summary": "" if redacted else v.summary,
                "body": "" if redacted else v.body,
                "created_at": v.created_at,
                "redacted": redacted,
            }
        )
    return rows


def comments(user) -> list[dict]:
    return [
        {
            "proposal": c.proposal.title,
            "organization": c.organization.legal_name if c.organization else "",
            "in_reply_to": c.parent_id,
            "body": c.body,
            "created_at": c.created_at,
            "hidden": c.is_hidden,
            "hidden_reason": c.hidden_reason,
        }
        for c in ProposalComment.objects.filter(author=user)
        .select_related("proposal", "organization")
        .order_by("created_at", "pk")
    ]


def endorsements(user) -> list[dict]:
    return [
        {
            "proposal": e.proposal.title,
            "organization": e.organization.legal_name if e.organization else "",
            "created_at": e.created_at,
        }
        for e in Endorsement.objects.filter(user=user)
        .select_related("proposal", "organization")
        .order_by("created_at", "pk")
    ]


def partnerships(user) -> list[dict]:
    """Partnerships the person asked for or answered, for their organization."""
    return [
        {
            "proposal": p.proposal.title,
            "organization": p.organization.legal_name,
            "status": p.status,
            "asked_by_you": p.created_by_id == user.pk,
            "answered_by_you": p.decided_by_id == user.pk,
            "created_at": p.created_at,
            "decided_at": p.decided_at,
        }
        for p in Partnership.objects.filter(Q(created_by=user) | Q(decided_by=user))
        .select_related("proposal", "organization")
        .order_by("created_at", "pk")
    ]


WHEN = _("Data")
HIDDEN = _("Nascosto dai moderatori")
HIDDEN_REASON = _("Motivo pubblico")


def register() -> None:
    privacy.register_section(
        "proposals",
        title=_("Proposte progettuali"),
        collect=proposals,
        columns={
            "created_at": WHEN,
            "title": _("Titolo"),
            "organization": _("Organizzazione"),
            "state": _("Stato"),
            "summary": _("Sintesi"),
            "body": _("Descrizione"),
            "beneficiaries": _("Destinatari"),
            "submitted_at": _("Presentata il"),
            "published_at": _("Pubblicata il"),
            "hidden": HIDDEN,
            "hidden_reason": HIDDEN_REASON,
            "id": _("Numero"),
        },
        fields={
            "proposals.Proposal.created_by": AUTHORED,
            "proposals.Proposal.hidden_by": STAFF_ACT,
            "proposals.ProposalTransition.actor": STAFF_ACT,
        },
        choices={"state": ProposalState},
    )
    privacy.register_section(
        "proposal_versions",
        title=_("Versioni delle proposte"),
        collect=versions,
        columns={
            "created_at": WHEN,
            "proposal": _("Proposta numero"),
            "title": _("Titolo"),
            "summary": _("Sintesi"),
            "body": _("Descrizione"),
            "redacted": _("Oscurata dal personale"),
        },
        fields={
            "proposals.ProposalVersion.created_by": AUTHORED,
            "proposals.ProposalVersion.redacted_by": STAFF_ACT,
        },
    )
    privacy.register_section(
        "proposal_comments",
        title=_("Commenti alle proposte"),
        collect=comments,
        columns={
            "created_at": WHEN,
            "proposal": _("Proposta"),
            "organization": _("A nome di"),
            "body": _("Testo"),
            "in_reply_to": _("In risposta al commento numero"),
            "hidden": HIDDEN,
            "hidden_reason": HIDDEN_REASON,
        },
        fields={
            "proposals.ProposalComment.author": AUTHORED,
            "proposals.ProposalComment.hidden_by": STAFF_ACT,
        },
    )
    privacy.register_section(
        "endorsements",
        title=_("Adesioni alle proposte"),
        collect=endorsements,
        columns={
            "created_at": WHEN,
            "proposal": _("Proposta"),
            "organization": _("A nome di"),
        },
        fields={"proposals.Endorsement.user": AUTHORED},
    )
    privacy.register_section(
        "partnerships",
        title=_("Partenariati"),
        collect=partnerships,
        columns={
            "created_at": WHEN,
            "proposal": _("Proposta"),
            "organization": _("Organizzazione"),
            "status": _("Stato"),
            "asked_by_you": _("Chiesto da te"),
            "answered_by_you": _("Deciso da te"),
            "decided_at": _("Deciso il"),
        },
        fields={
            "proposals.Partnership.created_by": AUTHORED,
            "proposals.Partnership.decided_by": STAFF_ACT,
        },
        choices={"status": PartnershipStatus},
    )
