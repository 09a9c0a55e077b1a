"""Writes of the voting app on consultations: create, edit before opening, close early,
and the eligibility list (replaced or cleared before opening).

Every function takes keyword-only arguments and an ``actor``; it validates, writes in one
transaction, records the audit row, and broadcasts only after the commit. Ballots are
cast in ``consultations.voting.ballots``; notices are sent by
``consultations.voting.notices``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from carta.errors import Conflict, InvalidInput, NotAllowed
from carta.identity import eligibility_hash
from carta.services import diff_fields, record_audit
from consultations.charter.models import (
    AmendmentKind,
    AmendmentStatus,
    Revision,
    RevisionStatus,
)
from consultations.voting import eligibility, live
from consultations.voting import permissions as perms
from consultations.voting.models import (
    Consultation,
    Electorate,
    EligibleVoter,
    IdentityRequirement,
    Option,
    Question,
    QuestionKind,
    ResultsVisibility,
    Secrecy,
    Status,
)
from consultations.voting.results import freeze_electorate
from proposals.permissions import proposals_visible_to

RULE_FIELDS = (
    "title",
    "description",
    "revision",
    "opens_at",
    "closes_at",
    "electorate",
    "identity_required",
    "secrecy",
    "results_visibility",
    "quorum_percent",
    "threshold_percent",
    "changeable",
)


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
    if data["secrecy"] == Secrecy.SECRET and data["results_visibility"] == ResultsVisibility.LIVE:
        raise InvalidInput(
            _(
                "Un voto segreto pubblica i risultati alla chiusura: in tempo reale solo "
                "l'affluenza."
            ),
            field="results_visibility",
        )
    for name, choices in (
        ("electorate", Electorate.values),
        ("identity_required", IdentityRequirement.values),
        ("secrecy", Secrecy.values),
        ("results_visibility", ResultsVisibility.values),
    ):
        if data[name] not in choices:
            raise InvalidInput(_("Valore non valido."), field=name)
    if not str(data["title"]).strip():
        raise InvalidInput(_("Il titolo è obbligatorio."), field="title")


def _option_specs(spec: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A question's options as ``{"label", "description", "proposal"}``: each given as a
    label (the API) or as such a mapping (the builder page); empty labels are left out."""
    options = []
    for item in spec.get("options", []):
        if isinstance(item, Mapping):
            label, description = item.get("label", ""), item.get("description", "")
            proposal = item.get("proposal")
        else:
            label, description, proposal = item, "", None
        label = str(label or "").strip()
        if label:
            options.append(
                {
                    "label": label,
                    "description": str(description or "").strip(),
                    "proposal": getattr(proposal, "pk", proposal),
                }
            )
    return options


def _write_questions(consultation: Consultation, questions: Iterable[Mapping[str, Any]]) -> None:
    consultation.questions.all().delete()
    options: list[Option] = []
    public_proposals = proposals_visible_to(AnonymousUser())
    for position, spec in enumerate(questions):
        kind = spec.get("kind")
        if kind not in QuestionKind.values:
            raise InvalidInput(_("Tipo di domanda non valido."), field=f"questions.{position}")
        specs = _option_specs(spec)
        labels = [o["label"] for o in specs]
        text = str(spec.get("text", "")).strip()
        if not text:
            raise InvalidInput(
                _("Il testo della domanda è obbligatorio."), field=f"questions.{position}"
            )
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING):
            if len(labels) < 2:
                raise InvalidInput(_("Servono almeno due opzioni."), field=f"questions.{position}")
            linked = {o["proposal"] for o in specs if o["proposal"] is not None}
            if linked and public_proposals.filter(pk__in=linked).count() != len(linked):
                raise InvalidInput(
                    _("Un'opzione può essere collegata solo a una proposta pubblicata."),
                    field=f"questions.{position}",
                )
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
            Option(
                question=question,
                position=i,
                label=o["label"][:300],
                description=o["description"],
                proposal_id=o["proposal"],
            )
            for i, o in enumerate(specs[: len(labels)])
        ]
    Option.objects.bulk_create(options)


@transaction.atomic
def create_consultation(
    *,
    actor,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    questions: Iterable[Mapping[str, Any]],
    description: str = "",
    revision: Revision | None = None,
    electorate: str = Electorate.CITIZENS,
    identity_required: str = IdentityRequirement.SPID_CIE,
    secrecy: str = Secrecy.PUBLIC,
    results_visibility: str = ResultsVisibility.AFTER_CLOSE,
    quorum_percent: int = 0,
    threshold_percent: int = 50,
    changeable: bool = False,
) -> Consultation:
    """Create a consultation with its questions (staff: ``voting.manage_consultation``),
    optionally on a ``revision`` of the Carta."""
    if not perms.can_manage(actor):
        raise NotAllowed()
    data = {
        "title": title.strip(),
        "description": description,
        "revision": revision,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "electorate": electorate,
        "identity_required": identity_required,
        "secrecy": secrecy,
        "results_visibility": results_visibility,
        "quorum_percent": int(quorum_percent),
        "threshold_percent": int(threshold_percent),
        "changeable": bool(changeable),
    }
    _check_rules(data)
    questions = list(questions)
    if not questions:
        raise InvalidInput(_("Aggiungi almeno una domanda."), field="questions")
    consultation = Consultation.objects.create(created_by=actor, **data)
    _write_questions(consultation, questions)
    record_audit(actor=actor, verb="consultation.created", target=consultation, changes=data)
    return consultation


