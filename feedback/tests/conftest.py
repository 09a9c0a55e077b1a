"""Fixtures of the feedback tests."""

from decimal import Decimal
from types import SimpleNamespace

import pytest


@pytest.fixture(autouse=True)
def _complaint_days(settings):
    settings.CARTA_COMPLAINT_DAYS = 30


@pytest.fixture
def carta(db):
    """A Carta in force of two services, ``assistenza`` (with the commitments
    ``attivazione``, at most 30 days, and ``soddisfatti``, at least 80%) and
    ``segretariato``; ``superseded`` is ``assistenza``'s row in the revision before, no
    longer in force."""
    from consultations.charter.models import RevisionStatus
    from tests.factories import QualityCommitmentFactory, RevisionFactory, ServiceFactory

    old = RevisionFactory(number=1, status=RevisionStatus.SUPERSEDED)
    in_force = RevisionFactory(number=2, status=RevisionStatus.ADOPTED)
    superseded = ServiceFactory(revision=old, key="assistenza-domiciliare", position=1)
    assistenza = ServiceFactory(
        revision=in_force,
        key="assistenza-domiciliare",
        title="Assistenza domiciliare",
        area="elderly",
        position=1,
    )
    segretariato = ServiceFactory(
        revision=in_force,
        key="segretariato-sociale",
        title="Segretariato sociale",
        area="multi_user",
        position=2,
    )
    attivazione = QualityCommitmentFactory(
        service=assistenza,
        key="sad-attivazione",
        position=1,
        indicator="Giorni per l'attivazione",
        direction="at_most",
        target_value=Decimal("30"),
        unit="giorni",
    )
    soddisfatti = QualityCommitmentFactory(
        service=assistenza,
        key="sad-soddisfatti",
        position=2,
        indicator="Utenti soddisfatti",
        direction="at_least",
        target_value=Decimal("80"),
        unit="%",
    )
    return SimpleNamespace(
        assistenza=assistenza,
        segretariato=segretariato,
        attivazione=attivazione,
        soddisfatti=soddisfatti,
        superseded=superseded,
    )
