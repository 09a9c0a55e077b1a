"""Who may take part, action by action: an account whose address is not confirmed is
refused (403 ``verification_required``) and nothing is stored; a confirmed address or a
SPID/CIE identity may. The voting app checks its own, stricter rule (docs/voting.md)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from carta.errors import VerificationRequired
from carta.models import Identity
from consultations.charter.models import Amendment, Comment, RevisionStatus
from consultations.charter.services import amendments, comments
from proposals import services as proposal_services
from proposals.models import Endorsement, ProposalComment
from proposals.states import ProposalState
from stakeholders.models import Membership, Organization
from stakeholders.services import invitations, organizations
from tests.factories.consultations import AmendmentFactory, RevisionFactory, SectionFactory
from tests.factories.core import UserFactory
from tests.factories.proposals import ProposalFactory
from tests.factories.stakeholders import InvitationFactory, OrganizationFactory, make_tax_code

pytestmark = pytest.mark.django_db


def person(kind: str):
    if kind == "unverified":
        return UserFactory(verified=False)
    if kind == "verified":
        return UserFactory()
    user = UserFactory(verified=False)
    Identity.objects.create(
        user=user,
        fiscal_code="RSSMRA80A01H501U",
        provider="spid",
        level=2,
        verified_at=timezone.now(),
    )
    return user


def open_revision():
    revision = RevisionFactory(status=RevisionStatus.IN_CONSULTATION)
    SectionFactory(revision=revision, key="accesso")
    return revision


def comment_on_proposal(actor):
    proposal = ProposalFactory(state=ProposalState.PUBLISHED)
    proposal_services.add_comment(actor=actor, proposal=proposal, body="Un'ottima idea.")
    return ProposalComment.objects.filter(author=actor).exists()


def endorse_proposal(actor):
    proposal = ProposalFactory(state=ProposalState.PUBLISHED)
    proposal_services.endorse_proposal(actor=actor, proposal=proposal)
    return Endorsement.objects.filter(user=actor).exists()


def comment_on_carta(actor):
    comments.post_comment(
        actor=actor, revision=open_revision(), section_key="accesso", body="Chiarire gli orari."
    )
    return Comment.objects.filter(author=actor).exists()


def amend_carta(actor):
    amendments.propose_amendment(
        actor=actor,
        revision=open_revision(),
        kind="section",
        target_key="accesso",
        new_text="Il Segretariato Sociale è aperto anche il sabato.",
        rationale="Chi lavora non può venire in settimana.",
    )
    return Amendment.objects.filter(author=actor).exists()


def support_amendment(actor):
    revision = open_revision()
    amendment = AmendmentFactory(revision=revision, target_key="accesso")
    amendments.support_amendment(actor=actor, amendment=amendment)
    return amendment.supports.filter(user=actor).exists()


def accept_invitation(actor):
    organization = OrganizationFactory()
    InvitationFactory(organization=organization, email=actor.email, token_hash=_hash("tok-1"))
    invitations.accept_invitation(actor=actor, token="tok-1")
    return Membership.objects.filter(user=actor, organization=organization).exists()


def _hash(token):
    from stakeholders.models import Invitation

    return Invitation.hash_token(token)


def apply_for_membership(actor):
    organizations.apply_organization(
        actor=actor,
        legal_name="Associazione Aiuto in Valle",
        kind="aps",
        tax_code=make_tax_code(4242),
        areas=["elderly"],
        accept_pact=True,
    )
    return Organization.objects.filter(legal_name="Associazione Aiuto in Valle").exists()


ACTIONS = [
    comment_on_proposal,
    endorse_proposal,
    comment_on_carta,
    amend_carta,
    support_amendment,
    accept_invitation,
    apply_for_membership,
]


@pytest.mark.parametrize("action", ACTIONS, ids=lambda action: action.__name__)
def test_an_unconfirmed_address_may_not_take_part_and_nothing_is_stored(action):
    actor = person("unverified")
    with pytest.raises(VerificationRequired):
        action(actor)


@pytest.mark.parametrize("kind", ["verified", "identity"])
@pytest.mark.parametrize("action", ACTIONS, ids=lambda action: action.__name__)
def test_a_confirmed_address_or_an_identity_takes_part(action, kind):
    if action is accept_invitation and kind == "identity":
        pytest.skip("an invitation to an address needs that address confirmed: below")
    assert action(person(kind))


def test_an_invitation_needs_the_invited_address_confirmed_even_with_an_identity():
    actor = person("identity")
    with pytest.raises(VerificationRequired):
        accept_invitation(actor)
    assert not Membership.objects.filter(user=actor).exists()


def test_the_api_names_the_reason(api_as):
    actor = person("unverified")
    proposal = ProposalFactory(state=ProposalState.PUBLISHED)
    response = api_as(actor).post(
        f"/api/v1/proposals/{proposal.pk}/comments/", {"body": "Un commento"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "verification_required"
    assert not ProposalComment.objects.exists()
