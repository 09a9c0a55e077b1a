"""The Carta's part of a person's data download (``carta.privacy``): comments on its
revisions with their outcome, amendments with their decision, and the amendments they
supported. Hidden content of their own is included, marked hidden. One query per
section. Registered from ``CharterConfig``.

Erasure changes nothing here: comments and amendments are part of the Carta's public
history and stay, attributed to "utente cancellato" (the account's row stays).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from carta import privacy
from consultations.charter.models import (
    Amendment,
    AmendmentKind,
    AmendmentStatus,
    AmendmentSupport,
    Comment,
    Outcome,
)

AUTHORED = privacy.kept("a contribution to the Carta: it stays, attributed to 'utente cancellato'")
STAFF_ACT = privacy.kept("an act of the Carta's editors or moderators, exported as activity")


def comments(user) -> list[dict]:
    return [
        {
            "revision": c.revision.number,
            "section": c.section_key,
            "organization": c.organization.legal_name if c.organization else "",
            "in_reply_to": c.parent_id,
            "quote": c.quote,
            "body": c.body,
            "created_at": c.created_at,
            "outcome": c.outcome,
            "outcome_reason": c.outcome_reason,
            "outcome_at": c.outcome_at,
            "hidden": c.is_hidden,
            "hidden_reason": c.hidden_reason,
        }
        for c in Comment.objects.filter(author=user)
        .select_related("revision", "organization")
        .order_by("created_at", "pk")
    ]


def amendments(user) -> list[dict]:
    return [
        {
            "revision": a.revision.number,
            "kind": a.kind,
            "target": a.target_key,
            "organization": a.organization.legal_name if a.organization else "",
            "new_text": a.new_text,
            "service_changes": a.service_changes,
            "rationale": a.rationale,
            "created_at": a.created_at,
            "status": a.status,
            "decision_reason": a.decision_reason,
            "decided_at": a.decided_at,
            "hidden": a.is_hidden,
            "hidden_reason": a.hidden_reason,
        }
        for a in Amendment.objects.filter(author=user)
        .select_related("revision", "organization")
        .order_by("created_at", "pk")
    ]


def supports(user) -> list[dict]:
    return [
        {
            "amendment": s.amendment_id,
            "revision": s.amendment.revision.number,
            "target": s.amendment.target_key,
            "organization": s.organization.legal_name if s.organization else "",
            "created_at": s.created_at,
        }
        for s in AmendmentSupport.objects.filter(user=user)
        .select_related("amendment__revision", "organization")
        .order_by("created_at", "pk")
    ]


WHEN = _("Data")
REVISION = _("Revisione")
HIDDEN = _("Nascosto dai moderatori")
HIDDEN_REASON = _("Motivo pubblico")


def register() -> None:
    privacy.register_section(
        "carta_comments",
        title=_("Commenti alla Carta"),
        collect=comments,
        columns={
            "created_at": WHEN,
            "revision": REVISION,
            "section": _("Sezione"),
            "organization": _("A nome di"),
            "quote": _("Passo citato"),
            "body": _("Testo"),
            "in_reply_to": _("In risposta al commento numero"),
            "outcome": _("Esito"),
            "outcome_reason": _("Motivazione dell'esito"),
            "outcome_at": _("Esito registrato il"),
            "hidden": HIDDEN,
            "hidden_reason": HIDDEN_REASON,
        },
        fields={
            "consultations.Comment.author": AUTHORED,
            "consultations.Comment.outcome_by": STAFF_ACT,
            "consultations.Comment.hidden_by": STAFF_ACT,
            "consultations.Revision.created_by": STAFF_ACT,
        },
        choices={"outcome": Outcome},
    )
    privacy.register_section(
        "carta_amendments",
        title=_("Proposte di modifica alla Carta"),
        collect=amendments,
        columns={
            "created_at": WHEN,
            "revision": REVISION,
            "kind": _("Tipo"),
            "target": _("Sezione o servizio"),
            "organization": _("A nome di"),
            "new_text": _("Testo proposto"),
            "service_changes": _("Nuovi valori della scheda"),
            "rationale": _("Motivazione"),
            "status": _("Stato"),
            "decision_reason": _("Motivazione della decisione"),
            "decided_at": _("Deciso il"),
            "hidden": HIDDEN,
            "hidden_reason": HIDDEN_REASON,
        },
        fields={
            "consultations.Amendment.author": AUTHORED,
            "consultations.Amendment.decided_by": STAFF_ACT,
            "consultations.Amendment.hidden_by": STAFF_ACT,
        },
        choices={"kind": AmendmentKind, "status": AmendmentStatus},
    )
    privacy.register_section(
        "carta_supports",
        title=_("Proposte di modifica che hai sostenuto"),
        collect=supports,
        columns={
            "created_at": WHEN,
            "amendment": _("Proposta di modifica numero"),
            "revision": REVISION,
            "target": _("Sezione o servizio"),
            "organization": _("A nome di"),
        },
        fields={"consultations.AmendmentSupport.user": AUTHORED},
    )
