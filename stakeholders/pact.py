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
