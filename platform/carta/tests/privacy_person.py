"""A person who did everything the platform records, for the tests of the data download
and of the erasure (``carta.privacy``), and a second person whose data must never show
in the first one's download."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from carta import tokens
from carta.models import (
    DigestItem,
    EmailDelivery,
    Flag,
    Follow,
    NotificationPreference,
    NotificationSettings,
)
from carta.services import record_audit
from consultations.charter.models import AmendmentSupport, RevisionStatus
from consultations.voting.ballots import cast_ballot
from consultations.voting.models import QuestionKind, Secrecy
from feedback.models import CommitmentMeasurement, Complaint, Evaluation, LastEvaluation
from proposals.models import ProposalState, ProposalVersion
from stakeholders.models import PactAcceptance, Role
from tests.factories import (
    AmendmentFactory,
    CommentFactory,
    ComplaintFactory,
    ConsultationFactory,
    EndorsementFactory,
    InvitationFactory,
    MembershipFactory,
    NotificationFactory,
    OrganizationFactory,
    PartnershipFactory,
    ProposalCommentFactory,
    ProposalFactory,
    UserFactory,
    carta_revision,
    give_identity,
)

HIDDEN_TEXT = "Il mio commento che i moderatori hanno nascosto."


@dataclass
class Everything:
    person: object
    other: object
    organization: object
    public_option: str
    secret_receipt: str
    complaint: Complaint


def person_who_did_everything() -> Everything:
    other = UserFactory(
        username="bruno.altri", first_name="Bruno", last_name="Altrimenti", email="bruno@x.org"
    )
    person = UserFactory(
        username="anna.tutto", first_name="Anna", last_name="Tuttofare", email="anna@x.org"
    )
    # Account, identity, gateways, security.
    give_identity(person, fiscal_code="RSSMRA80A01H501U")
    SocialAccount.objects.create(
        user=person, provider="spid", uid="soggetto-anna", extra_data={"fiscalNumber": "TINIT"}
    )
    UserSession.objects.create(
        user=person, ip="203.0.113.7", user_agent="Firefox di Anna", session_key="s-anna"
    )
    Authenticator.objects.create(
        user=person, type=Authenticator.Type.TOTP, data={"secret": "SEGRETOTOTP"}
    )
    tokens.issue_token(user=person)
    NotificationFactory(recipient=person, title="Una notifica per Anna")
    record_audit(actor=person, verb="test.did_something", target=person)

    # The network: a member of one organization, invited to another, who invited someone.
    organization = OrganizationFactory(legal_name="Associazione Tutti Insieme")
    MembershipFactory(user=other, organization=organization, role=Role.REPRESENTATIVE)
    MembershipFactory(user=person, organization=organization, role=Role.EDITOR)
    InvitationFactory(organization=OrganizationFactory(), email=person.email, invitee=person)
    InvitationFactory(organization=organization, email="invitata@x.org", invited_by=person)
    PactAcceptance.objects.create(organization=organization, revision_number=1, accepted_by=person)

    # Proposals.
    proposal = ProposalFactory(
        organization=organization,
        created_by=person,
        title="Orti sociali di Anna",
        state=ProposalState.PUBLISHED,
    )
    ProposalVersion.objects.create(
        proposal=proposal,
        number=1,
        title=proposal.title,
        summary="Prima versione",
        created_by=person,
    )
    ProposalCommentFactory(proposal=proposal, author=person, body="Commento alla proposta")
    ProposalCommentFactory(proposal=proposal, author=other, body="Commento di Bruno")
    EndorsementFactory(proposal=proposal, user=person)
    Follow.objects.create(
        user=person,
        content_type=ContentType.objects.get_for_model(proposal),
        object_id=proposal.pk,
    )
    NotificationPreference.objects.create(
        user=person, kind="proposal.published", in_app=True, email=False
    )
    NotificationSettings.objects.create(user=person, email_delivery=EmailDelivery.DAILY)
    DigestItem.objects.create(recipient=person, kind="test", title="Nel riepilogo di Anna")
    PartnershipFactory(proposal=ProposalFactory(), organization=organization, created_by=person)

    # The Carta: comments (one hidden, one with an outcome), an amendment, a support.
    revision = carta_revision(status=RevisionStatus.ADOPTED)
    CommentFactory(revision=revision, author=person, body="Il mio commento alla Carta")
    CommentFactory(
        revision=revision,
        author=person,
        body=HIDDEN_TEXT,
        hidden_at=timezone.now(),
        hidden_by=other,
        hidden_reason="Fuori tema",
    )
    CommentFactory(revision=revision, author=other, body="Il commento di Bruno")
    amendment = AmendmentFactory(revision=revision, author=other, new_text="Testo di Bruno")
    AmendmentFactory(revision=revision, author=person, new_text="Testo proposto da Anna")
    AmendmentSupport.objects.create(amendment=amendment, user=person)

    # Votes: one public ballot (named), one secret ballot (never linked to her).
    public = ConsultationFactory(
        title="Consultazione palese",
        questions=[
            {"kind": QuestionKind.SINGLE, "text": "Quale servizio?", "options": ["SAD", "ADI"]}
        ],
    )
    question = public.questions.get()
    option = question.options.get(label="ADI")
    cast_ballot(actor=person, consultation=public, answers={str(question.pk): option.pk})
    secret = ConsultationFactory(
        title="Consultazione segreta",
        secrecy=Secrecy.SECRET,
        questions=[{"kind": QuestionKind.YES_NO, "text": "Approvi la Carta?"}],
    )
    secret_question = secret.questions.get()
    result = cast_ballot(
        actor=person, consultation=secret, answers={str(secret_question.pk): "abstain"}
    )

    # Feedback: a complaint with contact data, an evaluation, a measurement, a flag.
    complaint = ComplaintFactory(
        submitted_by=person,
        description="Il mio reclamo sul servizio",
        contact_name="Anna Tuttofare",
        contact_email="anna@x.org",
    )
    ComplaintFactory(description="Reclamo di un altro", contact_name="Bruno Altrimenti")
    service = revision.services.first()
    now = timezone.now()
    Evaluation.objects.create(
        service=service,
        service_key=service.key,
        access=4,
        timeliness=3,
        courtesy=5,
        clarity=4,
        overall=4,
        comment="Valutazione di Anna",
        user=person,
        created_at=now,
        period="2026-Q4",
    )
    LastEvaluation.objects.create(user=person, service_key=service.key, evaluated_at=now)
    commitment = service.commitments.first()
    CommitmentMeasurement.objects.create(
        commitment=commitment,
        commitment_key=commitment.key,
        service_key=service.key,
        period="2026-Q3",
        value=Decimal("12"),
        direction="at_most",
        note="Misura di Anna",
        recorded_by=person,
        recorded_at=now - datetime.timedelta(days=1),
    )
    Flag.objects.create(
        reporter=person,
        content_type=ContentType.objects.get_for_model(amendment),
        object_id=amendment.pk,
        reason="Segnalo questo emendamento",
    )
    return Everything(
        person=person,
        other=other,
        organization=organization,
        public_option=option.label,
        secret_receipt=result.receipt,
        complaint=complaint,
    )
