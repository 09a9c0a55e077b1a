"""Writes of the voting app: consultations, their questions, ballots, early closing.

Every function takes keyword-only arguments and an ``actor``; it validates, writes in one
transaction, records the audit row, and notifies and broadcasts only after the commit.

Casting a ballot is not audited row by row: the register (``VoterRecord``) is the record
of who voted, and an audit row with a timestamp would link a secret ballot to its voter
as surely as a timestamp on the ballot itself.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carta import ratelimit
from carta.errors import Conflict, InvalidInput, NotAllowed
from carta.services import diff_fields, notify, record_audit
from consultations.voting import live
from consultations.voting import permissions as perms
from consultations.voting.models import (
    SCALE_VALUES,
    YES_NO_ANSWERS,
    Ballot,
    Consultation,
    Electorate,
    Option,
    Question,
    QuestionKind,
    ResultsVisibility,
    Secrecy,
    Status,
    SubjectItem,
    SubjectKind,
    TallyCounter,
    VoterRecord,
)
from consultations.voting.tally import ballot_keys

# Concurrent ballots add to one of this many copies of each counter, so that they seldom
# wait on the same row; results sum the copies.
SHARDS = 16

RULE_FIELDS = (
    "title",
    "description",
    "subject_kind",
    "opens_at",
    "closes_at",
    "electorate",
    "secrecy",
    "results_visibility",
    "quorum_percent",
    "threshold_percent",
    "changeable",
)


@dataclass
class CastResult:
    record: VoterRecord
    electorate: str
    receipt: str | None  # the secret ballot's receipt token, shown once and never stored


# --- Answers --------------------------------------------------------------------------


def _invalid(question: Question, message: str) -> InvalidInput:
    return InvalidInput(
        _("Domanda «%(question)s»: %(message)s") % {"question": question.text, "message": message},
        field=f"answers.{question.pk}",
    )


def _as_int(question: Question, value: Any) -> int:
    if isinstance(value, bool):
        raise _invalid(question, _("valore non valido."))
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _invalid(question, _("valore non valido.")) from None


def validate_answers(questions: list[Question], answers: Any) -> dict[str, Any]:
    """Check every answer against its question; return them in canonical form.

    Raises ``InvalidInput`` naming the first question at fault (field ``answers.<id>``).
    Options must be prefetched (``questions.prefetch_related("options")``): no queries.
    """
    if not isinstance(answers, Mapping):
        raise InvalidInput(_("Le risposte devono essere un oggetto."), field="answers")
    known = {str(q.pk) for q in questions}
    unknown = [key for key in answers if str(key) not in known]
    if unknown:
        raise InvalidInput(
            _("Domanda sconosciuta: %(key)s.") % {"key": unknown[0]}, field="answers"
        )
    clean: dict[str, Any] = {}
    for question in questions:
        key = str(question.pk)
        value = answers.get(key, answers.get(question.pk))
        if value is None or value == "" or value == []:
            raise _invalid(question, _("manca la risposta."))
        option_ids = {o.pk for o in question.options.all()}
        kind = question.kind
        if kind == QuestionKind.SINGLE:
            choice = _as_int(question, value)
            if choice not in option_ids:
                raise _invalid(question, _("opzione sconosciuta."))
            clean[key] = choice
        elif kind == QuestionKind.MULTIPLE:
            if not isinstance(value, list):
                value = [value]
            choices = [_as_int(question, v) for v in value]
            if len(set(choices)) != len(choices):
                raise _invalid(question, _("la stessa opzione è indicata più volte."))
            if not set(choices) <= option_ids:
                raise _invalid(question, _("opzione sconosciuta."))
            limit = question.max_choices or len(option_ids)
            if len(choices) > limit:
                raise _invalid(
                    question, _("si possono scegliere al massimo %(n)d opzioni.") % {"n": limit}
                )
            clean[key] = sorted(choices)
        elif kind == QuestionKind.YES_NO:
            if value not in YES_NO_ANSWERS:
                raise _invalid(question, _("la risposta deve essere sì, no o astensione."))
            clean[key] = value
        elif kind == QuestionKind.RANKING:
            if not isinstance(value, list):
                raise _invalid(question, _("l'ordinamento deve essere un elenco di opzioni."))
            order = [_as_int(question, v) for v in value]
            if len(order) != len(option_ids) or set(order) != option_ids:
                raise _invalid(
                    question,
                    _("l'ordinamento deve comprendere ogni opzione una e una sola volta."),
                )
            clean[key] = order
        elif kind == QuestionKind.SCALE:
            score = _as_int(question, value)
            if score not in SCALE_VALUES:
                raise _invalid(question, _("il valore deve essere compreso tra 1 e 5."))
            clean[key] = score
    return clean


# --- Counters -------------------------------------------------------------------------


def _counter_rows(consultation_id: int, electorate: str, keys: Mapping[str, int]):
    """``VALUES`` rows of counter increments, in key order (so that two ballots on the
    same shard lock the rows in the same order and cannot deadlock), with their params."""
    rows = [(k, n) for k, n in sorted(keys.items()) if n]
    shard = secrets.randbelow(SHARDS)
    params: list[Any] = []
    for key, n in rows:
        params += [consultation_id, electorate, key, shard, n]
    return ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows)), params


_COUNTERS = TallyCounter._meta.db_table
_ADD_TO_COUNTERS = (
    f"ON CONFLICT (consultation_id, electorate, key, shard) "
    f"DO UPDATE SET count = {_COUNTERS}.count + EXCLUDED.count"
)


def counts_sql(consultation_id: int, electorate: str, keys: Mapping[str, int]):
    """``keys`` added to the running tally in one statement (INSERT ... ON CONFLICT), as
    ``(sql, params)``, or ``None`` when there is nothing to add."""
    values, params = _counter_rows(consultation_id, electorate, keys)
    if not params:
        return None
    sql = (
        f"INSERT INTO {_COUNTERS} (consultation_id, electorate, key, shard, count) "  # noqa: S608
        f"VALUES {values} {_ADD_TO_COUNTERS}"
    )
    return sql, params


def add_counts(consultation_id: int, electorate: str, keys: Mapping[str, int]) -> None:
    """Add ``keys`` to the running tally (see ``counts_sql``)."""
    statement = counts_sql(consultation_id, electorate, keys)
    if statement is not None:
        with connection.cursor() as cursor:
            cursor.execute(*statement)


# --- Casting --------------------------------------------------------------------------


def _questions(consultation: Consultation) -> list[Question]:
    from consultations.voting.selectors import ballot_questions

    return ballot_questions(consultation)


def _check_open(consultation: Consultation, now: datetime) -> None:
    if consultation.status_at(now) != Status.OPEN:
        raise Conflict(_("La consultazione non è aperta al voto."), code="not_open")


def count_vote_attempt(user_id: int) -> None:
    """One attempt to vote, against the ``vote`` rate (30 a minute per person unless
    ``CARTA_THROTTLE_VOTE`` says otherwise); ``RateLimited`` past it. The voting page, the
    API and its ballot fast path count in the same place."""
    ratelimit.hit_scope("vote", str(user_id), default="30/min")


_INSERTS: dict[tuple[type, bool], str] = {}


def _db_values(obj) -> tuple[list, tuple]:
    """The columns Django inserts for ``obj`` and their values, prepared as it does."""
    from django.db import connections

    meta = obj._meta
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
    database = connections["default"]
    return fields, tuple(f.get_db_prep_save(f.pre_save(obj, True), database) for f in fields)


def _insert_sql(obj, *, first: bool = False) -> tuple[str, tuple]:
    """The INSERT that Django would run for ``obj``, compiled but not run. With ``first``,
    a row that breaks a unique constraint is skipped instead (``ON CONFLICT DO NOTHING``
    on PostgreSQL, ``INSERT OR IGNORE`` on SQLite) and the statement returns the new id,
    so that an empty result means the constraint refused it.

    Django's compiler writes the SQL once per model; later calls only prepare the values
    the way it does (``pre_save``, then ``get_db_prep_save``).
    """
    from django.db.models.constants import OnConflict
    from django.db.models.sql import InsertQuery

    model = type(obj)
    meta = model._meta
    sql = _INSERTS.get((model, first))
    if sql is not None:
        return sql, _db_values(obj)[1]
    fields = _db_values(obj)[0]
    query = InsertQuery(model, on_conflict=OnConflict.IGNORE if first else None)
    query.insert_values(fields, [obj])
    compiler = query.get_compiler(using="default")
    compiler.returning_fields = [meta.pk] if first else None
    [(sql, params)] = compiler.as_sql()
    _INSERTS[(model, first)] = sql
    return sql, params


@dataclass
class BallotWrites:
    """One ballot ready to store: the rows as SQL statements, to run in order in one
    transaction. The first inserts the register row and returns its id; no row back means
    the voter has voted already (the unique constraint decided), and the caller must
    roll back and answer 409. Run by ``cast_ballot`` on Django's connection and by the
    API's fast path (``consultations.voting.fastpath``) on an async one."""

    record: VoterRecord
    receipt: str | None
    statements: list[tuple[str, Any]]

    def stored(self, record_id: int | None) -> CastResult:
        """The result once the register INSERT returned ``record_id`` (409 if ``None``)."""
        if record_id is None:
            if self.record.organization_id is not None:
                message = _("L'organizzazione ha già votato in questa consultazione.")
            else:
                message = _("Hai già votato in questa consultazione.")
            raise Conflict(message, code="already_voted")
        self.record.pk = record_id
        self.record._state.adding = False
        return CastResult(
            record=self.record, electorate=self.record.electorate, receipt=self.receipt
        )


