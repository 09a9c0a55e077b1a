"""The home page's block of the consultations: those open now to whom is asking, with
their closing date, and the next to open (``carta.home``). Two queries."""

from __future__ import annotations

from carta import home
from consultations.voting.models import Status
from consultations.voting.selectors import consultations_visible_to


def _context(request) -> dict | None:
    user = request.user
    open_now = list(consultations_visible_to(user, status=Status.OPEN)[:3])
    upcoming = list(consultations_visible_to(user, status=Status.UPCOMING)[:2])
    if not open_now and not upcoming:
        return None
    return {"open": open_now, "upcoming": upcoming}


def register() -> None:
    home.register_block(
        "consultations", order=20, template="voting/_home_block.html", context=_context
    )
