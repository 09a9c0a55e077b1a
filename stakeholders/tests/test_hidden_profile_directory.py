"""The directory page lists an organization whose profile a moderator hid by its name
only: the description it wrote about itself is not shown there, as on its own page."""

import pytest
from django.urls import reverse

from carta import moderation

pytestmark = pytest.mark.django_db


def test_the_directory_does_not_quote_a_hidden_profile(client_as, citizen, moderator, org_a):
    org_a.description = "Gestiamo il centro diurno di Valtirino"
    org_a.save()
    url = reverse("organizations")
    assert "centro diurno" in client_as(citizen).get(url).content.decode()
    moderation.hide_content(actor=moderator, target=org_a, reason="Testo offensivo")
    page = client_as(citizen).get(url).content.decode()
    assert org_a.legal_name in page
    assert "centro diurno" not in page