def prepare_ballot(
    *,
    actor,
    consultation: Consultation,
    answers: Any,
    organization=None,
    now: datetime | None = None,
    questions: list[Question] | None = None,
) -> BallotWrites:
    """Everything before the writes: the right to vote (403), the window (409
    ``not_open``), every answer against its question (400 naming it). No queries but the
    right for an organization and, unless given or cached, the questions."""
    now = now or timezone.now()
    electorate = perms.check_may_vote(actor, consultation, organization)
    _check_open(consultation, now)
    if questions is None:
        questions = _questions(consultation)
    clean = validate_answers(questions, answers)
    secret = consultation.secrecy == Secrecy.SECRET
    record = VoterRecord(
        consultation=consultation,
        electorate=electorate,
        voter=actor,
        organization=organization,
        voted_at=now,
        answers={} if secret else clean,
    )
    ballot = receipt = None
    if secret:
        receipt = secrets.token_urlsafe(24)
        ballot = Ballot(
            consultation=consultation,
            electorate=electorate,
            answers=clean,
            receipt_hash=Ballot.hash_receipt(receipt),
        )
    keys = ballot_keys(questions, clean)
    if connection.vendor == "postgresql":
        statements = [_one_statement(record, ballot, keys)]
    else:
        statements = [_insert_sql(record, first=True)]
        if ballot is not None:
            statements.append(_insert_sql(ballot))
        statements.append(counts_sql(consultation.pk, electorate, keys))
    return BallotWrites(record=record, receipt=receipt, statements=statements)


