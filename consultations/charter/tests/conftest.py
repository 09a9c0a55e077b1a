import pytest

from consultations.charter.models import RevisionStatus
from tests.factories import carta_revision


@pytest.fixture
def in_force(db):
    """Revision 1, adopted: three sections, two services with one commitment each."""
    return carta_revision(1, RevisionStatus.ADOPTED)


@pytest.fixture
def in_consultation(in_force, carta_editor):
    """Revision 2, copied from the one in force and open to consultation."""
    from consultations.charter import services

    draft = services.create_draft(actor=carta_editor, title="Revisione 2026")
    return services.open_consultation(actor=carta_editor, revision=draft)
