"""The API shows a hidden profile's own text to whoever the pages show it to (the
organization's members and staff), and blanks it for everyone else, on every answer that
carries an organization (``permissions.can_read_hidden_profile``)."""

import pytest

from carta import moderation

pytestmark = pytest.mark.django_db

TEXT = "Gestiamo il centro diurno di Valtirino"
SITE = "https://melograno.example.org"


@pytest.fixture
def hidden_org(org_a, moderator):
    org_a.description = TEXT
    org_a.website = SITE
    org_a.save()
    moderation.hide_content(actor=moderator, target=org_a, reason="Testo offensivo")
    return org_a


def _texts(row):
    return (row["description"], row["website"])


def test_members_and_staff_read_the_hidden_text_in_the_detail(api_as, rep_a, moderator, hidden_org):
    for person in (rep_a, moderator):
        row = api_as(person).get(f"/api/v1/organizations/{hidden_org.pk}/").json()
        assert _texts(row) == (TEXT, SITE)


def test_members_read_the_hidden_text_in_the_list(api_as, rep_a, hidden_org):
    listing = api_as(rep_a).get("/api/v1/organizations/").json()["results"]
    row = next(r for r in listing if r["id"] == hidden_org.pk)
    assert _texts(row) == (TEXT, SITE)


def test_others_get_the_hidden_text_blank_in_detail_and_list(api_as, citizen, member_b, hidden_org):
    for person in (citizen, member_b, None):
        row = api_as(person).get(f"/api/v1/organizations/{hidden_org.pk}/").json()
        assert _texts(row) == ("", "")
        listing = api_as(person).get("/api/v1/organizations/").json()["results"]
        row = next(r for r in listing if r["id"] == hidden_org.pk)
        assert _texts(row) == ("", "")


def test_a_member_editing_a_hidden_profile_gets_its_text_back(api_as, rep_a, hidden_org):
    response = api_as(rep_a).patch(
        f"/api/v1/organizations/{hidden_org.pk}/",
        {"description": "Centro diurno per anziani"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["description"] == "Centro diurno per anziani"
