"""The pact: the revision of the Carta in force, which an applying organization accepts.

The Carta is an app above this one, so this app cannot ask it; the Carta registers the
function that answers when it starts (``CharterConfig.ready``). Until then, or in a
deployment without the Carta, an accepted pact records no revision number.
"""

from __future__ import annotations

from collections.abc import Callable

_provider: Callable[[], int | None] | None = None


def register_revision_in_force(provider: Callable[[], int | None] | None) -> None:
    """Make ``provider`` (no arguments, the number of the revision in force or None) the
    source of the pact's revision number; None unregisters it."""
    global _provider
    _provider = provider


def revision_in_force_number() -> int | None:
    """The number of the Carta's revision in force, None when nothing is registered or no
    revision is in force. Costs what the registered provider costs (one query for the Carta)."""
    return _provider() if _provider is not None else None


_changes_provider: Callable[[int | None], str | None] | None = None


def register_changes_since(provider: Callable[[int | None], str | None] | None) -> None:
    """Make ``provider`` (the number of the revision an organization signed, or None) the
    source of the address of what changed since then in the Carta in force; None
    unregisters it."""
    global _changes_provider
    _changes_provider = provider


def changes_since_url(revision_number: int | None) -> str | None:
    """The address of the comparison between the revision in force and ``revision_number``
    (the revision in force itself when the organization signed none), None when nothing is
    registered or no revision is in force. Costs what the provider costs (two queries)."""
    return _changes_provider(revision_number) if _changes_provider is not None else None
