"""Whether a measured value keeps a commitment: the one verdict the dashboard, the CSV and
the improvement actions (``services.record_measurement``) all use."""

from __future__ import annotations

from decimal import Decimal

from feedback.models import Direction


def is_met(value: Decimal | None, target: Decimal | None, direction: str) -> bool | None:
    """Whether ``value`` keeps the commitment; None when there is nothing to compare."""
    if value is None or target is None:
        return None
    return value <= target if direction == Direction.AT_MOST else value >= target
