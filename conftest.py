"""Fixtures shared by the whole suite: the fixed personas and clients acting as them.

Personas: ``citizen``, ``moderator``, ``carta_editor``, ``complaint_officer``, ``admin``
(administrator), and the organization personas ``rep_a``, ``editor_a``, ``member_a``
(representative, editor and member of organization A) and ``member_b`` (member of
organization B) once the organizations app provides them. ``client_as(persona)`` gives
a Django test client signed in as that persona; ``api_as(persona)`` a DRF client.
"""

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.factories.core import PASSWORD


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def citizen(db):
    return UserFactory(username="cittadina")


@pytest.fixture
def moderator(db):
    return UserFactory(username="moderatore", groups=["moderators"])


@pytest.fixture
def carta_editor(db):
    return UserFactory(username="redattrice", groups=["carta_editors"])


@pytest.fixture
def complaint_officer(db):
    return UserFactory(username="ufficio_reclami", groups=["complaint_officers"])


@pytest.fixture
def admin(db):
    return UserFactory(username="amministratrice", is_superuser=True, is_staff=True)


@pytest.fixture
def client_as(client):
    from django.test import Client

    def make(user):
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return make


@pytest.fixture
def api_as():
    def make(user):
        c = APIClient()
        if user is not None:
            c.force_authenticate(user)
        return c

    return make


@pytest.fixture
def api():
    return APIClient()


# --- Organization personas (stakeholders) ---------------------------------------------


@pytest.fixture
def org_a(db):
    from tests.factories import OrganizationFactory

    return OrganizationFactory(legal_name="Cooperativa Sociale Il Melograno", kind="coop_a")


@pytest.fixture
def org_b(db):
    from tests.factories import OrganizationFactory

    return OrganizationFactory(legal_name="ODV Amici di Valtirino", kind="odv")


@pytest.fixture
def rep_a(org_a):
    from tests.factories import MembershipFactory

    return MembershipFactory(
        user=UserFactory(username="rappresentante_a"), organization=org_a, role="representative"
    ).user


@pytest.fixture
def editor_a(org_a):
    from tests.factories import MembershipFactory

    return MembershipFactory(
        user=UserFactory(username="redattore_a"), organization=org_a, role="editor"
    ).user


@pytest.fixture
def member_a(org_a):
    from tests.factories import MembershipFactory

    return MembershipFactory(
        user=UserFactory(username="socio_a"), organization=org_a, role="member"
    ).user


@pytest.fixture
def member_b(org_b):
    from tests.factories import MembershipFactory

    return MembershipFactory(
        user=UserFactory(username="socio_b"), organization=org_b, role="member"
    ).user


@pytest.fixture
def attachment_storage(settings, tmp_path):
    """Attachments stored in the test's own directory (returned), not in the data
    directory: for the tests that add files (``pytest.mark.usefixtures``)."""
    location = tmp_path / "attachments"
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location
