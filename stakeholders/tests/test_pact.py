"""The pact takes the revision in force from the provider the Carta registers."""

import pytest

from stakeholders import pact, services
from tests.factories import make_tax_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider():
    """Register a stand-in for the Carta's provider, restoring the real one afterwards."""
    previous = pact._provider
    yield pact.register_revision_in_force
    pact.register_revision_in_force(previous)


def apply(actor, **extra):
    return services.apply_organization(
        actor=actor, legal_name="APS Il Ponte", kind="aps", tax_code=make_tax_code(777), **extra
    )


def test_the_pact_records_the_number_the_provider_gives(provider, citizen):
    provider(lambda: 7)
    organization = apply(citizen, accept_pact=True)
    assert organization.pact_revision_number == 7
    assert organization.pact_accepted_at is not None


def test_without_a_provider_the_pact_records_no_number(provider, citizen):
    provider(None)
    assert pact.revision_in_force_number() is None
    organization = apply(citizen, accept_pact=True)
    assert organization.pact_revision_number is None
    assert organization.pact_accepted_at is not None


def test_an_application_without_the_pact_asks_no_provider(provider, citizen):
    def refuse():
        raise AssertionError("the provider must not be asked")

    provider(refuse)
    organization = apply(citizen)
    assert (organization.pact_accepted_at, organization.pact_revision_number) == (None, None)
