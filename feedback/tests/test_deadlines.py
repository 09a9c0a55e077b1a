"""Response deadlines fall at the end of a local day in the Ambito, across summer time."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from feedback import periods, services

ROME = ZoneInfo("Europe/Rome")
UTC = datetime.UTC

pytestmark = pytest.mark.django_db


def test_deadline_is_end_of_local_day_thirty_days_later_in_winter():
    received = datetime.datetime(2026, 1, 10, 15, 0, tzinfo=ROME)
    deadline = periods.response_deadline(received, 30)
    assert deadline.astimezone(ROME).replace(tzinfo=None) == datetime.datetime(
        2026, 2, 9, 23, 59, 59, 999999
    )
    assert deadline.astimezone(UTC).hour == 22  # CET is UTC+1


def test_deadline_across_the_spring_change_keeps_the_local_day_not_the_utc_hour():
    # Received in winter time (UTC+1), due in summer time (UTC+2): 29 March 2026 at 02:00.
    received = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=ROME)
    deadline = periods.response_deadline(received, 30)
    local = deadline.astimezone(ROME)
    assert (local.date(), local.hour, local.minute) == (datetime.date(2026, 4, 9), 23, 59)
    # Naively adding 30 x 24 hours in UTC would land an hour late in local time.
    assert deadline.astimezone(UTC) == datetime.datetime(2026, 4, 9, 21, 59, 59, 999999, UTC)


def test_deadline_across_the_autumn_change():
    received = datetime.datetime(2026, 10, 10, 9, 0, tzinfo=ROME)
    deadline = periods.response_deadline(received, 30)
    assert deadline.astimezone(UTC) == datetime.datetime(2026, 11, 9, 22, 59, 59, 999999, UTC)


def test_a_complaint_received_just_after_local_midnight_counts_from_the_local_day():
    # 23:30 UTC on 31 March is 01:30 on 1 April in Rome.
    with time_machine.travel(datetime.datetime(2026, 3, 31, 23, 30, tzinfo=UTC), tick=False):
        result = services.submit_complaint(
            actor=None,
            category="complaint",
            description="Il servizio di trasporto non si è presentato.",
            privacy_consent=True,
        )
    deadline = result.complaint.deadline_at.astimezone(ROME)
    assert deadline.date() == datetime.date(2026, 5, 1)
    assert result.complaint.period == "2026-Q2"


def test_configured_number_of_days_is_used(settings):
    settings.CARTA_COMPLAINT_DAYS = 15
    with time_machine.travel(datetime.datetime(2026, 3, 20, 12, 0, tzinfo=ROME), tick=False):
        result = services.submit_complaint(
            actor=None, category="suggestion", description="Orari più ampi.", privacy_consent=True
        )
    assert result.complaint.deadline_at.astimezone(ROME).date() == datetime.date(2026, 4, 4)


def test_quarters_are_counted_in_local_time():
    assert periods.quarter_of(datetime.datetime(2025, 12, 31, 23, 30, tzinfo=UTC)) == "2026-Q1"
    assert periods.quarter_of(datetime.date(2026, 7, 1)) == "2026-Q3"
    assert periods.recent_quarters(4, until=datetime.datetime(2026, 2, 1, tzinfo=UTC)) == [
        "2025-Q2",
        "2025-Q3",
        "2025-Q4",
        "2026-Q1",
    ]
