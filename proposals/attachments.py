"""Files on a proposal (``carta.attachments``): budgets, letters of support. Whoever may
see the proposal may see its files (a draft or hidden proposal's files answer 404 to
everyone else); its authors add and withdraw them while the proposal is with them."""

from __future__ import annotations

from carta import attachments
from carta.attachments import Purpose
from proposals import permissions as perms
from proposals.models import Proposal


def register_models() -> None:
    attachments.register(
        Proposal,
        purposes=(Purpose.BUDGET, Purpose.LETTER_OF_SUPPORT, Purpose.OTHER),
        can_view=perms.can_view,
        can_add=perms.can_edit,
        max_files=20,
        api_name="proposals",
    )
