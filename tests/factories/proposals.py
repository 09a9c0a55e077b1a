"""Factories of the proposals app. ``ProposalFactory(state=...)`` stores the state
directly (with ``published_at`` set for the states that follow publication); tests of
the lifecycle itself go through the services."""

import factory
from django.utils import timezone

from proposals.models import (
    Endorsement,
    Partnership,
    PartnershipStatus,
    Proposal,
    ProposalComment,
)
from proposals.states import ProposalState
from tests.factories.core import UserFactory
from tests.factories.stakeholders import OrganizationFactory

_AFTER_PUBLICATION = {
    ProposalState.PUBLISHED,
    ProposalState.UNDER_EVALUATION,
    ProposalState.ACCEPTED,
}


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Proposta di prova {n}")
    summary = "Un centro diurno aperto il sabato per le famiglie con persone anziane."
    body = "Il progetto prevede **tre** attività settimanali."
    area = "elderly"
    beneficiaries = "Famiglie con persone anziane non autosufficienti"
    budget_estimate = 12000
    state = ProposalState.DRAFT
    published_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.state in _AFTER_PUBLICATION else None
    )
    submitted_at = factory.LazyAttribute(
        lambda o: None if o.state == ProposalState.DRAFT else timezone.now()
    )


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    proposal = factory.SubFactory(ProposalFactory)
    organization = factory.SubFactory(OrganizationFactory)
    status = PartnershipStatus.ACCEPTED


class ProposalCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposalComment

    proposal = factory.SubFactory(ProposalFactory, state=ProposalState.PUBLISHED)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Commento di prova {n}")


class EndorsementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Endorsement

    proposal = factory.SubFactory(ProposalFactory, state=ProposalState.PUBLISHED)
    user = factory.SubFactory(UserFactory)


__all__ = [
    "EndorsementFactory",
    "PartnershipFactory",
    "ProposalCommentFactory",
    "ProposalFactory",
]
