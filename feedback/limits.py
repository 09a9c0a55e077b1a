"""Limits of the forms open to anyone, shared by pages and API through the services.

Rates are read from the DRF scopes in settings (``anonymous_form``, ``tracking``), so that
one setting governs both surfaces; the counts live in the cache (``carta.ratelimit``).
"""

from __future__ import annotations

from django.conf import settings

from carta import ratelimit

EVALUATION_DAYS = 30
_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def scope_rate(scope: str, default: str = "20/hour") -> tuple[int, int]:
    """``(limit, window_seconds)`` of a throttle scope written like ``20/hour``."""
    rates = getattr(settings, "REST_FRAMEWORK", {}).get("DEFAULT_THROTTLE_RATES", {})
    text = rates.get(scope) or default
    count, _slash, unit = text.partition("/")
    return int(count), _UNITS.get(unit.strip().lower(), 3600)


def hit_scope(scope: str, address: str | None, *, suffix: str = "") -> None:
    """Count one attempt from ``address`` against ``scope``; ``RateLimited`` past it."""
    if not address:
        return
    limit, window = scope_rate(scope)
    ratelimit.hit(f"feedback:{scope}:{address}{suffix}", limit=limit, window=window)


def hit_anonymous_evaluation(address: str | None, service_key: str) -> None:
    """One anonymous evaluation per address and service per ``EVALUATION_DAYS``."""
    if not address:
        return
    ratelimit.hit(
        f"feedback:evaluation:{address}:{service_key}", limit=1, window=EVALUATION_DAYS * 86400
    )
