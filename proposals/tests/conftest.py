"""Fixtures of the proposals tests: a small world around the root personas.

``org_a`` leads the proposals; ``org_b`` is a verified organization that may be
invited as partner; ``partner_rep`` represents ``org_c``, an accepted partner.
"""

import pytest

from proposals.states import ProposalState
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    PartnershipFactory,
    ProposalFactory,
    UserFactory,
)


@pytest.fixture
def rep_b(org_b):
    return MembershipFactory(
        user=UserFactory(username="rappresentante_b"), organization=org_b, role="representative"
    ).user


@pytest.fixture
def make_proposal(org_a):
    def make(state=ProposalState.DRAFT, **kwargs):
        kwargs.setdefault("organization", org_a)
        return ProposalFactory(state=state, **kwargs)

    return make


@pytest.fixture
def org_c(db):
    return OrganizationFactory(legal_name="APS Partner Sicuro")


@pytest.fixture
def partner_editor(org_c):
    return MembershipFactory(
        user=UserFactory(username="redattore_c"), organization=org_c, role="editor"
    ).user


@pytest.fixture
def with_partner(org_c):
    def add(proposal, status="accepted"):
        return PartnershipFactory(proposal=proposal, organization=org_c, status=status)

    return add
