"""Reads of the voting app, already filtered by who asks; query costs in docstrings."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Prefetch, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from carta.errors import NotAllowed, NotFound
from consultations.voting import permissions as perms
from consultations.voting.models import (
    Ballot,
    Consultation,
    Electorate,
    Option,
    Question,
    ResultsVisibility,
    Secrecy,
    Status,
    TallyCounter,
    VoterRecord,
)
from consultations.voting.tally import BALLOTS, percent, question_results
from stakeholders.models import Organization, OrganizationStatus

# A secret consultation with live results shows its tally only in steps of at least this
# many new ballots, so that no single vote can be read off a change.
RELEASE_BATCH = 10


def eligible_counts() -> dict[str, int]:
    """The size of each electorate now (two COUNT queries)."""
    return {
        Electorate.CITIZENS: get_user_model().objects.filter(is_active=True).count(),
        Electorate.ORGANIZATIONS: Organization.objects.filter(
            status=OrganizationStatus.VERIFIED
        ).count(),
    }


def _with_questions(queryset: QuerySet[Consultation]) -> QuerySet[Consultation]:
    return queryset.prefetch_related(
        Prefetch(
            "questions",
            queryset=Question.objects.prefetch_related(
                Prefetch("options", queryset=Option.objects.order_by("position", "id"))
            ).order_by("position", "id"),
        ),
        "subject_items",
    )


def consultations_visible_to(
    user, *, status: str = "", now: datetime | None = None
) -> QuerySet[Consultation]:
    """Consultations the user may see, filtered by computed status (one query)."""
    now = now or timezone.now()
    queryset = Consultation.objects.all()
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
    """Fetch and authorize: 404 when missing, 403 when ``manage`` and not staff.
    One query, three more with the questions, options and subject."""
    queryset = Consultation.objects.all()
    if with_questions:
        queryset = _with_questions(queryset)
    try:
        consultation = queryset.get(pk=pk)
    except (Consultation.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Consultazione non trovata.")) from None
    if not perms.can_view(user, consultation):
        raise NotFound(_("Consultazione non trovata."))
    if manage and not perms.can_manage(user):
        raise NotAllowed()
    return consultation


# Questions and options of consultations whose rules are frozen (open or closed), per
# process: they cannot change any more, so the casting path reads them once. The key
# includes ``updated_at`` so that a consultation edited before opening is read afresh.
_FROZEN_QUESTIONS: dict[tuple[int, str], list[Question]] = {}


def frozen_questions(consultation: Consultation) -> list[Question] | None:
    """The questions if this process has already read them since the consultation opened
    (no query), else ``None``."""
    return _FROZEN_QUESTIONS.get((consultation.pk, consultation.updated_at.isoformat()))


def ballot_questions(consultation: Consultation, now: datetime | None = None) -> list[Question]:
    """The questions with their options (two queries the first time, none afterwards once
    the consultation has opened)."""
    cached = getattr(consultation, "_prefetched_objects_cache", {}).get("questions")
    if cached is not None:
        return list(cached)
    questions = frozen_questions(consultation)
    if questions is None:
        questions = list(
            consultation.questions.prefetch_related(
                Prefetch("options", queryset=Option.objects.order_by("position", "id"))
            ).order_by("position", "id")
        )
        if consultation.status_at(now) != Status.UPCOMING:
            if len(_FROZEN_QUESTIONS) > 256:
                _FROZEN_QUESTIONS.clear()
            _FROZEN_QUESTIONS[(consultation.pk, consultation.updated_at.isoformat())] = questions
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


def tally_visible(consultation: Consultation, now: datetime | None = None) -> bool:
    return (
        consultation.status_at(now) == Status.CLOSED
        or consultation.results_visibility == ResultsVisibility.LIVE
    ) and consultation.status_at(now) != Status.UPCOMING


def _released(consultation: Consultation, electorate: str, counts: dict[str, int]) -> dict:
    """The batch of a secret live tally that may be shown; releases a new batch when at
    least ``RELEASE_BATCH`` ballots arrived since the last (then: one locked UPDATE)."""
    shown = consultation.released.get(electorate) or {"ballots": 0, "counts": {}}
    if counts.get(BALLOTS, 0) - shown["ballots"] < RELEASE_BATCH:
        return shown
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().only("released").get(pk=consultation.pk)
        released = dict(locked.released or {})
        shown = released.get(electorate) or {"ballots": 0, "counts": {}}
        if counts.get(BALLOTS, 0) - shown["ballots"] >= RELEASE_BATCH:
            shown = {"ballots": counts.get(BALLOTS, 0), "counts": counts}
            released[electorate] = shown
            Consultation.objects.filter(pk=consultation.pk).update(released=released)
        consultation.released = released
    return shown


def consultation_results(
    consultation: Consultation,
    *,
    now: datetime | None = None,
    counts: dict[str, dict[str, int]] | None = None,
    eligible: dict[str, int] | None = None,
) -> dict[str, Any]:
    """Turnout, quorum and, where visible, every question's figures per electorate.

    Costs one aggregate query over the counters (whatever the number of ballots), plus
    two COUNTs for the live electorate while open (none once frozen), plus the freeze
    the first time after closing. Questions must be prefetched (``get_consultation_for``).
    """
    from consultations.voting.services import freeze_electorate

    now = now or timezone.now()
    status = consultation.status_at(now)
    if status == Status.CLOSED:
        freeze_electorate(consultation, now=now)
    if counts is None:
        counts = summed_counts(consultation.pk)
    if consultation.electorate_frozen_at:
        eligible = {
            Electorate.CITIZENS: consultation.frozen_citizens or 0,
            Electorate.ORGANIZATIONS: consultation.frozen_organizations or 0,
        }
    elif eligible is None:
        eligible = eligible_counts()
    visible = tally_visible(consultation, now)
    batched = visible and status == Status.OPEN and consultation.secrecy == Secrecy.SECRET
    questions = list(consultation.questions.all())
    electorates = []
    for electorate in consultation.voter_kinds:
        live = counts.get(electorate, {})
        ballots = live.get(BALLOTS, 0)
        entry: dict[str, Any] = {
            "electorate": electorate,
            "label": str(Electorate(electorate).label),
            "ballots": ballots,
            "eligible": eligible[electorate],
            "eligible_frozen": bool(consultation.electorate_frozen_at),
            "turnout_percent": percent(ballots, eligible[electorate]),
            "quorum_percent": consultation.quorum_percent,
            "quorum_met": percent(ballots, eligible[electorate]) >= consultation.quorum_percent
            and ballots > 0,
            "counted": None,
            "questions": None,
        }
        if visible:
            shown = (
                _released(consultation, electorate, live)
                if batched
                else {
                    "ballots": ballots,
                    "counts": live,
                }
            )
            entry["counted"] = shown["ballots"]
            entry["questions"] = [
                question_results(
                    q,
                    list(q.options.all()),
                    shown["counts"],
                    shown["ballots"],
                    consultation.threshold_percent,
                )
                for q in questions
            ]
            for item in entry["questions"]:
                item["approved"] = (
                    None
                    if item["threshold_met"] is None
                    else bool(item["threshold_met"] and entry["quorum_met"])
                )
        electorates.append(entry)
    return {
        "consultation": consultation.pk,
        "status": status.value,
        "secrecy": consultation.secrecy,
        "results_visibility": consultation.results_visibility,
        "tally_visible": visible,
        "batched": batched,
        "batch_size": RELEASE_BATCH if batched else None,
        "threshold_percent": consultation.threshold_percent,
        "electorates": electorates,
    }


# --- Bulletin and receipts --------------------------------------------------------------


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_start(consultation: Consultation) -> str:
    return hashlib.sha256(f"carta-consultation-{consultation.pk}".encode()).hexdigest()


def chain_next(previous: str, entry: dict[str, Any]) -> str:
    return hashlib.sha256((previous + canonical(entry)).encode()).hexdigest()


def bulletin_available(consultation: Consultation, now: datetime | None = None) -> bool:
    """Secret ballots are published after closing; named ones when the tally is visible."""
    if consultation.secrecy == Secrecy.SECRET:
        return consultation.status_at(now) == Status.CLOSED
    return tally_visible(consultation, now)


def bulletin(consultation: Consultation, *, now: datetime | None = None) -> dict[str, Any]:
    """Every ballot's content, hash-chained. Secret: ordered by receipt hash (which says
    nothing about when a ballot arrived); named: by electorate and voter. One query.

    Each entry's ``chain`` is SHA-256 of the previous ``chain`` and the entry's canonical
    JSON, so changing, adding or removing any ballot changes the ``head``.
    """
    if not bulletin_available(consultation, now):
        raise NotAllowed(_("Il bollettino delle schede è pubblicato alla chiusura."))
    entries: list[dict[str, Any]] = []
    if consultation.secrecy == Secrecy.SECRET:
        rows = (
            Ballot.objects.filter(consultation=consultation)
            .order_by("receipt_hash")
            .values_list("receipt_hash", "electorate", "answers")
        )
        entries = [
            {"receipt_hash": h, "electorate": e, "answers": a} for h, e, a in rows.iterator()
        ]
    else:
        rows = (
            VoterRecord.objects.filter(consultation=consultation)
            .select_related("voter", "organization")
            .order_by("electorate", "organization__legal_name", "voter__username", "id")
        )
        entries = [
            {
                "voter": str(r.organization) if r.organization_id else r.voter.display_name,
                "electorate": r.electorate,
                "answers": r.answers,
            }
            for r in rows
        ]
    previous = chain_start(consultation)
    for entry in entries:
        previous = chain_next(previous, entry)
        entry["chain"] = previous
    if consultation.status_at(now) == Status.CLOSED and not consultation.bulletin_head:
        Consultation.objects.filter(pk=consultation.pk, bulletin_head="").update(
            bulletin_head=previous
        )
        consultation.bulletin_head = previous
    return {
        "consultation": consultation.pk,
        "start": chain_start(consultation),
        "head": previous,
        "published_head": consultation.bulletin_head or None,
        "ballots": entries,
    }


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
    """The user's register rows here: as a citizen and for organizations (one query)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        VoterRecord.objects.filter(consultation=consultation, voter=user).select_related(
            "organization"
        )
    )


def organizations_that_voted(consultation: Consultation, organizations) -> set[int]:
    """Which of ``organizations`` already have a ballot here (one query)."""
    return set(
        VoterRecord.objects.filter(
            consultation=consultation, organization__in=organizations
        ).values_list("organization_id", flat=True)
    )