@transaction.atomic
def update_consultation(
    *,
    actor,
    consultation: Consultation,
    questions: Iterable[Mapping[str, Any]] | None = None,
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
    if consultation.has_eligibility_list and data["identity_required"] != (
        IdentityRequirement.SPID_CIE
    ):
        raise InvalidInput(
            _(
                "L'elenco degli aventi diritto vale solo per il voto con SPID o CIE: "
                "eliminalo prima di cambiare l'identità richiesta."
            ),
            field="identity_required",
        )
    changes = diff_fields(consultation, fields)
    for name, value in fields.items():
        setattr(consultation, name, value)
    consultation.save()
    if questions is not None:
        questions = list(questions)
        if not questions:
            raise InvalidInput(_("Aggiungi almeno una domanda."), field="questions")
        _write_questions(consultation, questions)
        changes["questions"] = "changed"
    record_audit(actor=actor, verb="consultation.changed", target=consultation, changes=changes)
    return consultation


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


def _editable_list(actor, consultation: Consultation, now: datetime | None) -> Consultation:
    """The consultation, locked, if its eligibility list may change: staff only, before
    opening (409 ``rules_frozen``), SPID/CIE required (400 naming ``identity_required``)."""
    if not perms.can_manage(actor):
        raise NotAllowed()
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status_at(now) != Status.UPCOMING:
        raise Conflict(
            _("L'elenco degli aventi diritto non si può cambiare dopo l'apertura."),
            code="rules_frozen",
        )
    if not consultation.requires_identity:
        raise InvalidInput(
            _(
                "L'elenco degli aventi diritto vale solo per le consultazioni in cui si vota "
                "con SPID o CIE."
            ),
            field="identity_required",
        )
    return consultation


@transaction.atomic
def replace_eligibility_list(
    *,
    actor,
    consultation: Consultation,
    entries: Sequence[eligibility.Entry],
    field: str = "file",
    now: datetime | None = None,
) -> int:
    """Replace the consultation's eligibility list with the codes of ``entries`` (from
    ``eligibility.entries_from_csv`` or ``entries_from_list``) and return how many distinct
    codes it holds. Only their keyed digests are stored; the audit row holds the count,
    never a code. Any invalid code: 400 naming the rows at fault (on ``field``), nothing
    stored. Refusals of ``_editable_list`` first.
    Queries: the lock, one DELETE, one INSERT per 2,000 codes, the count's UPDATE, audit.
    """
    locked = _editable_list(actor, consultation, now)
    codes = eligibility.valid_codes(entries, field=field)
    EligibleVoter.objects.filter(consultation=locked).delete()
    EligibleVoter.objects.bulk_create(
        (EligibleVoter(consultation=locked, key=eligibility_hash(code)) for code in codes),
        batch_size=2000,
    )
    previous = locked.eligible_count
    locked.eligible_count = len(codes)
    locked.save(update_fields=["eligible_count", "updated_at"])
    consultation.eligible_count = locked.eligible_count
    record_audit(
        actor=actor,
        verb="consultation.eligibility_replaced",
        target=locked,
        changes={"count": [previous, len(codes)]},
    )
    return len(codes)


@transaction.atomic
def clear_eligibility_list(
    *, actor, consultation: Consultation, now: datetime | None = None
) -> None:
    """Remove the eligibility list, so that every citizen with SPID/CIE may vote; the same
    refusals as ``replace_eligibility_list``. Audited with the count removed."""
    locked = _editable_list(actor, consultation, now)
    previous = locked.eligible_count
    EligibleVoter.objects.filter(consultation=locked).delete()
    locked.eligible_count = 0
    locked.save(update_fields=["eligible_count", "updated_at"])
    consultation.eligible_count = 0
    record_audit(
        actor=actor,
        verb="consultation.eligibility_cleared",
        target=locked,
        changes={"count": [previous, 0]},
    )


# --- A vote on a revision of the Carta --------------------------------------------------

# How long a prepared vote stays open when no closing is given.
REVISION_VOTE_LENGTH = timedelta(days=7)


def _default_opening(now: datetime) -> datetime:
    """The start of the next day, local time: the questions can still be reviewed."""
    tomorrow = timezone.localtime(now).date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, time.min))


