"""Factories of the stakeholders app. ``MembershipFactory`` grants the role's object
permissions the way the services do, so that tests see real guardian rows."""

import datetime

import factory
from django.utils import timezone

from stakeholders import permissions
from stakeholders.models import (
    Invitation,
    Membership,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    Resource,
    ResourceKind,
    Role,
    Visibility,
)
from stakeholders.validators import tax_code_check_digit
from tests.factories.core import UserFactory


def make_tax_code(n: int) -> str:
    first_ten = f"{(n * 7919 + 1234567) % 10**10:010d}"
    return first_ten + str(tax_code_check_digit(first_ten))


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("tax_code",)

    legal_name = factory.Sequence(lambda n: f"Associazione di prova {n}")
    kind = OrganizationKind.APS
    tax_code = factory.Sequence(make_tax_code)
    runts_number = factory.Sequence(lambda n: f"RUNTS-{n:05d}")
    areas = factory.LazyFunction(lambda: ["elderly"])
    email = factory.Sequence(lambda n: f"info{n}@associazione.example.org")
    description = "Un'organizzazione della rete."
    status = OrganizationStatus.VERIFIED
    # The pact accepted (with no revision number: no Carta is in force unless a test puts
    # one), since verification requires it.
    pact_accepted_at = factory.LazyFunction(timezone.now)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.MEMBER
    can_vote = factory.LazyAttribute(lambda o: o.role == Role.REPRESENTATIVE)

    @factory.post_generation
    def grant(self, create, extracted, **kwargs):
        if create:
            permissions.grant_role(self)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invitata{n}@example.org")
    role = Role.MEMBER
    token_hash = factory.Sequence(lambda n: Invitation.hash_token(f"token-{n}"))
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    organization = factory.SubFactory(OrganizationFactory)
    kind = ResourceKind.SPACE
    title = factory.Sequence(lambda n: f"Sala riunioni {n}")
    description = "Una sala per incontri e laboratori."
    areas = factory.LazyFunction(lambda: ["multi_user"])
    visibility = Visibility.PUBLIC


__all__ = [
    "InvitationFactory",
    "MembershipFactory",
    "OrganizationFactory",
    "ResourceFactory",
    "make_tax_code",
]