def _one_statement(record: VoterRecord, ballot: Ballot | None, keys: Mapping[str, int]):
    """PostgreSQL: the three writes as one statement, whose ballot and counter rows are
    selected from the register INSERT's result, so that they are written only when the
    register row was: one round trip, and atomic without an explicit transaction."""
    from django.db import connections

    quote = connections["default"].ops.quote_name
    register_sql, params = _insert_sql(record, first=True)
    parts = [f"WITH register AS ({register_sql})"]
    params = list(params)
    if ballot is not None:
        fields, values = _db_values(ballot)
        columns = ", ".join(quote(f.column) for f in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        parts.append(
            f", ballot AS (INSERT INTO {quote(Ballot._meta.db_table)} ({columns}) "  # noqa: S608
            f"SELECT {placeholders} FROM register)"
        )
        params += values
    values, counter_params = _counter_rows(record.consultation_id, record.electorate, keys)
    parts.append(
        f", counters AS (INSERT INTO {_COUNTERS} "  # noqa: S608
        f"(consultation_id, electorate, key, shard, count) "
        f"SELECT v.* FROM (VALUES {values}) AS v (c, e, k, s, n) CROSS JOIN register "
        f"{_ADD_TO_COUNTERS})"
    )
    params += counter_params
    parts.append(" SELECT id FROM register")
    return "".join(parts), params


def cast_ballot(
    *,
    actor,
    consultation: Consultation,
    answers: Any,
    organization=None,
    now: datetime | None = None,
) -> CastResult:
    """Store one ballot: the register row first, then the ballot and the tally.

    Refusals: 403 without the right to vote (as a citizen or for ``organization``), 409
    outside the window (code ``not_open``), 400 for an answer that does not fit its
    question, 409 for a second ballot (code ``already_voted``). The register's unique
    constraint decides between simultaneous ballots of the same voter: the INSERT is the
    check, so there is no window between checking and inserting.
    Queries: the right (one for organizations), questions and options (two unless
    cached), then the register row, the ballot (secret) and the counters in one
    transaction.
    """
    writes = prepare_ballot(
        actor=actor, consultation=consultation, answers=answers, organization=organization, now=now
    )
    with transaction.atomic(), connection.cursor() as cursor:
        register, *rest = writes.statements
        cursor.execute(*register)
        row = cursor.fetchone()
        if row is not None:
            for statement in rest:
                cursor.execute(*statement)
        else:
            transaction.set_rollback(True)
    result = writes.stored(row[0] if row else None)
    consultation_id = consultation.pk
    transaction.on_commit(lambda: live.tally_changed(consultation_id))
    return result


def change_ballot(
    *,
    actor,
    consultation: Consultation,
    answers: Any,
    organization=None,
    now: datetime | None = None,
) -> VoterRecord:
    """Replace a public ballot, where the rules allow it, until closing."""
    now = now or timezone.now()
    electorate = perms.check_may_vote(actor, consultation, organization)
    _check_open(consultation, now)
    if consultation.secrecy == Secrecy.SECRET or not consultation.changeable:
        raise Conflict(_("In questa consultazione il voto non può essere modificato."))
    questions = _questions(consultation)
    clean = validate_answers(questions, answers)
    lookup = {"organization": organization} if organization else {"voter": actor}
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


# --- Consultations --------------------------------------------------------------------


def _check_rules(data: Mapping[str, Any]) -> None:
    if data["closes_at"] <= data["opens_at"]:
        raise InvalidInput(_("La chiusura deve seguire l'apertura."), field="closes_at")
    for name in ("quorum_percent", "threshold_percent"):
        if not 0 <= int(data[name]) <= 100:
            raise InvalidInput(_("Indica una percentuale tra 0 e 100."), field=name)
    if data["changeable"] and data["secrecy"] == Secrecy.SECRET:
        raise InvalidInput(
            _("Un voto segreto non può essere modificato dopo l'invio."), field="changeable"
        )
    for name, choices in (
        ("electorate", Electorate.values),
        ("secrecy", Secrecy.values),
        ("results_visibility", ResultsVisibility.values),
        ("subject_kind", SubjectKind.values),
    ):
        if data[name] not in choices:
            raise InvalidInput(_("Valore non valido."), field=name)
    if not str(data["title"]).strip():
        raise InvalidInput(_("Il titolo è obbligatorio."), field="title")


def _write_questions(consultation: Consultation, questions: Iterable[Mapping[str, Any]]) -> None:
    consultation.questions.all().delete()
    options: list[Option] = []
    for position, spec in enumerate(questions):
        kind = spec.get("kind")
        if kind not in QuestionKind.values:
            raise InvalidInput(_("Tipo di domanda non valido."), field=f"questions.{position}")
        labels = [str(label).strip() for label in spec.get("options", []) if str(label).strip()]
        text = str(spec.get("text", "")).strip()
        if not text:
            raise InvalidInput(
                _("Il testo della domanda è obbligatorio."), field=f"questions.{position}"
            )
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING):
            if len(labels) < 2:
                raise InvalidInput(_("Servono almeno due opzioni."), field=f"questions.{position}")
        else:
            labels = []
        max_choices = spec.get("max_choices") if kind == QuestionKind.MULTIPLE else None
        if max_choices is not None and not 1 <= int(max_choices) <= len(labels):
            raise InvalidInput(
                _("Il numero massimo di scelte deve essere tra 1 e il numero di opzioni."),
                field=f"questions.{position}",
            )
        question = Question.objects.create(
            consultation=consultation,
            position=position,
            kind=kind,
            text=text[:500],
            help_text=str(spec.get("help_text", "")),
            max_choices=max_choices,
            section_key=str(spec.get("section_key", ""))[:100],
        )
        options += [
            Option(question=question, position=i, label=label[:300])
            for i, label in enumerate(labels)
        ]
    Option.objects.bulk_create(options)


