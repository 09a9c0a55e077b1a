"""The audit log's date filters: an instant no database can hold is refused by name."""

import pytest

from carta.services import record_audit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "value",
    [
        "9999-12-31T23:59:59-05:00",  # past the year 9999 once in UTC
        "9999-12-31T23:59:59.999999-23:59",
        "0001-01-01T00:00:00",  # before the year 1 once in UTC (local time is ahead)
        "0001-01-01T00:00:00+05:00",
    ],
)
@pytest.mark.parametrize("name", ["since", "until"])
def test_an_instant_beyond_the_calendar_is_a_400_naming_the_parameter(
    api_as, moderator, name, value
):
    response = api_as(moderator).get("/api/v1/audit/", {name: value})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [name]


def test_the_last_representable_instant_still_filters(api_as, moderator, citizen):
    record_audit(actor=citizen, verb="x.y", target=citizen)
    client = api_as(moderator)
    assert client.get("/api/v1/audit/", {"since": "9999-12-31T00:00:00Z"}).json()["count"] == 0
    assert client.get("/api/v1/audit/", {"until": "9999-12-31T00:00:00Z"}).json()["count"] == 1
