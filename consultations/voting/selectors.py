"""Reads of the voting app, already filtered by who asks; query costs in docstrings.

Nothing here writes. The reads that store something the first time (the electorate at
closing, a released batch of a secret live tally, the bulletin's head) are in
``consultations.voting.results``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from carta.errors import NotAllowed, NotFound
from carta.identity import identity_of, person_key
from carta.permissions import is_signed_in
from consultations.voting import permissions as perms
from consultations.voting.models import (
    Ballot,
    Consultation,
    Electorate,
    Option,
    Question,
    Secrecy,
    Status,
    TallyCounter,
    VoterRecord,
)
from stakeholders.models import Organization, OrganizationStatus


def eligible_counts(consultation: Consultation | None = None) -> dict[str, int]:
    """The size of each electorate now (two COUNT queries; one when a list applies).

    Citizens: the eligibility list's size where ``consultation`` has one; else the active
    people with a SPID/CIE identity where it requires one; else every active person."""
    if consultation is not None and consultation.has_eligibility_list:
        citizens = consultation.eligible_count
    else:
        people = get_user_model().objects.filter(is_active=True)
        if consultation is not None and consultation.requires_identity:
            people = people.filter(identity__isnull=False)
        citizens = people.count()
    return {
        Electorate.CITIZENS: citizens,
        Electorate.ORGANIZATIONS: Organization.objects.filter(
            status=OrganizationStatus.VERIFIED
        ).count(),
    }


def _ordered_options() -> Prefetch:
    return Prefetch("options", queryset=Option.objects.order_by("position", "id"))


def prefetch_questions(queryset: QuerySet[Consultation]) -> QuerySet[Consultation]:
    """``queryset`` with the revision voted on (joined), the questions and their options
    (two more queries)."""
    return queryset.select_related("revision").prefetch_related(
        Prefetch(
            "questions",
            queryset=Question.objects.prefetch_related(_ordered_options()).order_by(
                "position", "id"
            ),
        )
    )


def consultations_visible_to(
    user, *, status: str = "", now: datetime | None = None
) -> QuerySet[Consultation]:
    """Consultations the user may see, with the revision voted on (joined), filtered by
    computed status (one query)."""
    now = now or timezone.now()
    queryset = perms.consultations_visible_to(user).select_related("revision")
    if status == Status.UPCOMING:
        queryset = queryset.filter(opens_at__gt=now, closed_early_at__isnull=True).order_by(
            "opens_at", "id"
        )
    elif status == Status.OPEN:
        queryset = queryset.filter(
            opens_at__lte=now, closes_at__gt=now, closed_early_at__isnull=True
        ).order_by("closes_at", "id")
    elif status == Status.CLOSED:
        queryset = queryset.exclude(closes_at__gt=now, closed_early_at__isnull=True).order_by(
            "-closes_at", "-id"
        )
    return queryset


def get_consultation_for(
    user, pk, *, manage: bool = False, with_questions: bool = True
) -> Consultation:
    """Fetch and authorize: 404 when missing or hidden from ``user``, 403 when ``manage``
    and the user may not manage consultations. One query (the revision joined), two more
    with the questions and options."""
    queryset = perms.consultations_visible_to(user).select_related("revision")
    if with_questions:
        queryset = prefetch_questions(queryset)
    try:
        consultation = queryset.get(pk=pk)
    except (Consultation.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Consultazione non trovata.")) from None
    if manage and not perms.can_manage(user):
        raise NotAllowed()
    return consultation


# Questions and options of consultations whose rules are frozen (open or closed), per
# process: they cannot change any more, so the casting path reads them once. The key
# includes ``updated_at`` so that a consultation edited before opening is read afresh.
_FROZEN_QUESTIONS: dict[tuple[int, str], list[Question]] = {}


def ballot_questions(consultation: Consultation, now: datetime | None = None) -> list[Question]:
    """The questions with their options: none if prefetched, else two queries the first
    time and none afterwards once the consultation has opened."""
    cached = getattr(consultation, "_prefetched_objects_cache", {}).get("questions")
    if cached is not None:
        return list(cached)
    key = (consultation.pk, consultation.updated_at.isoformat())
    questions = _FROZEN_QUESTIONS.get(key)
    if questions is None:
        questions = list(
            consultation.questions.prefetch_related(_ordered_options()).order_by("position", "id")
        )
        if consultation.status_at(now) != Status.UPCOMING:
            if len(_FROZEN_QUESTIONS) > 256:
                _FROZEN_QUESTIONS.clear()
            _FROZEN_QUESTIONS[key] = questions
    return questions


def summed_counts(consultation_id: int) -> dict[str, dict[str, int]]:
    """``{electorate: {key: total}}`` summed over shards (one aggregate query)."""
    out: dict[str, dict[str, int]] = {}
    rows = (
        TallyCounter.objects.filter(consultation_id=consultation_id)
        .values_list("electorate", "key")
        .annotate(total=Sum("count"))
        .order_by()
    )
    for electorate, key, total in rows:
        out.setdefault(electorate, {})[key] = int(total)
    return out


def check_receipt(consultation: Consultation, token: str, *, now: datetime | None = None):
    """The secret ballot matching a receipt token, or ``NotFound``. One query."""
    if consultation.secrecy != Secrecy.SECRET:
        raise NotFound(_("Le ricevute esistono solo per le consultazioni a voto segreto."))
    receipt_hash = Ballot.hash_receipt(token or "")
    ballot = Ballot.objects.filter(consultation=consultation, receipt_hash=receipt_hash).first()
    if ballot is None:
        raise NotFound(_("Nessuna scheda corrisponde a questa ricevuta."))
    return {
        "receipt_hash": receipt_hash,
        "electorate": ballot.electorate,
        "answers": ballot.answers,
        "counted": True,
        "published": consultation.status_at(now) == Status.CLOSED,
    }


def own_records(user, consultation: Consultation) -> list[VoterRecord]:
    """The user's register rows here: as a citizen (where SPID/CIE is required, the
    person's, whichever of their accounts cast it) and for organizations. One query, two
    the first time the user's identity is read."""
    if not is_signed_in(user):
        return []
    mine = Q(voter=user)
    identity = identity_of(user) if consultation.requires_identity else None
    if identity is not None:
        mine |= Q(electorate=Electorate.CITIZENS, person_key=person_key(identity.fiscal_code))
    return list(
        VoterRecord.objects.filter(mine, consultation=consultation).select_related("organization")
    )