def revision_questions(revision) -> list[dict[str, Any]]:
    """One yes/no/abstain question per section of a revision (its ``sections``, each with
    a stable ``key`` and a ``heading``), in the revision's order."""
    sections = getattr(revision, "sections", None)
    if sections is None:
        return []
    return [
        {
            "kind": QuestionKind.YES_NO,
            "text": _("Approvi la sezione «%(title)s»?") % {"title": section.heading},
            "section_key": section.key,
        }
        for section in sections.all()
    ]


def _write_subject(consultation: Consultation, subject: Iterable) -> None:
    from django.contrib.contenttypes.models import ContentType

    consultation.subject_items.all().delete()
    SubjectItem.objects.bulk_create(
        SubjectItem(
            consultation=consultation,
            content_type=ContentType.objects.get_for_model(item),
            object_id=item.pk,
            label=str(item)[:255],
            url=item.get_absolute_url() if hasattr(item, "get_absolute_url") else "",
        )
        for item in subject
    )


@transaction.atomic
def create_consultation(
    *,
    actor,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    description: str = "",
    subject_kind: str = SubjectKind.FREE,
    subject: Iterable = (),
    electorate: str = Electorate.CITIZENS,
    secrecy: str = Secrecy.PUBLIC,
    results_visibility: str = ResultsVisibility.AFTER_CLOSE,
    quorum_percent: int = 0,
    threshold_percent: int = 50,
    changeable: bool = False,
    questions: Iterable[Mapping[str, Any]] = (),
) -> Consultation:
    """Create a consultation with its questions (staff: ``voting.manage_consultation``).

    On a revision subject with no questions given, one yes/no/abstain question is added
    per section of the revision.
    """
    if not perms.can_manage(actor):
        raise NotAllowed()
    data = {
        "title": title.strip(),
        "description": description,
        "subject_kind": subject_kind,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "electorate": electorate,
        "secrecy": secrecy,
        "results_visibility": results_visibility,
        "quorum_percent": int(quorum_percent),
        "threshold_percent": int(threshold_percent),
        "changeable": bool(changeable),
    }
    _check_rules(data)
    subject = list(subject)
    questions = list(questions)
    if subject_kind == SubjectKind.REVISION and not questions and subject:
        questions = revision_questions(subject[0])
    if not questions:
        raise InvalidInput(_("Aggiungi almeno una domanda."), field="questions")
    consultation = Consultation.objects.create(created_by=actor, **data)
    _write_subject(consultation, subject)
    _write_questions(consultation, questions)
    record_audit(actor=actor, verb="consultation.created", target=consultation, changes=data)
    return consultation


