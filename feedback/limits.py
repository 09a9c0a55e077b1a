"""Limits of the forms open to anyone, shared by pages and API through the services.

Rates are read from the DRF scopes in settings (``anonymous_form``, ``tracking``), so that
one setting governs both surfaces; the counts live in the cache (``carta.ratelimit``).
"""

from __future__ import annotations

from carta import ratelimit

EVALUATION_DAYS = 30


def hit_scope(scope: str, address: str | None, *, suffix: str = "") -> None:
    """Count one attempt from ``address`` against ``scope``; ``RateLimited`` past it."""
    if not address:
        return
    ratelimit.hit_scope(scope, f"feedback:{address}{suffix}")


def hit_anonymous_evaluation(address: str | None, service_key: str) -> None:
    """One anonymous evaluation per address and service per ``EVALUATION_DAYS``."""
    if not address:
        return
    ratelimit.hit(
        f"feedback:evaluation:{address}:{service_key}", limit=1, window=EVALUATION_DAYS * 86400
    )
