"""Results of a consultation: the tally, the electorate frozen at closing, the sealing of
secret ballots after closing, and the hash-chained bulletin.

These are reads with a lazy write each, kept apart from the pure reads in ``selectors``:
the first read of a closed consultation stores its electorate, the first read of a secret
one ``SEAL_DELAY`` after closing seals its ballots, and the first bulletin of a closed
consultation stores its head. Every write is conditional, so that simultaneous first reads
store the same thing once.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carta.errors import Conflict
from consultations.voting.models import (
    Ballot,
    Consultation,
    Electorate,
    QuestionKind,
    ResultsVisibility,
    Secrecy,
    Status,
    TallyCounter,
    VoterRecord,
)
from consultations.voting.selectors import eligible_counts, summed_counts
from consultations.voting.tally import BALLOTS, percent, question_results

# Until sealed, a secret ballot lies in its table in arrival order and was written in the
# same transaction as its voter's register row. Sealing waits this long after closing, so
# that a ballot accepted just before the close has committed before the rewrite.
SEAL_DELAY = timedelta(minutes=5)
SEAL_CHUNK = 2000


def freeze_electorate(consultation: Consultation, *, now: datetime | None = None) -> bool:
    """Count and store the electorate of a closed consultation, once (idempotent).

    Two COUNT queries and one UPDATE the first time; nothing afterwards.
    """
    now = now or timezone.now()
    if consultation.electorate_frozen_at or consultation.status_at(now) != Status.CLOSED:
        return False
    counts = eligible_counts(consultation)
    updated = Consultation.objects.filter(
        pk=consultation.pk, electorate_frozen_at__isnull=True
    ).update(
        electorate_frozen_at=now,
        frozen_citizens=counts[Electorate.CITIZENS],
        frozen_organizations=counts[Electorate.ORGANIZATIONS],
    )
    if updated:
        consultation.electorate_frozen_at = now
        consultation.frozen_citizens = counts[Electorate.CITIZENS]
        consultation.frozen_organizations = counts[Electorate.ORGANIZATIONS]
    else:
        consultation.refresh_from_db()
    return bool(updated)


def tally_visible(consultation: Consultation, now: datetime | None = None) -> bool:
    """Closed: always. Open: only a public consultation with live results. A secret tally
    is never shown while open, whatever ``results_visibility`` says: any figure released
    during the vote can be differenced by a voter who controls several accounts (see
    docs/voting.md); turnout stays live."""
    status = consultation.status_at(now)
    return status == Status.CLOSED or (
        status == Status.OPEN
        and consultation.results_visibility == ResultsVisibility.LIVE
        and consultation.secrecy != Secrecy.SECRET
    )


def seal_ballots(consultation: Consultation, *, now: datetime | None = None) -> bool:
    """Rewrite a closed secret consultation's ballots, in receipt-hash order under new
    keys, and its counters, one row per key, once and not before ``SEAL_DELAY`` after
    closing (idempotent).

    Afterwards neither table follows the register's order nor shares a transaction with
    it: SQLite's rowids, PostgreSQL's ctids and xmins are those of this rewrite. Receipts,
    the bulletin (ordered by receipt hash, without keys) and the tally are unchanged.
    Nothing when not due; else a locked SELECT, per ``SEAL_CHUNK`` ballots a SELECT, a
    DELETE and an INSERT, then the counters' SUM, DELETE and INSERT, and one UPDATE.
    """
    now = now or timezone.now()
    if (
        consultation.secrecy != Secrecy.SECRET
        or consultation.ballots_sealed_at
        or now < consultation.effective_closes_at + SEAL_DELAY
    ):
        return False
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if locked.ballots_sealed_at:
            consultation.ballots_sealed_at = locked.ballots_sealed_at
            return False
        ballots = Ballot.objects.filter(consultation=consultation).order_by("receipt_hash")
        last = ""
        while chunk := list(ballots.filter(receipt_hash__gt=last)[:SEAL_CHUNK]):
            Ballot.objects.filter(pk__in=[ballot.pk for ballot in chunk]).delete()
            for ballot in chunk:
                ballot.id = uuid.uuid4()
            Ballot.objects.bulk_create(chunk)
            last = chunk[-1].receipt_hash
        counts = summed_counts(consultation.pk)
        TallyCounter.objects.filter(consultation=consultation).delete()
        TallyCounter.objects.bulk_create(
            TallyCounter(consultation=consultation, electorate=electorate, key=key, count=n)
            for electorate, keys in counts.items()
            for key, n in sorted(keys.items())
        )
        Consultation.objects.filter(pk=consultation.pk).update(ballots_sealed_at=now)
        consultation.ballots_sealed_at = now
    return True


def consultation_results(consultation: Consultation, *, now: datetime | None = None) -> dict:
    """Turnout, quorum and, where visible, every question's figures per electorate.

    Costs one aggregate query over the counters (whatever the number of ballots), plus
    two COUNTs for the live electorate while open (none once frozen), plus the freeze
    the first time after closing and the seal of secret ballots once it is due.
    Questions must be prefetched (``selectors.get_consultation_for``).
    """
    now = now or timezone.now()
    status = consultation.status_at(now)
    if status == Status.CLOSED:
        freeze_electorate(consultation, now=now)
        seal_ballots(consultation, now=now)
    counts = summed_counts(consultation.pk)
    if consultation.electorate_frozen_at:
        eligible = {
            Electorate.CITIZENS: consultation.frozen_citizens or 0,
            Electorate.ORGANIZATIONS: consultation.frozen_organizations or 0,
        }
    else:
        eligible = eligible_counts(consultation)
    visible = tally_visible(consultation, now)
    questions = list(consultation.questions.all())
    electorates = []
    for electorate in consultation.voter_kinds:
        live = counts.get(electorate, {})
        ballots = live.get(BALLOTS, 0)
        turnout = percent(ballots, eligible[electorate])
        entry: dict[str, Any] = {
            "electorate": electorate,
            "label": str(Electorate(electorate).label),
            "ballots": ballots,
            "eligible": eligible[electorate],
            "eligible_frozen": bool(consultation.electorate_frozen_at),
            "turnout_percent": turnout,
            "quorum_percent": consultation.quorum_percent,
            "quorum_met": turnout >= consultation.quorum_percent and ballots > 0,
            "counted": None,
            "questions": None,
        }
        if visible:
            entry["counted"] = ballots
            entry["questions"] = [
                question_results(
                    q, list(q.options.all()), live, ballots, consultation.threshold_percent
                )
                for q in questions
            ]
            for item in entry["questions"]:
                # Approval is the outcome of a yes / no question, and only of ballots
                # counted: a choice among options (plurality, multiple, ranking, scale) is
                # not approved or rejected, and nothing counted decides nothing.
                item["approved"] = (
                    None
                    if item["threshold_met"] is None
                    or item["kind"] != QuestionKind.YES_NO
                    or not ballots
                    else bool(item["threshold_met"] and entry["quorum_met"])
                )
        electorates.append(entry)
    return {
        "consultation": consultation.pk,
        "status": status.value,
        "secrecy": consultation.secrecy,
        "results_visibility": consultation.results_visibility,
        "tally_visible": visible,
        "threshold_percent": consultation.threshold_percent,
        "electorates": electorates,
    }


# --- The bulletin -----------------------------------------------------------------------


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


def _entries(consultation: Consultation) -> list[dict[str, Any]]:
    if consultation.secrecy == Secrecy.SECRET:
        rows = (
            Ballot.objects.filter(consultation=consultation)
            .order_by("receipt_hash")
            .values_list("receipt_hash", "electorate", "answers")
        )
        return [{"receipt_hash": h, "electorate": e, "answers": a} for h, e, a in rows.iterator()]
    rows = (
        VoterRecord.objects.filter(consultation=consultation)
        .select_related("voter", "organization")
        .order_by("electorate", "organization__legal_name", "voter__username", "id")
    )
    return [
        {
            "voter": str(r.organization) if r.organization_id else r.voter.display_name,
            "electorate": r.electorate,
            "answers": r.answers,
        }
        for r in rows
    ]


def bulletin(consultation: Consultation, *, now: datetime | None = None) -> dict[str, Any]:
    """Every ballot's content, hash-chained, or 409 ``not_published`` before it is due
    (the same for every caller: it is a matter of time, not of rights). Secret: ordered by
    receipt hash (which says nothing about when a ballot arrived); named: by electorate
    and voter. One query, and
    one conditional UPDATE storing the head the first time after closing.

    Each entry's ``chain`` is SHA-256 of the previous ``chain`` and the entry's canonical
    JSON, so changing, adding or removing any ballot changes the ``head``.
    """
    if not bulletin_available(consultation, now):
        raise Conflict(
            _("Il bollettino delle schede è pubblicato alla chiusura."), code="not_published"
        )
    entries = _entries(consultation)
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
