"""A vote on a revision of the Carta holds back the revision's adoption until it closes
(consultations.voting.readiness, registered with the charter's readiness)."""

import datetime

import pytest
from django.utils import timezone

from carta.errors import Conflict
from consultations.charter import services as charter_services
from consultations.charter.models import RevisionStatus
from tests.factories import ConsultationFactory, carta_revision

pytestmark = pytest.mark.django_db


def test_an_open_vote_on_the_revision_holds_back_its_adoption(carta_editor):
    revision = carta_revision(number=7, status=RevisionStatus.IN_CONSULTATION)
    vote = ConsultationFactory(revision=revision, title="Adottare la revisione 7?")
    with pytest.raises(Conflict) as refused:
        charter_services.adopt_revision(actor=carta_editor, revision=revision)
    assert refused.value.code == "not_ready"
    assert "1 consultazione non ancora chiusa" in str(refused.value.message)

    # Closed: the adoption goes through.
    vote.closed_early_at = timezone.now() - datetime.timedelta(minutes=1)
    vote.save(update_fields=["closed_early_at"])
    charter_services.adopt_revision(actor=carta_editor, revision=revision)
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.ADOPTED


def test_a_vote_on_another_revision_does_not_count(carta_editor):
    revision = carta_revision(number=8, status=RevisionStatus.IN_CONSULTATION)
    other = carta_revision(number=9, status=RevisionStatus.DRAFT)
    ConsultationFactory(revision=other)
    charter_services.adopt_revision(actor=carta_editor, revision=revision)
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.ADOPTED
