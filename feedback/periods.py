"""Time in the Ambito: response deadlines and quarters, in ``settings.TIME_ZONE``.

A deadline falls at the end of a local calendar day, so adding days is done on local
dates, never on UTC instants: across a change to or from summer time the instant moves by
an hour but the day stays the day the law counts.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def ambito_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local(instant: datetime.datetime) -> datetime.datetime:
    return instant.astimezone(ambito_zone())


def end_of_local_day(day: datetime.date) -> datetime.datetime:
    """The last microsecond of ``day`` in the Ambito, as an aware instant."""
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=ambito_zone())


def response_deadline(received_at: datetime.datetime, days: int | None = None) -> datetime.datetime:
    """End of the local day ``days`` (default ``CARTA_COMPLAINT_DAYS``) after receipt."""
    if days is None:
        days = settings.CARTA_COMPLAINT_DAYS
    return end_of_local_day(local(received_at).date() + datetime.timedelta(days=days))


def quarter_of(instant: datetime.datetime | datetime.date) -> str:
    """``"2026-Q1"``: the quarter of an instant (in the Ambito) or of a date."""
    if isinstance(instant, datetime.datetime):
        instant = local(instant).date()
    return f"{instant.year}-Q{(instant.month - 1) // 3 + 1}"


def parse_quarter(value: str) -> tuple[int, int] | None:
    """``(year, quarter)`` of ``"2026-Q1"``, None when the text is not a quarter."""
    value = (value or "").strip().upper()
    if len(value) != 7 or value[4:6] != "-Q" or not value[:4].isdigit() or value[6] not in "1234":
        return None
    return int(value[:4]), int(value[6])


def recent_quarters(count: int = 4, *, until: datetime.datetime | None = None) -> list[str]:
    """The last ``count`` quarters up to the current one, oldest first."""
    today = local(until or timezone.now()).date()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    out = []
    for _ in range(count):
        out.append(f"{year}-Q{quarter}")
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
    return out[::-1]


def days_between(start: datetime.datetime, end: datetime.datetime) -> float:
    return (end - start).total_seconds() / 86400
