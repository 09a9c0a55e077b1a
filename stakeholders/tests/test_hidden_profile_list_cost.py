"""The organizations' list costs the same whatever the number of hidden profiles on the
page: whether the reader may read their text is decided once for the page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carta import moderation
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def _cost(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/organizations/")
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["citizen", "rep_a"])
def test_listing_one_or_five_hidden_profiles_costs_the_same(
    request, api_as, moderator, org_a, persona
):
    reader = request.getfixturevalue(persona)
    client = api_as(reader)
    orgs = [org_a] + [OrganizationFactory(description="Testo") for _ in range(4)]
    moderation.hide_content(actor=moderator, target=orgs[0], reason="Testo offensivo")
    _cost(client)
    one = _cost(client)
    for organization in orgs[1:]:
        moderation.hide_content(actor=moderator, target=organization, reason="Testo offensivo")
    five = _cost(client)
    assert five == one, (one, five)