@transaction.atomic
def update_consultation(
    *,
    actor,
    consultation: Consultation,
    questions: Iterable[Mapping[str, Any]] | None = None,
    subject: Iterable | None = None,
    now: datetime | None = None,
    **fields: Any,
) -> Consultation:
    """Change rules or questions; only before opening (409 afterwards)."""
    if not perms.can_manage(actor):
        raise NotAllowed()
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status_at(now) != Status.UPCOMING:
        raise Conflict(
            _("Le regole non si possono cambiare dopo l'apertura della consultazione."),
            code="rules_frozen",
        )
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise InvalidInput(_("Campo non modificabile."), field=sorted(unknown)[0])
    data = {name: getattr(consultation, name) for name in RULE_FIELDS}
    data.update(fields)
    _check_rules(data)
    changes = diff_fields(consultation, fields)
    for name, value in fields.items():
        setattr(consultation, name, value)
    consultation.save()
    if subject is not None:
        _write_subject(consultation, subject)
        changes["subject"] = "changed"
    if questions is not None:
        questions = list(questions)
        if not questions:
            raise InvalidInput(_("Aggiungi almeno una domanda."), field="questions")
        _write_questions(consultation, questions)
        changes["questions"] = "changed"
    record_audit(actor=actor, verb="consultation.changed", target=consultation, changes=changes)
    return consultation


def freeze_electorate(consultation: Consultation, *, now: datetime | None = None) -> bool:
    """Count and store the electorate of a closed consultation, once (idempotent).

    Two COUNT queries and one UPDATE the first time; nothing afterwards.
    """
    from consultations.voting.selectors import eligible_counts

    now = now or timezone.now()
    if consultation.electorate_frozen_at or consultation.status_at(now) != Status.CLOSED:
        return False
    counts = eligible_counts()
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


