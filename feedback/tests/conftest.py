"""Fixtures of the feedback tests."""

import pytest


@pytest.fixture(autouse=True)
def _complaint_days(settings):
    settings.CARTA_COMPLAINT_DAYS = 30


@pytest.fixture
def carta():
    """A Carta in force of two services (ids 101, 102), the second with a commitment of
    each direction, installed as the charter's source; service 99 is of a superseded
    revision and so unknown to it."""
    from decimal import Decimal

    from feedback import charter

    assistenza = charter.ServiceInfo(
        id=101,
        key="assistenza-domiciliare",
        title="Assistenza domiciliare",
        area="elderly",
        commitments=(
            charter.CommitmentInfo(
                id=201,
                key="sad-attivazione",
                service_id=101,
                service_key="assistenza-domiciliare",
                indicator="Giorni per l'attivazione",
                target=Decimal("30"),
                unit="giorni",
                direction="at_most",
            ),
            charter.CommitmentInfo(
                id=202,
                key="sad-soddisfatti",
                service_id=101,
                service_key="assistenza-domiciliare",
                indicator="Utenti soddisfatti",
                target=Decimal("80"),
                unit="%",
                direction="at_least",
            ),
        ),
    )
    segretariato = charter.ServiceInfo(
        id=102, key="segretariato-sociale", title="Segretariato sociale", area="multi_user"
    )
    previous = charter.source
    charter.source = charter.StaticSource([assistenza, segretariato])
    yield charter.source
    charter.source = previous
