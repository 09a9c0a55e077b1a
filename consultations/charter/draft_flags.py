"""What the editors of a new draft should look at again: the services whose commitments,
in the revision the draft was made from, were missed or drew founded complaints.

Those facts live in the feedback app, above the Carta, so the Carta asks through a
registry that ``FeedbackConfig.ready`` fills (as ``readiness.register_open_items`` and
``service_extras``). A provider receives the revision the draft was copied from and
returns ``DraftFlag`` rows; ``flags_for(draft)`` groups them by service key. Only editors
are shown them (the drafting pages are theirs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from consultations.charter.models import Revision, RevisionStatus


@dataclass(frozen=True)
class DraftFlag:
    """One reason to look again at ``service_key`` (a commitment missed, founded
    complaints), in words."""

    service_key: str
    commitment_key: str
    label: str


Provider = Callable[[Revision], Iterable[DraftFlag]]

_providers: dict[str, Provider] = {}


def register_draft_flags(name: str, provider: Provider | None) -> None:
    """Make ``provider`` a source of flags; ``None`` removes it."""
    if provider is None:
        _providers.pop(name, None)
    else:
        _providers[name] = provider


def flags_for(draft: Revision) -> dict[str, list[DraftFlag]]:
    """Service key -> its flags, for a revision still being written (draft or in
    consultation) that was copied from another; empty otherwise. What it costs is the
    providers' (feedback's: three queries)."""
    open_statuses = (RevisionStatus.DRAFT, RevisionStatus.IN_CONSULTATION)
    if draft.status not in open_statuses or draft.based_on_id is None:
        return {}
    source = Revision.objects.filter(pk=draft.based_on_id).first()
    if source is None:
        return {}
    grouped: dict[str, list[DraftFlag]] = {}
    for provider in _providers.values():
        for flag in provider(source):
            grouped.setdefault(flag.service_key, []).append(flag)
    return grouped