@transaction.atomic
def close_consultation_early(
    *, actor, consultation: Consultation, reason: str, now: datetime | None = None
) -> Consultation:
    """Close an open consultation now, with a reason (required, audited, public)."""
    if not perms.can_manage(actor):
        raise NotAllowed()
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Indica il motivo della chiusura anticipata."), field="reason")
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status_at(now) != Status.OPEN:
        raise Conflict(_("Si può chiudere in anticipo solo una consultazione aperta."))
    consultation.closed_early_at = now
    consultation.closed_early_reason = reason
    consultation.closed_early_by = actor
    consultation.save(update_fields=["closed_early_at", "closed_early_reason", "closed_early_by"])
    freeze_electorate(consultation, now=now)
    record_audit(actor=actor, verb="consultation.closed_early", target=consultation, reason=reason)
    consultation_id = consultation.pk
    transaction.on_commit(lambda: live.tally_changed(consultation_id, force=True))
    return consultation


# --- Notices --------------------------------------------------------------------------


def _voters_of(consultation: Consultation):
    from django.contrib.auth import get_user_model

    people = get_user_model().objects.none()
    if Electorate.CITIZENS in consultation.voter_kinds:
        people = get_user_model().objects.filter(is_active=True)
    elif Electorate.ORGANIZATIONS in consultation.voter_kinds:
        people = perms.organization_voters()
    return people.only("pk", "email", "preferred_language", "is_active")


OPENING_TITLE = gettext_lazy("È aperta la consultazione «%(title)s»")
OPENING_BODY = gettext_lazy("Puoi votare fino al %(closes)s.")
CLOSING_TITLE = gettext_lazy("Ultimo giorno per votare: «%(title)s»")
CLOSING_BODY = gettext_lazy(
    "La consultazione chiude il %(closes)s. Se non hai ancora votato, puoi farlo ora."
)


def send_consultation_notices(*, now: datetime | None = None) -> dict[str, int]:
    """Tell those who may vote that a consultation opened, and a day before it closes.

    Meant to run from a scheduler every few minutes: each notice is sent once, because
    the consultation remembers it (a conditional UPDATE claims it before sending). Also
    freezes the electorate of consultations that closed since the last run.
    """
    now = now or timezone.now()
    sent = {"opening": 0, "closing": 0, "frozen": 0}
    for consultation in Consultation.objects.filter(
        opens_at__lte=now,
        closes_at__gt=now,
        closed_early_at__isnull=True,
        opening_notice_sent_at__isnull=True,
    ):
        with transaction.atomic():
            claimed = Consultation.objects.filter(
                pk=consultation.pk, opening_notice_sent_at__isnull=True
            ).update(opening_notice_sent_at=now)
            if claimed:
                sent["opening"] += len(
                    _notice(consultation, "consultation.opened", OPENING_TITLE, OPENING_BODY)
                )
    for consultation in Consultation.objects.filter(
        opens_at__lte=now,
        closes_at__gt=now,
        closes_at__lte=now + timedelta(days=1),
        closed_early_at__isnull=True,
        closing_notice_sent_at__isnull=True,
    ):
        with transaction.atomic():
            claimed = Consultation.objects.filter(
                pk=consultation.pk, closing_notice_sent_at__isnull=True
            ).update(closing_notice_sent_at=now)
            if claimed:
                sent["closing"] += len(
                    _notice(consultation, "consultation.closing", CLOSING_TITLE, CLOSING_BODY)
                )
    for consultation in Consultation.objects.filter(electorate_frozen_at__isnull=True).exclude(
        closes_at__gt=now, closed_early_at__isnull=True
    ):
        sent["frozen"] += int(freeze_electorate(consultation, now=now))
    return sent


def _notice(consultation: Consultation, kind: str, title, body) -> list:
    closes = timezone.localtime(consultation.closes_at).strftime("%d/%m/%Y %H:%M")
    return notify(
        recipients=_voters_of(consultation),
        kind=kind,
        title=title,
        body=body,
        url=consultation.get_absolute_url(),
        params={"title": consultation.title, "closes": closes},
    )