def organizations_that_voted(consultation: Consultation, organizations) -> set[int]:
    """Which of ``organizations`` already have a ballot here (one query)."""
    return set(
        VoterRecord.objects.filter(
            consultation=consultation, organization__in=organizations
        ).values_list("organization_id", flat=True)
    )


@dataclass
class Capacity:
    """One way the person may vote here: as a citizen (``organization`` is ``None``) or
    for one organization; the register row already cast in it, if any; whether that
    ballot may still be changed (``permissions.may_change_ballot``)."""

    choice: str  # the ballot form's ``voting_as``: "citizen" or "org:<id>"
    organization: Organization | None
    record: VoterRecord | None
    may_change: bool

    @property
    def may_act(self) -> bool:
        """A ballot to cast, or one to change."""
        return self.record is None or self.may_change


@dataclass
class VotingPage:
    """What the voting page shows: the consultation's state, the person's capacities
    (none means no right to vote: ``citizen_refusal`` says why, as a citizen)."""

    status: str
    capacities: list[Capacity] = field(default_factory=list)
    citizen_refusal: NotAllowed | None = None

    @property
    def to_act(self) -> list[Capacity]:
        """The capacities the ballot form offers: only while open (``ballots._check_open``
        asks the same ``status_at``), those not yet cast or changeable."""
        if self.status != Status.OPEN:
            return []
        return [c for c in self.capacities if c.may_act]


def voting_page(user, consultation: Consultation, *, now: datetime | None = None) -> VotingPage:
    """The person's rights, ballots and what they may still do, decided by the predicates
    casting and changing use (``permissions.citizen_refusal``,
    ``permissions.organizations_voting_for``, ``permissions.may_change_ballot``,
    ``Consultation.status_at``), and the register rows found the way ``change_ballot``
    finds them (the person's key where SPID/CIE is required, else the account; the
    organization's row whoever cast it), so that the page and a submission cannot
    disagree. Queries: the citizen's refusal (one to three), the organizations (one,
    where they vote), the register rows (one)."""
    refusal = perms.citizen_refusal(user, consultation)
    organizations: list[Organization] = []
    if Electorate.ORGANIZATIONS in consultation.voter_kinds and is_signed_in(user):
        organizations = list(perms.organizations_voting_for(user))
    page = VotingPage(status=consultation.status_at(now), citizen_refusal=refusal)
    if refusal is not None and not organizations:
        return page
    wanted = Q(pk__in=[])
    citizen_lookup: dict = {}
    if refusal is None:
        identity = identity_of(user) if consultation.requires_identity else None
        if identity is not None:
            citizen_lookup = {"person_key": person_key(identity.fiscal_code)}
        else:
            citizen_lookup = {"voter": user}
        wanted |= Q(electorate=Electorate.CITIZENS, **citizen_lookup)
    if organizations:
        wanted |= Q(electorate=Electorate.ORGANIZATIONS, organization__in=organizations)
    rows = list(VoterRecord.objects.filter(wanted, consultation=consultation))
    changeable = perms.may_change_ballot(consultation)
    if refusal is None:
        mine = next((r for r in rows if r.electorate == Electorate.CITIZENS), None)
        page.capacities.append(Capacity("citizen", None, mine, changeable))
    for organization in organizations:
        cast = next((r for r in rows if r.organization_id == organization.pk), None)
        page.capacities.append(Capacity(f"org:{organization.pk}", organization, cast, changeable))
    return page