def _revision_questions(
    revision: Revision, *, amendments: bool, section_keys: Sequence[str]
) -> list[dict[str, Any]]:
    """The prepared questions: the revision as a whole, then one per chosen section
    (in the revision's order) and one per open amendment. Every question is yes / no /
    abstain; labels name an amendment by its number and place, never its author or text.
    Three queries: sections, services' titles, amendments."""
    questions: list[dict[str, Any]] = [
        {
            "kind": QuestionKind.YES_NO,
            "text": _("Approvi questa revisione della Carta?"),
            "help_text": _(
                "Revisione n. %(number)s, «%(title)s». Nella pagina della revisione puoi "
                "leggerla e confrontarla con la Carta in vigore."
            )
            % {"number": revision.number, "title": revision.title},
        }
    ]
    headings = dict(revision.sections.order_by("position", "id").values_list("key", "heading"))
    chosen = list(dict.fromkeys(str(key).strip() for key in section_keys if str(key).strip()))
    unknown = [key for key in chosen if key not in headings]
    if unknown:
        raise InvalidInput(
            _("Sezione sconosciuta in questa revisione: %(keys)s.") % {"keys": ", ".join(unknown)},
            field="section_keys",
        )
    for key in [key for key in headings if key in chosen]:
        questions.append(
            {
                "kind": QuestionKind.YES_NO,
                "text": _("Approvi la sezione «%(heading)s» nel testo di questa revisione?")
                % {"heading": headings[key]},
                "section_key": key,
            }
        )
    if amendments:
        titles = dict(revision.services.values_list("key", "title"))
        for amendment in revision.amendments.filter(
            status=AmendmentStatus.OPEN, hidden_at__isnull=True
        ).order_by("created_at", "id"):
            names = titles if amendment.kind == AmendmentKind.SERVICE else headings
            label = amendment.public_label(names.get(amendment.target_key, ""))
            questions.append(
                {
                    "kind": QuestionKind.YES_NO,
                    "text": _("Approvi la %(label)s?") % {"label": label[:1].lower() + label[1:]},
                    "section_key": (
                        amendment.target_key if amendment.kind == AmendmentKind.SECTION else ""
                    ),
                }
            )
    return questions


@transaction.atomic
def create_vote_on_revision(
    *,
    actor,
    revision: Revision,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    amendments: bool = False,
    section_keys: Sequence[str] = (),
    electorate: str = Electorate.BOTH,
    title: str = "",
) -> Consultation:
    """A consultation on ``revision`` (in consultation) with its questions prepared: "Approvi
    questa revisione della Carta?" (yes / no / abstain) and, optionally, one question per
    open amendment (``amendments``) and per chosen section (``section_keys``). It opens at
    ``opens_at`` (the start of tomorrow by default, never in the past, so that the
    questions can be reviewed in the builder) and closes at ``closes_at`` (a week later by
    default); organizations and citizens vote, counted apart, unless ``electorate`` says
    otherwise.

    Refusals: 403 for who may not (``can_put_revision_to_vote``); 400 naming the field
    (a date, an unknown section); 409 ``revision_not_in_consultation`` and 409
    ``vote_exists`` while another vote on the revision has not closed. The revision's row
    is locked, so two requests at once prepare one vote.
    """
    if not perms.can_put_revision_to_vote(actor):
        raise NotAllowed(_("Solo la redazione della Carta può mettere al voto una revisione."))
    now = timezone.now()
    opens_at = opens_at or _default_opening(now)
    closes_at = closes_at or opens_at + REVISION_VOTE_LENGTH
    if opens_at <= now:
        raise InvalidInput(
            _(
                "L'apertura della votazione deve essere nel futuro: così puoi ancora "
                "rivedere le domande."
            ),
            field="opens_at",
        )
    locked = Revision.objects.select_for_update().get(pk=revision.pk)
    if locked.status != RevisionStatus.IN_CONSULTATION:
        raise Conflict(
            _(
                "Si può mettere al voto solo una revisione in consultazione: la revisione "
                "%(number)s è «%(status)s»."
            )
            % {"number": locked.number, "status": locked.get_status_display()},
            code="revision_not_in_consultation",
        )
    existing = (
        Consultation.objects.filter(revision=locked, closes_at__gt=now)
        .filter(Q(closed_early_at__isnull=True) | Q(closed_early_at__gt=now))
        .first()
    )
    if existing is not None:
        raise Conflict(
            _("C'è già una votazione non ancora chiusa su questa revisione: «%(title)s».")
            % {"title": existing.title},
            code="vote_exists",
        )
    questions = _revision_questions(locked, amendments=amendments, section_keys=section_keys)
    title = (title or "").strip() or _(
        "Votazione sulla revisione %(number)s della Carta: %(title)s"
    ) % {"number": locked.number, "title": locked.title}
    consultation = create_consultation(
        actor=actor,
        title=title[:200],
        description=_(
            "La redazione della Carta mette al voto la revisione n. %(number)s, «%(title)s», "
            "discussa in consultazione pubblica."
        )
        % {"number": locked.number, "title": locked.title},
        opens_at=opens_at,
        closes_at=closes_at,
        questions=questions,
        revision=locked,
        electorate=electorate,
    )
    record_audit(
        actor=actor,
        verb="consultation.revision_vote_prepared",
        target=consultation,
        changes={
            "revision": locked.number,
            "questions": len(questions),
            "sections": [q["section_key"] for q in questions if q.get("section_key")],
            "amendments": bool(amendments),
        },
    )
    return consultation
