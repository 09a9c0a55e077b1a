"""The home page's block of the Carta: the revisions open for comments, with their closing
date (``carta.home``). One query."""

from __future__ import annotations

from carta import home
from consultations.charter.models import RevisionStatus
from consultations.charter.permissions import revisions_visible_to


def _context(request) -> dict | None:
    revisions = list(
        revisions_visible_to(request.user)
        .filter(status=RevisionStatus.IN_CONSULTATION)
        .order_by("consultation_closes_at", "number")[:3]
    )
    return {"revisions": revisions} if revisions else None


def register() -> None:
    home.register_block(
        "carta_phase", order=10, template="consultations/_home_block.html", context=_context
    )
