"""Casting and changing ballots: one service for every surface (the voting page and the
API, citizens and organizations).

Casting is not audited row by row: the register (``VoterRecord``) is the record of who
voted, and an audit row with a timestamp would link a secret ballot to its voter as surely
as a timestamp on the ballot itself.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carta import ratelimit
from carta.errors import Conflict
from carta.identity import identity_of, person_key
from consultations.voting import live
from consultations.voting import permissions as perms
from consultations.voting.answers import validate_answers
from consultations.voting.models import (
    Ballot,
    Consultation,
    Electorate,
    Secrecy,
    Status,
    TallyCounter,
    VoterRecord,
)
from consultations.voting.selectors import ballot_questions
from consultations.voting.tally import ballot_keys

# Concurrent ballots add to one of this many copies of each counter, so that they seldom
# wait on the same row; results sum the copies.
SHARDS = 16

_COUNTERS = TallyCounter._meta.db_table


@dataclass
class CastResult:
    record: VoterRecord
    electorate: str
    receipt: str | None  # the secret ballot's receipt token, shown once and never stored


def count_vote_attempt(user_id: int) -> None:
    """One attempt to vote, against the ``vote`` rate (30 a minute per person unless
    ``CARTA_THROTTLE_VOTE`` says otherwise); ``RateLimited`` past it. The voting page and
    the API count in the same place."""
    ratelimit.hit_scope("vote", str(user_id), default="30/min")


def add_counts(consultation_id: int, electorate: str, keys: Mapping[str, int]) -> None:
    """Add ``keys`` to the running tally on one random shard: one upsert (``INSERT ... ON
    CONFLICT DO UPDATE``), whose rows are in key order so that two ballots on the same
    shard lock them in the same order and cannot deadlock. No query if nothing changes."""
    rows = [(key, n) for key, n in sorted(keys.items()) if n]
    if not rows:
        return
    shard = secrets.randbelow(SHARDS)
    params: list[Any] = []
    for key, n in rows:
        params += [consultation_id, electorate, key, shard, n]
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_COUNTERS} (consultation_id, electorate, key, shard, count) "  # noqa: S608
            f"VALUES {values} ON CONFLICT (consultation_id, electorate, key, shard) "
            f"DO UPDATE SET count = {_COUNTERS}.count + EXCLUDED.count",
            params,
        )


def _check_open(consultation: Consultation, now: datetime) -> None:
    if consultation.status_at(now) != Status.OPEN:
        raise Conflict(_("La consultazione non è aperta al voto."), code="not_open")


def _already_voted(organization) -> Conflict:
    if organization is not None:
        message = _("L'organizzazione ha già votato in questa consultazione.")
    else:
        message = _("Hai già votato in questa consultazione.")
    return Conflict(message, code="already_voted")


def _person_key(actor, consultation: Consultation, electorate: str) -> str:
    """The register's person key of a citizen's ballot where SPID/CIE is required, else
    "" (``check_may_vote`` has made sure of the identity, which it read: no query)."""
    if electorate != Electorate.CITIZENS or not consultation.requires_identity:
        return ""
    return person_key(identity_of(actor).fiscal_code)


def cast_ballot(
    *,
    actor,
    consultation: Consultation,
    answers: Any,
    organization=None,
    now: datetime | None = None,
) -> CastResult:
    """Store one ballot: the register row first, then the secret ballot, then the tally,
    in one transaction; the tally is pushed live after the commit.

    Refusals: 403 without the right to vote (as a citizen or for ``organization``), 409
    outside the window (code ``not_open``), 400 for an answer that does not fit its
    question, 409 for a second ballot (code ``already_voted``). The register's unique
    constraints decide between simultaneous ballots of the same voter: per account, per
    organization and, where SPID/CIE is required, per person (``person_key``, the keyed
    digest of the fiscal code), so that a second account of the same person is refused
    too. The INSERT is the check, so there is no window between checking and inserting.
    Queries: the right (``permissions.citizen_refusal``: one to three for citizens; one for
    organizations), questions and options (two unless prefetched or cached), then the
    register row, the ballot (secret) and the counters.
    """
    now = now or timezone.now()
    electorate = perms.check_may_vote(actor, consultation, organization)
    _check_open(consultation, now)
    questions = ballot_questions(consultation, now)
    clean = validate_answers(questions, answers)
    secret = consultation.secrecy == Secrecy.SECRET
    receipt = secrets.token_urlsafe(24) if secret else None
    key = _person_key(actor, consultation, electorate)
    try:
        with transaction.atomic():
            record = VoterRecord.objects.create(
                consultation=consultation,
                electorate=electorate,
                voter=actor,
                organization=organization,
                person_key=key,
                voted_at=now,
                answers={} if secret else clean,
            )
            if secret:
                Ballot.objects.create(
                    consultation=consultation,
                    electorate=electorate,
                    answers=clean,
                    receipt_hash=Ballot.hash_receipt(receipt),
                )
            add_counts(consultation.pk, electorate, ballot_keys(questions, clean))
    except IntegrityError:
        raise _already_voted(organization) from None
    consultation_id = consultation.pk
    transaction.on_commit(lambda: live.tally_changed(consultation_id))
    return CastResult(record=record, electorate=electorate, receipt=receipt)


def change_ballot(
    *,
    actor,
    consultation: Consultation,
    answers: Any,
    organization=None,
    now: datetime | None = None,
) -> VoterRecord:
    """Replace a public ballot, where the rules allow it, until closing: the register row
    (locked) and the tally's difference, in one transaction."""
    now = now or timezone.now()
    electorate = perms.check_may_vote(actor, consultation, organization)
    _check_open(consultation, now)
    if not perms.may_change_ballot(consultation):
        raise Conflict(_("In questa consultazione il voto non può essere modificato."))
    questions = ballot_questions(consultation, now)
    clean = validate_answers(questions, answers)
    if organization is not None:
        lookup: dict[str, Any] = {"organization": organization}
    elif key := _person_key(actor, consultation, electorate):
        # The person's ballot, whichever of their accounts cast it.
        lookup = {"person_key": key}
    else:
        lookup = {"voter": actor}
    with transaction.atomic():
        record = (
            VoterRecord.objects.select_for_update()
            .filter(consultation=consultation, electorate=electorate, **lookup)
            .first()
        )
        if record is None:
            raise Conflict(_("Non risulta ancora un voto da modificare."), code="not_voted")
        delta = {k: -n for k, n in ballot_keys(questions, record.answers).items()}
        for key, n in ballot_keys(questions, clean).items():
            delta[key] = delta.get(key, 0) + n
        record.answers = clean
        record.changed_at = now
        record.voter = actor
        record.save(update_fields=["answers", "changed_at", "voter"])
        add_counts(consultation.pk, electorate, delta)
    consultation_id = consultation.pk
    transaction.on_commit(lambda: live.tally_changed(consultation_id))
    return record
