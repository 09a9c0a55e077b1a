"""The home page's block of the proposals: the latest published ones the viewer may see
(``carta.home``). One query."""

from __future__ import annotations

from carta import home
from proposals.permissions import proposals_visible_to
from proposals.states import ProposalState


def _context(request) -> dict | None:
    proposals = list(
        proposals_visible_to(request.user)
        .filter(state=ProposalState.PUBLISHED, hidden_at__isnull=True)
        .select_related("organization")
        .order_by("-published_at", "-id")[:3]
    )
    return {"proposals": proposals} if proposals else None


def register() -> None:
    home.register_block(
        "proposals", order=30, template="proposals/_home_block.html", context=_context
    )
