"""Writes of the feedback app: complaints and their lifecycle, evaluations, measurements,
and the scheduled jobs (reminders, anonymization).

Every function is keyword-only and takes the ``actor`` (None for an anonymous visitor or
the scheduler), checks its right through ``feedback.permissions``, writes the audit row
inside its transaction, and sends emails and notifications only after the commit. The
audit never holds the sender's personal data.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from carta import privacy
from carta.dates import long_date_lazy, on_date, on_date_lazy
from carta.emails import signed
from carta.errors import Conflict, InvalidInput, NotAllowed
from carta.models import AuditEntry
from carta.permissions import StaffGroup, is_signed_in
from carta.services import erase_audit_personal_data, notify, record_audit
from consultations.charter.models import QualityCommitment, Service
from feedback import charter, codes, evaluation_codes, limits, periods
from feedback import permissions as perms
from feedback.models import (
    FOUNDED_JUDGEMENTS,
    OPEN_STATUSES,
    PENDING_IMPROVEMENT_STATUSES,
    STAFF_IMPROVEMENT_STATUSES,
    CommitmentMeasurement,
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintJudgement,
    ComplaintStatus,
    Direction,
    Evaluation,
    EvaluationCode,
    ImprovementAction,
    ImprovementStatus,
    LastEvaluation,
    MeasurementStatus,
    RefundStatus,
)
from feedback.verdicts import is_met

logger = logging.getLogger(__name__)
User = get_user_model()

DESCRIPTION_MAX = 5000
ANSWER_MAX = 10000
REASON_MAX = 2000
NAME_MAX = 150
REOPEN_DAYS = 30
COMMENT_MAX = 1000
NOTE_MAX = 2000
PROTOCOL_MAX = 50
RATINGS = ("access", "timeliness", "courtesy", "clarity", "overall")
# How the audit log names a complaint's sender, whose identity it must not hold.
SENDER = "mittente"


@dataclass(frozen=True)
class SubmittedComplaint:
    """A new complaint and its tracking code, which exists only here and in the email."""

    complaint: Complaint
    code: str


# --- Validation helpers ---------------------------------------------------------------


def _text(value, *, field: str, maximum: int, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(gettext("Questo campo è obbligatorio."), field=field)
    if len(text) > maximum:
        raise InvalidInput(
            gettext("Il testo può contenere al massimo %(max)d caratteri (ora sono %(n)d).")
            % {"max": maximum, "n": len(text)},
            field=field,
        )
    return text


def _email(value, *, field: str = "contact_email", required: bool = False) -> str:
    email = (value or "").strip()
    if not email:
        if required:
            raise InvalidInput(gettext("Indica l'indirizzo email."), field=field)
        return ""
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(gettext("Indica un indirizzo email valido."), field=field) from None
    return User.objects.normalize_email(email)


def _require_officer(actor) -> None:
    if not perms.can_handle_complaints(actor):
        raise NotAllowed(_("Solo l'ufficio reclami può eseguire questa operazione."))


def _officers():
    return User.objects.filter(
        is_active=True, groups__name=StaffGroup.COMPLAINT_OFFICERS
    ).distinct()


def _staff_url(complaint: Complaint) -> str:
    return reverse("feedback_complaint_staff", args=[complaint.pk])


# --- Complaints -----------------------------------------------------------------------


@transaction.atomic
def submit_complaint(
    *,
    actor,
    category: str,
    description: str,
    privacy_consent: bool,
    service=None,
    commitment=None,
    contact_name: str = "",
    contact_email: str = "",
    client_address: str | None = None,
) -> SubmittedComplaint:
    """File a complaint or report (anyone); the code is emailed to ``contact_email``.

    ``service`` is a ``consultations.Service`` of the Carta in force (or its id, checked
    here) or None; ``commitment`` likewise a ``QualityCommitment`` of it (or its id) or
    None, of ``service`` when both are given (the commitment's service otherwise). What
    the site receives is recorded with the channel ``web``: officers correct it
    (``update_complaint_record``) for complaints received elsewhere. Raises
    ``InvalidInput`` naming the field at fault, ``RateLimited``
    past the ``anonymous_form`` rate for the address.
    """
    if category not in ComplaintCategory.values:
        raise InvalidInput(gettext("Scegli il tipo di segnalazione."), field="category")
    description = _text(description, field="description", maximum=DESCRIPTION_MAX, required=True)
    contact_name = _text(contact_name, field="contact_name", maximum=NAME_MAX, required=False)
    contact_email = _email(contact_email)
    if privacy_consent is not True:
        raise InvalidInput(
            gettext("Per inviare la segnalazione occorre prendere visione dell'informativa."),
            field="privacy_consent",
        )
    if not isinstance(service, Service):
        service = charter.service_in_force(service, required=False)
    service, commitment = _service_and_commitment(service, commitment)
    if not is_signed_in(actor):
        limits.hit_scope("anonymous_form", client_address, suffix=":complaint")

    now = timezone.now()
    code = codes.new_code()
    rule = charter.complaint_deadline_rule()
    complaint = Complaint.objects.create(
        tracking_hash=codes.hash_code(code),
        category=category,
        service=service,
        service_key=service.key if service else "",
        commitment=commitment,
        commitment_key=commitment.key if commitment else "",
        channel=ComplaintChannel.WEB,
        description=description,
        contact_name=contact_name,
        contact_email=contact_email,
        privacy_consent_at=now,
        submitted_by=actor if is_signed_in(actor) else None,
        received_at=now,
        period=periods.quarter_of(now),
        deadline_at=periods.response_deadline(now, rule.days),
        revision=rule.revision,
        deadline_days=rule.days,
        deadline_commitment=rule.commitment,
    )
    record_audit(
        actor=actor,
        actor_label=SENDER,
        verb="complaint.received",
        target=complaint,
        changes={
            "category": category,
            "service": complaint.service_key,
            "commitment": complaint.commitment_key,
            "deadline_days": rule.days,
        },
    )
    notify(
        recipients=_officers(),
        kind="complaint.received",
        title=_("Nuova segnalazione n. %(ref)s da esaminare"),
        body=_(
            "È arrivata una nuova segnalazione (%(category)s). "
            "Termine per la risposta: %(deadline)s."
        ),
        params={
            "ref": complaint.reference,
            "category": complaint.get_category_display(),
            "deadline": _format_day(complaint.deadline_at),
        },
        url=_staff_url(complaint),
        email=False,
    )
    if contact_email:
        language = translation.get_language() or settings.LANGUAGE_CODE
        transaction.on_commit(lambda: _email_receipt(complaint.pk, code, contact_email, language))
    return SubmittedComplaint(complaint=complaint, code=code)


def _service_and_commitment(service, commitment):
    """The service and commitment a complaint names: ``commitment`` (an instance or an id)
    checked against the Carta in force and against ``service``; a commitment alone brings
    its service."""
    if commitment is not None and not isinstance(commitment, QualityCommitment):
        commitment = charter.commitment_in_force(commitment, required=False)
    if commitment is None:
        return service, None
    if service is None:
        return commitment.service, commitment
    if commitment.service_id != service.pk:
        raise InvalidInput(
            gettext("L'impegno indicato non riguarda il servizio scelto."), field="commitment"
        )
    return service, commitment


def _judgement(judgement, reason) -> tuple[str, str]:
    """The checked judgement and its reason; ``("", "")`` when none is given."""
    judgement = (judgement or "").strip()
    reason = _text(reason, field="judgement_reason", maximum=REASON_MAX, required=False)
    if not judgement:
        return "", ""
    if judgement not in ComplaintJudgement.values:
        raise InvalidInput(
            gettext("Scegli se il reclamo è fondato, parzialmente fondato o infondato."),
            field="judgement",
        )
    if not reason:
        raise InvalidInput(gettext("Indica la motivazione dell'esito."), field="judgement_reason")
    return judgement, reason


def _apply_judgement(complaint: Complaint, judgement: str, reason: str, now) -> dict:
    """Set the judgement on the (locked) complaint; the audit's ``changes`` for it: the
    value only, since the reason is free text that may quote the sender (it stays on the
    complaint, read by officers and cleared by anonymization)."""
    if not judgement:
        return {}
    before = complaint.judgement
    complaint.judgement = judgement
    complaint.judgement_reason = reason
    complaint.judged_at = now
    return {"judgement": [before, judgement], **_follow_refund(complaint)}


def deadline_rule_text(complaint: Complaint) -> str:
    """Which rule set the complaint's answer deadline, in words ("" for complaints filed
    before the rule was recorded). Reads ``revision`` and ``deadline_commitment``
    (selected with the complaint by the selectors)."""
    if complaint.deadline_days is None:
        return ""
    if complaint.deadline_commitment_id and complaint.revision_id:
        return gettext(
            "Termine fissato dalla Carta in vigore, revisione n. %(number)s: risposta entro "
            "%(days)s giorni"
        ) % {"number": complaint.revision.number, "days": complaint.deadline_days}
    return gettext(
        "Termine ordinario della piattaforma (la Carta in vigore non ne fissa uno): "
        "risposta entro %(days)s giorni"
    ) % {"days": complaint.deadline_days}


def promises_refund(commitment: QualityCommitment | None) -> bool:
    return commitment is not None and bool(commitment.refund or commitment.refund_amount)


def _money(amount) -> str | None:
    return None if amount is None else f"{amount:.2f}"


def _follow_refund(complaint: Complaint) -> dict:
    """A founded (or partly founded) complaint on a commitment that promises a refund owes
    it: the amount the Carta names, due. A judgement turned unfounded drops a refund still
    due; a paid one stays, as a fact. The audit's ``changes`` for it."""
    founded = complaint.judgement in FOUNDED_JUDGEMENTS
    before = (_money(complaint.refund_amount), complaint.refund_status)
    if founded and not complaint.refund_status and promises_refund(complaint.commitment):
        complaint.refund_amount = complaint.commitment.refund_amount
        complaint.refund_status = RefundStatus.DUE
    elif not founded and complaint.refund_status == RefundStatus.DUE:
        complaint.refund_amount = None
        complaint.refund_status = ""
    after = (_money(complaint.refund_amount), complaint.refund_status)
    return {"refund": [list(before), list(after)]} if before != after else {}


def _apply_refund(complaint: Complaint, amount, status, paid_on) -> dict:
    """The office's record of the refund (each ``None`` leaves it as it is): the amount
    owed, ``due`` or ``paid`` (with the day it was paid, not in the future). Only a
    founded complaint on a commitment that promises a refund has one."""
    if amount is None and status is None and paid_on is None:
        return {}
    if not promises_refund(complaint.commitment):
        raise InvalidInput(
            gettext(
                "L'impegno a cui si riferisce la segnalazione non prevede rimborsi o indennizzi."
            ),
            field="refund_amount",
        )
    if complaint.judgement not in FOUNDED_JUDGEMENTS:
        raise InvalidInput(
            gettext(
                "Il rimborso spetta solo a un reclamo giudicato fondato o parzialmente "
                "fondato: registra prima l'esito."
            ),
            field="refund_amount",
        )
    if status is not None and status not in RefundStatus.values:
        raise InvalidInput(
            gettext("Scegli se il rimborso è da pagare o pagato."), field="refund_status"
        )
    if amount is not None:
        amount = _refund_amount(amount)
    paid_on = _date(paid_on, field="refund_paid_on") if paid_on not in (None, "") else paid_on
    before = [
        _money(complaint.refund_amount),
        complaint.refund_status,
        _day(complaint.refund_paid_on),
    ]
    if amount is not None:
        complaint.refund_amount = amount
    if status is not None:
        complaint.refund_status = status
    elif not complaint.refund_status:
        complaint.refund_status = RefundStatus.DUE
    if paid_on is not None:
        complaint.refund_paid_on = paid_on or None
    if complaint.refund_status == RefundStatus.DUE:
        complaint.refund_paid_on = None
    elif complaint.refund_paid_on is None:
        raise InvalidInput(gettext("Indica il giorno del pagamento."), field="refund_paid_on")
    elif complaint.refund_paid_on > periods.local(timezone.now()).date():
        raise InvalidInput(
            gettext("Il giorno del pagamento non può essere nel futuro."), field="refund_paid_on"
        )
    if complaint.refund_amount is None:
        raise InvalidInput(gettext("Indica l'importo del rimborso."), field="refund_amount")
    after = [
        _money(complaint.refund_amount),
        complaint.refund_status,
        _day(complaint.refund_paid_on),
    ]
    return {"refund": [before, after]} if before != after else {}


def _day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _refund_amount(value) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite() or not 0 <= amount < Decimal("1e8"):
        raise InvalidInput(
            gettext("Indica l'importo in euro, ad esempio 25,00."), field="refund_amount"
        )
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def update_complaint_record(
    *,
    actor,
    complaint: Complaint,
    channel: str | None = None,
    protocol_number: str | None = None,
    commitment=None,
    refund_amount=None,
    refund_status: str | None = None,
    refund_paid_on=None,
) -> Complaint:
    """Correct what the office records about a complaint (officers only): the intake
    channel (a complaint received at the counter, by PEC, phone or letter and entered on
    the site), the protocol number, and the commitment it concerns (an instance or an id of
    the Carta in force, which also sets the complaint's service to the commitment's; ``""``
    removes it, the service staying), and the refund owed on a founded complaint whose
    commitment promises one (``refund_amount``, ``refund_status`` due or paid,
    ``refund_paid_on``; otherwise ``InvalidInput`` on ``refund_amount``). ``None`` leaves
    a value as it is. Audited with the values, which are not personal data."""
    _require_officer(actor)
    if channel is not None and channel not in ComplaintChannel.values:
        raise InvalidInput(gettext("Scegli il canale di ricezione."), field="channel")
    if protocol_number is not None:
        protocol_number = _text(
            protocol_number, field="protocol_number", maximum=PROTOCOL_MAX, required=False
        )
    if commitment not in (None, "") and not isinstance(commitment, QualityCommitment):
        commitment = charter.commitment_in_force(commitment)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    changes = {}
    if channel is not None and channel != complaint.channel:
        changes["channel"] = [complaint.channel, channel]
        complaint.channel = channel
    if protocol_number is not None and protocol_number != complaint.protocol_number:
        changes["protocol_number"] = [complaint.protocol_number, protocol_number]
        complaint.protocol_number = protocol_number
    if commitment == "" and complaint.commitment_id is not None:
        changes["commitment"] = [complaint.commitment_key, ""]
        complaint.commitment = None
        complaint.commitment_key = ""
    elif isinstance(commitment, QualityCommitment) and commitment.pk != complaint.commitment_id:
        # The officer's choice of commitment also corrects the service it belongs to.
        service = commitment.service
        changes["commitment"] = [complaint.commitment_key, commitment.key]
        complaint.commitment = commitment
        complaint.commitment_key = commitment.key
        complaint.service = service
        complaint.service_key = service.key
    if "commitment" in changes:
        changes.update(_follow_refund(complaint))
    changes.update(_apply_refund(complaint, refund_amount, refund_status, refund_paid_on))
    if changes:
        complaint.save()
        record_audit(
            actor=actor, verb="complaint.record_updated", target=complaint, changes=changes
        )
    return complaint


def _format_day(instant: datetime.datetime) -> str:
    """A deadline in words ("8 ottobre 2026"), in the language of whoever reads it: lazy,
    so that each notification is written in its recipient's language."""
    return long_date_lazy(periods.local(instant))


def _send(to: str, subject: str, message: str) -> None:
    try:
        send_mail(
            subject=f"[{settings.CARTA_AMBITO_NAME}] {subject}",
            message=signed(message),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[to],
        )
    except OSError:
        logger.warning("could not email a complaint's sender", exc_info=True)


def _email_receipt(complaint_id: int, code: str, to: str, language: str) -> None:
    complaint = Complaint.objects.get(pk=complaint_id)
    with translation.override(language):
        link = settings.CARTA_SITE_URL + reverse("feedback_track")
        message = gettext(
            "Gentile cittadina, gentile cittadino,\n\nabbiamo ricevuto la tua "
            "segnalazione (%(category)s) %(day)s.\nIl codice per seguirla è: "
            "%(code)s\n\nPuoi consultarne lo stato in qualsiasi momento "
            "all'indirizzo %(link)s indicando il codice e questo indirizzo email. "
            "Riceverai una risposta entro %(deadline)s.\n\nConserva questo "
            "messaggio: per riservatezza il codice non viene mostrato "
            "altrove.\n\nUfficio reclami"
        ) % {
            "category": complaint.get_category_display(),
            "day": on_date(complaint.received_at, "il"),
            "code": code,
            "link": link,
            "deadline": on_date(complaint.deadline_at, "il"),
        }
        _send(to, gettext("Segnalazione ricevuta: codice %(code)s") % {"code": code}, message)


def find_complaint_by_code(
    *, code: str, email: str, client_address: str | None = None
) -> Complaint | None:
    """The complaint with this code AND this contact email, or None.

    A wrong pair and an unknown code give the same None (one query either way), so the
    answer tells nothing about which half was wrong. Every attempt counts against the
    ``tracking`` rate of the address (``RateLimited`` past it).
    """
    limits.hit_scope("tracking", client_address)
    normalized = codes.normalize(code)
    email = (email or "").strip().lower()
    if len(normalized) != codes.GROUPS * codes.GROUP_SIZE or not email:
        return None
    complaint = (
        Complaint.objects.select_related("assigned_to", "revision", "deadline_commitment")
        .filter(tracking_hash=codes.hash_code(normalized), anonymized_at__isnull=True)
        .first()
    )
    if complaint is None or not complaint.contact_email:
        return None
    if complaint.contact_email.lower() != email:
        return None
    return complaint


@transaction.atomic
def assign_complaint(*, actor, complaint: Complaint, assignee) -> Complaint:
    """Give a received or assigned complaint to an officer (reassigning is allowed)."""
    _require_officer(actor)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status not in OPEN_STATUSES:
        raise Conflict(_("Si possono assegnare solo le segnalazioni ancora senza risposta."))
    if assignee is None or not perms.can_assign_to(assignee):
        raise InvalidInput(
            gettext("La persona scelta non fa parte dell'ufficio reclami."), field="assignee"
        )
    previous = complaint.assigned_to_id
    complaint.assigned_to = assignee
    complaint.assigned_at = timezone.now()
    complaint.status = ComplaintStatus.ASSIGNED
    complaint.reminded_before_at = None
    complaint.reminded_overdue_at = None
    complaint.save()
    record_audit(
        actor=actor,
        verb="complaint.assigned",
        target=complaint,
        changes={"assigned_to": [previous, assignee.pk]},
    )
    notify(
        recipients=[assignee],
        exclude=actor,
        kind="complaint.assigned",
        title=_("Ti è stata assegnata la segnalazione n. %(ref)s"),
        body=_("Termine per la risposta: %(deadline)s."),
        params={"ref": complaint.reference, "deadline": _format_day(complaint.deadline_at)},
        url=_staff_url(complaint),
    )
    return complaint


@transaction.atomic
def answer_complaint(
    *,
    actor,
    complaint: Complaint,
    answer: str,
    judgement: str = "",
    judgement_reason: str = "",
) -> Complaint:
    """Answer an open complaint; the sender is told by email (and in the app if signed in).

    ``judgement`` (a ``ComplaintJudgement``, optional) records whether it was founded;
    with it ``judgement_reason`` is required."""
    _require_officer(actor)
    answer = _text(answer, field="answer", maximum=ANSWER_MAX, required=True)
    judgement, judgement_reason = _judgement(judgement, judgement_reason)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status not in OPEN_STATUSES:
        raise Conflict(_("La segnalazione ha già una risposta o è chiusa."))
    now = timezone.now()
    if complaint.assigned_to_id is None:
        complaint.assigned_to = actor
        complaint.assigned_at = now
    complaint.answer = answer
    complaint.answered_at = now
    complaint.answered_by = actor
    if complaint.first_answered_at is None:
        complaint.first_answered_at = now
        complaint.answered_in_time = now <= complaint.deadline_at
    complaint.status = ComplaintStatus.ANSWERED
    changes = _apply_judgement(complaint, judgement, judgement_reason, now)
    complaint.save()
    record_audit(actor=actor, verb="complaint.answered", target=complaint, changes=changes)
    _tell_sender(
        complaint,
        subject=_("Risposta alla tua segnalazione n. %(ref)s"),
        body=_(
            "Gentile cittadina, gentile cittadino,\n\nin merito alla tua "
            "segnalazione n. %(ref)s ti comunichiamo quanto "
            "segue:\n\n%(answer)s\n\n%(follow)s\n\nUfficio reclami"
        ),
        params={"answer": answer},
    )
    return complaint


@transaction.atomic
def close_complaint(
    *,
    actor,
    complaint: Complaint,
    reason: str = "",
    judgement: str = "",
    judgement_reason: str = "",
) -> Complaint:
    """Close a complaint; closing one without an answer needs a reason.

    ``judgement`` (optional, with a required ``judgement_reason``) records or corrects
    whether it was founded."""
    _require_officer(actor)
    reason = _text(reason, field="reason", maximum=REASON_MAX, required=False)
    judgement, judgement_reason = _judgement(judgement, judgement_reason)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status == ComplaintStatus.CLOSED:
        raise Conflict(_("La segnalazione è già chiusa."))
    if complaint.status != ComplaintStatus.ANSWERED and not reason:
        raise InvalidInput(
            gettext("Indica il motivo per cui la segnalazione si chiude senza risposta."),
            field="reason",
        )
    complaint.status = ComplaintStatus.CLOSED
    complaint.closed_at = timezone.now()
    changes = _apply_judgement(complaint, judgement, judgement_reason, complaint.closed_at)
    complaint.save()
    record_audit(
        actor=actor, verb="complaint.closed", target=complaint, reason=reason, changes=changes
    )
    _tell_sender(
        complaint,
        subject=_("La tua segnalazione n. %(ref)s è stata chiusa"),
        body=_(
            "La segnalazione n. %(ref)s è stata chiusa. Se la risposta non ti "
            "soddisfa puoi chiederne la riapertura entro %(days)s giorni dalla "
            'pagina "Segui la tua segnalazione".\n\n%(follow)s\n\nUfficio reclami'
        ),
        params={"days": REOPEN_DAYS},
    )
    return complaint


def can_still_reopen(complaint: Complaint, now: datetime.datetime | None = None) -> bool:
    if complaint.status != ComplaintStatus.CLOSED or complaint.closed_at is None:
        return False
    return (now or timezone.now()) <= complaint.closed_at + datetime.timedelta(days=REOPEN_DAYS)


@transaction.atomic
def reopen_complaint(
    *, actor, complaint: Complaint, reason: str, as_sender: bool = False
) -> Complaint:
    """Reopen a closed complaint within ``REOPEN_DAYS`` of its closing, with a reason.

    Officers may reopen any; the sender may reopen theirs (``as_sender=True`` once the
    caller has proved it by session or by code and email). A new response deadline runs
    from the reopening.
    """
    if not as_sender:
        _require_officer(actor)
    reason = _text(reason, field="reason", maximum=REASON_MAX, required=True)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    now = timezone.now()
    if complaint.status != ComplaintStatus.CLOSED:
        raise Conflict(_("Si possono riaprire solo le segnalazioni chiuse."))
    if not can_still_reopen(complaint, now):
        raise Conflict(
            _("Sono trascorsi più di %(days)s giorni dalla chiusura: invii una nuova segnalazione.")
            % {"days": REOPEN_DAYS}
        )
    complaint.status = (
        ComplaintStatus.ASSIGNED if complaint.assigned_to_id else ComplaintStatus.RECEIVED
    )
    complaint.reopened_at = now
    complaint.closed_at = None
    # The days of the rule in force when it was filed, not those of a later revision.
    complaint.deadline_at = periods.response_deadline(now, complaint.deadline_days)
    complaint.reminded_before_at = None
    complaint.reminded_overdue_at = None
    complaint.reopen_reason = reason
    complaint.save()
    # The reason is the sender's (or an officer's) free text: it stays on the complaint,
    # where anonymization clears it, and out of the audit log.
    record_audit(
        actor=actor,
        actor_label=SENDER if as_sender else "",
        verb="complaint.reopened",
        target=complaint,
        changes={"by_sender": as_sender},
    )
    notify(
        recipients=[complaint.assigned_to] if complaint.assigned_to else _officers(),
        exclude=actor if is_signed_in(actor) else None,
        kind="complaint.reopened",
        title=_("La segnalazione n. %(ref)s è stata riaperta"),
        body=_("Motivo: %(reason)s\nNuovo termine per la risposta: %(deadline)s."),
        params={
            "ref": complaint.reference,
            "reason": reason,
            "deadline": _format_day(complaint.deadline_at),
        },
        url=_staff_url(complaint),
    )
    return complaint


# Where the sender follows the complaint. The email names the tracking page, never the
# code: only its hash is stored, and the code was shown once at filing and sent then.
FOLLOW_BY_CODE = _(
    "Può seguire la segnalazione alla pagina %(link)s, indicando il codice ricevuto "
    "all'invio e questo indirizzo email."
)
FOLLOW_SIGNED_IN = _("Può seguire la segnalazione alla pagina %(link)s, dopo l'accesso.")


def tracking_link() -> str:
    """The address of the tracking page (code and email), for emails."""
    return settings.CARTA_SITE_URL + reverse("feedback_track")


def _tell_sender(complaint: Complaint, *, subject, body, params: dict) -> None:
    params = {"ref": complaint.reference, "follow": "", **params}
    if complaint.submitted_by_id and complaint.submitted_by.is_active:
        # Signed-in senders read it in the app, and by email through notify.
        url = reverse("feedback_my_complaint", args=[complaint.pk])
        notify(
            recipients=[complaint.submitted_by],
            kind="complaint.update",
            title=subject,
            body=body,
            params={
                **params,
                "follow": str(FOLLOW_SIGNED_IN) % {"link": settings.CARTA_SITE_URL + url},
            },
            url=url,
            email=not complaint.contact_email,
        )
    if complaint.contact_email:
        to = complaint.contact_email
        language = translation.get_language() or settings.LANGUAGE_CODE

        def send():
            with translation.override(language):
                email_params = {**params, "follow": str(FOLLOW_BY_CODE) % {"link": tracking_link()}}
                _send(to, str(subject) % params, str(body) % email_params)

        transaction.on_commit(send)


# --- Scheduled jobs -------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderResult:
    before: int
    overdue: int


@transaction.atomic
def send_complaint_reminders(
    *, days_before: int = 5, now: datetime.datetime | None = None
) -> ReminderResult:
    """Remind officers of open complaints due within ``days_before`` days and of overdue
    ones. Each complaint is reminded once per kind per deadline (assigning or reopening
    clears the marks), so running the job twice sends nothing new."""
    now = now or timezone.now()
    open_complaints = Complaint.objects.filter(status__in=OPEN_STATUSES).select_related(
        "assigned_to"
    )
    officers = None
    due_soon = list(
        open_complaints.filter(
            deadline_at__gte=now,
            deadline_at__lte=now + datetime.timedelta(days=days_before),
            reminded_before_at__isnull=True,
        )
    )
    overdue = list(open_complaints.filter(deadline_at__lt=now, reminded_overdue_at__isnull=True))
    for complaint in due_soon + overdue:
        late = complaint.deadline_at < now
        if complaint.assigned_to is not None:
            recipients = [complaint.assigned_to]
        else:
            officers = officers if officers is not None else list(_officers())
            recipients = officers
        notify(
            recipients=recipients,
            kind="complaint.overdue" if late else "complaint.due_soon",
            title=(
                _("Segnalazione n. %(ref)s: termine scaduto %(deadline)s")
                if late
                else _("Segnalazione n. %(ref)s: rispondere entro %(deadline)s")
            ),
            params={
                "ref": complaint.reference,
                "deadline": on_date_lazy(complaint.deadline_at, "il"),
            },
            url=_staff_url(complaint),
        )
    Complaint.objects.filter(pk__in=[c.pk for c in due_soon]).update(reminded_before_at=now)
    Complaint.objects.filter(pk__in=[c.pk for c in overdue]).update(reminded_overdue_at=now)
    if due_soon or overdue:
        record_audit(
            actor=None,
            verb="complaint.reminders_sent",
            changes={"due_soon": len(due_soon), "overdue": len(overdue)},
        )
    return ReminderResult(before=len(due_soon), overdue=len(overdue))


def anonymize_after_days() -> int:
    # The same function as the privacy notice's retention table reads.
    return privacy.complaint_contact_days()


@transaction.atomic
def anonymize_complaints(*, days: int | None = None, now: datetime.datetime | None = None) -> int:
    """Clear the sender's name, email, reopen reason, the officer's judgement reason and the
    account link from complaints
    closed more than ``days`` (``CARTA_ANONYMIZE_AFTER_DAYS``, default 365) ago, and the
    personal data of every anonymized complaint's audit rows (the free text, and the
    sender named as actor by earlier versions). Three UPDATEs; the text of the complaint
    and its answer stay for the statistics. Returns how many were anonymized."""
    days = anonymize_after_days() if days is None else days
    now = now or timezone.now()
    count = _anonymize(
        Complaint.objects.filter(
            status=ComplaintStatus.CLOSED,
            closed_at__lte=now - datetime.timedelta(days=days),
            anonymized_at__isnull=True,
        ),
        now,
    )
    if count:
        record_audit(
            actor=None, verb="complaint.anonymized", changes={"count": count, "after_days": days}
        )
    return count


def _anonymize(complaints, now: datetime.datetime) -> int:
    count = complaints.update(
        contact_name="",
        contact_email="",
        reopen_reason="",
        judgement_reason="",
        submitted_by=None,
        anonymized_at=now,
    )
    anonymized = Complaint.objects.filter(anonymized_at__isnull=False).values(
        key=Cast("pk", output_field=CharField())
    )
    erase_audit_personal_data(
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Complaint), object_id__in=anonymized
        ),
        actor_label=SENDER,
        of_actor=Q(verb="complaint.received")
        | Q(verb="complaint.reopened", changes__by_sender=True),
    )
    return count


@transaction.atomic
def erase_personal_data_of(*, actor) -> int:
    """The erasure of ``actor``'s account (``carta.signals.account_erasing``): every
    complaint they filed while signed in is anonymized now, as ``anonymize_complaints``
    does after the retention period, open ones included: their text and answer stay for
    the figures, but with the address gone the sender can no longer follow them by code
    (``find_complaint_by_code`` needs it). The dates of their last evaluations go; their
    evaluations stay, with the account shown as "utente cancellato", for the services'
    figures. Returns the complaints anonymized."""
    count = _anonymize(
        Complaint.objects.filter(submitted_by=actor, anonymized_at__isnull=True),
        timezone.now(),
    )
    LastEvaluation.objects.filter(user=actor).delete()
    return count


# --- Evaluations ----------------------------------------------------------------------


def _rating(value, field: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if isinstance(value, bool) or str(number) != str(value).strip() or not 1 <= number <= 5:
        raise InvalidInput(gettext("Indica un valore da 1 a 5."), field=field)
    return number


def _claim_evaluation(actor, service_key: str, now: datetime.datetime) -> None:
    """Move the person's ``LastEvaluation`` of the service to ``now``, or ``Conflict``.

    A conditional UPDATE (the row lock makes a concurrent one wait and then find the new
    date), or the first INSERT under the unique constraint (a concurrent INSERT fails):
    the database, not a read before the write, decides. Runs in the caller's transaction.
    """
    claimed = LastEvaluation.objects.filter(
        user=actor,
        service_key=service_key,
        evaluated_at__lt=now - datetime.timedelta(days=limits.EVALUATION_DAYS),
    ).update(evaluated_at=now)
    if not claimed:
        try:
            with transaction.atomic():
                LastEvaluation.objects.create(user=actor, service_key=service_key, evaluated_at=now)
        except IntegrityError:
            raise Conflict(
                _("Ha già valutato questo servizio negli ultimi %(days)s giorni. Grazie!")
                % {"days": limits.EVALUATION_DAYS},
                field="service",
            ) from None


def _use_evaluation_code(code: str, service_key: str, now: datetime.datetime) -> EvaluationCode:
    """Mark the code used, once: a conditional UPDATE (``used_at`` still empty, not
    expired, for this service) decides, so that of two submissions of one code only one
    passes (the row lock makes the other wait and then find it used). ``InvalidInput`` on
    ``code`` saying why otherwise. Runs in the caller's transaction."""
    if not evaluation_codes.looks_like_a_code(code):
        raise InvalidInput(
            gettext(
                "Il codice non è scritto correttamente: è fatto di 8 lettere e cifre, per "
                "esempio VAL-K7MP-3QXT. Controllalo sul foglio o nell'email che hai ricevuto."
            ),
            field="code",
        )
    digest = evaluation_codes.digest(code)
    claimed = EvaluationCode.objects.filter(
        digest=digest, service_key=service_key, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    found = EvaluationCode.objects.filter(digest=digest).first()
    if claimed and found is not None:
        return found
    if found is None:
        message = gettext(
            "Questo codice non risulta tra quelli emessi. Controlla di averlo copiato bene."
        )
    elif found.service_key != service_key:
        message = gettext("Questo codice vale per un altro servizio: scegli quello giusto.")
    elif found.used_at is not None:
        message = gettext("Questo codice è già stato usato: ogni codice vale una volta sola.")
    else:
        message = gettext("Questo codice è scaduto %(date)s.") % {
            "date": on_date(timezone.localtime(found.expires_at).date(), "il")
        }
    raise InvalidInput(message, field="code")


@transaction.atomic
def submit_evaluation(
    *,
    actor,
    service,
    access: int,
    timeliness: int,
    courtesy: int,
    clarity: int,
    overall: int,
    comment: str = "",
    code: str = "",
    client_address: str | None = None,
) -> Evaluation:
    """Record one person's evaluation of a service of the Carta in force.

    ``service`` is a ``consultations.Service`` of the Carta in force (or its id, checked
    here). One per person per service (by stable key) per ``limits.EVALUATION_DAYS``
    days: signed-in people
    are held by the database (``LastEvaluation``; ``Conflict``), anonymous visitors by
    address (``RateLimited`` on ``code``, explaining the limit). Ratings outside 1-5 raise
    ``InvalidInput`` on their field.

    With a ``code`` issued for the service (``issue_evaluation_codes``) the per-address
    limit does not apply: the code is used once, the evaluation is ``verified`` and linked
    to it; an unknown, used, expired or other service's code is ``InvalidInput`` on
    ``code``. Each attempt with a code counts against the address's form limit, so codes
    cannot be guessed at speed. A signed-in person's own limit stays.
    """
    if not isinstance(service, Service):
        service = charter.service_in_force(service)
    values = {
        name: _rating(v, name)
        for name, v in zip(RATINGS, (access, timeliness, courtesy, clarity, overall), strict=True)
    }
    comment = _text(comment, field="comment", maximum=COMMENT_MAX, required=False)
    now = timezone.now()
    signed_in = is_signed_in(actor)
    code = (code or "").strip()
    used_code = None
    if code:
        limits.hit_scope("anonymous_form", client_address, suffix=":evaluation-code")
        used_code = _use_evaluation_code(code, service.key, now)
    if signed_in:
        _claim_evaluation(actor, service.key, now)
    elif used_code is None:
        limits.hit_scope("anonymous_form", client_address, suffix=":evaluation")
        limits.hit_anonymous_evaluation(client_address, service.key)
    evaluation = Evaluation.objects.create(
        service=service,
        service_key=service.key,
        comment=comment,
        user=actor if signed_in else None,
        created_at=now,
        period=periods.quarter_of(now),
        verified=used_code is not None,
        **values,
    )
    if used_code is not None:
        EvaluationCode.objects.filter(pk=used_code.pk).update(evaluation=evaluation)
    record_audit(
        actor=actor,
        verb="evaluation.submitted",
        target=evaluation,
        changes={
            "service": service.key,
            "overall": values["overall"],
            "verified": evaluation.verified,
        },
    )
    return evaluation


# --- Evaluation codes -----------------------------------------------------------------

CODES_MAX = 200
CODE_DAYS_DEFAULT = 90
CODE_DAYS_MAX = 366


@dataclass(frozen=True)
class IssuedCodes:
    """A batch of new codes: they exist in clear only here (the printable page, the
    email), never in the database."""

    service: Service
    codes: list[str]
    expires_at: datetime.datetime
    evaluate_url: str
    # Where the batch was emailed, filled once the mail server has taken it (after the
    # commit): the page says it was sent only then.
    sent_to: list[str] = field(default_factory=list)


def _evaluate_url(service: Service) -> str:
    return f"{settings.CARTA_SITE_URL}{reverse('feedback_evaluate')}?servizio={service.pk}"


def _send_codes(issued: IssuedCodes, email: str) -> None:
    expires = on_date(timezone.localtime(issued.expires_at).date(), "al")
    lines = [
        gettext("Codici di valutazione per il servizio «%(service)s».")
        % {"service": issued.service.title},
        "",
        gettext(
            "Ogni codice vale una sola valutazione di questo servizio, fino %(date)s. "
            "Consegnalo a chi ha usato il servizio: potrà valutarlo qui, inserendo il codice:"
        )
        % {"date": expires},
        issued.evaluate_url,
        "",
        *issued.codes,
    ]
    send_mail(
        gettext("Codici di valutazione: %(service)s") % {"service": issued.service.title},
        "\n".join(lines),
        None,
        [email],
    )
    issued.sent_to.append(email)


@transaction.atomic
def issue_evaluation_codes(
    *,
    actor,
    service,
    count: int,
    valid_days: int = CODE_DAYS_DEFAULT,
    email: str = "",
) -> IssuedCodes:
    """Issue ``count`` single-use codes for ``service`` (of the Carta in force, or its
    id), valid ``valid_days`` days; with ``email`` they are also sent there after the
    commit (the address is not stored). The complaint office and administrators only
    (``NotAllowed``). Audited with the service, the number and the expiry, never the
    codes. One INSERT for the batch."""
    if not perms.can_issue_evaluation_codes(actor):
        raise NotAllowed(_("Solo l'ufficio del servizio può emettere codici di valutazione."))
    if not isinstance(service, Service):
        service = charter.service_in_force(service)
    try:
        count = int(count)
    except (TypeError, ValueError):
        count = 0
    if not 1 <= count <= CODES_MAX:
        raise InvalidInput(
            gettext("Indica quanti codici emettere, da 1 a %(max)d.") % {"max": CODES_MAX},
            field="count",
        )
    try:
        valid_days = int(valid_days)
    except (TypeError, ValueError):
        valid_days = 0
    if not 1 <= valid_days <= CODE_DAYS_MAX:
        raise InvalidInput(
            gettext("La validità va da 1 a %(max)d giorni.") % {"max": CODE_DAYS_MAX},
            field="valid_days",
        )
    email = _email(email, field="email")
    now = timezone.now()
    expires_at = now + datetime.timedelta(days=valid_days)
    codes = [evaluation_codes.new_code() for _ in range(count)]
    EvaluationCode.objects.bulk_create(
        [
            EvaluationCode(
                service_key=service.key,
                digest=evaluation_codes.digest(code),
                issued_by=actor,
                issued_at=now,
                expires_at=expires_at,
            )
            for code in codes
        ]
    )
    record_audit(
        actor=actor,
        verb="evaluation_codes.issued",
        changes={
            "service": service.key,
            "count": count,
            "expires_at": expires_at.isoformat(),
            "emailed": bool(email),
        },
    )
    issued = IssuedCodes(service, codes, expires_at, _evaluate_url(service))
    if email:
        # Robust: the codes exist once committed and only the page that answers shows
        # them, so a mail server that refuses is logged and never fails that page.
        transaction.on_commit(lambda: _send_codes(issued, email), robust=True)
    return issued


# --- Measurements of commitments ------------------------------------------------------


@transaction.atomic
def record_measurement(
    *,
    actor,
    commitment,
    period: str,
    value,
    direction: str = "",
    note: str = "",
    reason: str = "",
) -> CommitmentMeasurement:
    """Record the value measured for a commitment in a quarter, or correct it.

    ``commitment`` is a ``consultations.QualityCommitment`` of the Carta in force (or its
    id, checked here). ``direction`` says whether the target is a minimum or a maximum;
    by default the Carta's own. The first value of a (commitment key, quarter) is version
    1; recording again is a correction: a new row with the next version, who, when and
    ``reason`` (required: ``InvalidInput`` on ``reason`` without it). The commitment's row
    is locked first, so that two corrections at once are numbered one after the other and
    both kept (the unique constraint on the version is the backstop).

    When the value misses the target (``verdicts.is_met``, the dashboard's verdict), the
    commitment's improvement action for the quarter is opened, or reopened if a
    correction had made it unnecessary; a correction that meets the target turns a
    pending action into ``not_needed`` (never deletes it).
    """
    if not perms.can_record_measurements(actor):
        raise NotAllowed(_("Solo il personale incaricato può registrare le misurazioni."))
    return _store_measurement(
        actor=actor,
        commitment=commitment,
        period=period,
        value=value,
        direction=direction,
        note=note,
        reason=reason,
    )


def _store_measurement(
    *,
    actor,
    commitment,
    period: str,
    value,
    direction: str = "",
    note: str = "",
    reason: str = "",
    organization=None,
) -> CommitmentMeasurement:
    """The checks and the row of ``record_measurement`` (validated) and, with
    ``organization``, of ``submit_measurement`` (pending: no verdict, no action yet)."""
    if not isinstance(commitment, QualityCommitment):
        commitment = charter.commitment_in_force(commitment)
    parsed = periods.parse_quarter(period)
    if parsed is None:
        raise InvalidInput(gettext("Indica il trimestre nella forma 2026-Q1."), field="period")
    period = f"{parsed[0]}-Q{parsed[1]}"
    if period > periods.quarter_of(timezone.now()):
        raise InvalidInput(gettext("Il trimestre non può essere futuro."), field="period")
    try:
        number = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or abs(number) >= 10**10:
        raise InvalidInput(gettext("Indica un numero."), field="value")
    note = _text(note, field="note", maximum=NOTE_MAX, required=False)
    reason = _text(reason, field="reason", maximum=REASON_MAX, required=False)
    if direction and direction not in Direction.values:
        raise InvalidInput(gettext("Scelta non valida."), field="direction")
    direction = direction or commitment.direction
    # Every write of this commitment's measurements waits here for the one before.
    QualityCommitment.objects.select_for_update().filter(pk=commitment.pk).first()
    versions = CommitmentMeasurement.objects.filter(commitment_key=commitment.key, period=period)
    last = versions.order_by("-version").first()
    # A value already validated makes this a correction; submissions still pending or
    # rejected take a version number but correct nothing.
    current = versions.filter(status=MeasurementStatus.VALIDATED).order_by("-version").first()
    if current is not None and not reason:
        raise InvalidInput(
            gettext(
                "Il valore di questo trimestre è già registrato: indica il motivo della correzione."
            ),
            field="reason",
        )
    measurement = CommitmentMeasurement.objects.create(
        commitment=commitment,
        commitment_key=commitment.key,
        service_key=commitment.service.key,
        period=period,
        version=1 if last is None else last.version + 1,
        value=number.quantize(Decimal("0.01")),
        direction=direction,
        note=note,
        reason=reason if current is not None else "",
        recorded_by=actor,
        recorded_at=timezone.now(),
        status=MeasurementStatus.PENDING if organization else MeasurementStatus.VALIDATED,
        organization=organization,
    )
    if organization is not None:
        record_audit(
            actor=actor,
            verb="measurement.submitted",
            target=measurement,
            reason=measurement.reason,
            changes={
                "value": str(measurement.value),
                "period": period,
                "version": measurement.version,
                "organization": organization.pk,
            },
        )
        notify(
            recipients=list(
                User.objects.filter(
                    is_active=True, groups__name__in=["complaint_officers", "carta_editors"]
                ).distinct()
            ),
            kind="measurement.submitted",
            title=_("Una misurazione da convalidare: %(indicator)s"),
            body=_("%(organization)s ha inviato il valore %(value)s per il trimestre %(period)s."),
            params={
                "indicator": commitment.indicator,
                "organization": organization.legal_name,
                "value": str(measurement.value).replace(".", ","),
                "period": period,
            },
            url=reverse("feedback_measurement_history")
            + f"?impegno={commitment.key}&trimestre={period}",
            email=False,
        )
        return measurement
    record_audit(
        actor=actor,
        verb="measurement.recorded" if current is None else "measurement.corrected",
        target=measurement,
        reason=measurement.reason,
        changes={
            "value": [None if current is None else str(current.value), str(measurement.value)],
            "period": period,
            "version": measurement.version,
        },
    )
    _follow_improvement_action(actor, commitment, measurement)
    return measurement


@transaction.atomic
def submit_measurement(
    *,
    actor,
    commitment,
    organization,
    period: str,
    value,
    note: str = "",
    reason: str = "",
) -> CommitmentMeasurement:
    """A provider of the service submits the value measured for one of its commitments:
    stored pending (the next version of its quarter) until staff validate it
    (``validate_measurement``); it counts nowhere before. ``organization`` must be among
    the service's providers (``InvalidInput`` on ``organization``) and ``actor`` may write
    in its name (``NotAllowed``). Correcting a validated value needs ``reason``, as for
    staff. Staff who record measurements are notified after the commit."""
    if not is_signed_in(actor):
        raise NotAllowed(_("Accedi per inviare una misurazione."))
    if not isinstance(commitment, QualityCommitment):
        commitment = charter.commitment_in_force(commitment)
    if (
        organization is None
        or not commitment.service.provider_organizations.filter(pk=organization.pk).exists()
    ):
        raise InvalidInput(
            gettext("L'organizzazione indicata non è tra gli enti erogatori del servizio."),
            field="organization",
        )
    if not perms.can_submit_measurements_for(actor, organization):
        raise NotAllowed(
            _("Solo chi può scrivere a nome dell'ente erogatore può inviarne le misurazioni.")
        )
    return _store_measurement(
        actor=actor,
        commitment=commitment,
        period=period,
        value=value,
        note=note,
        reason=reason,
        organization=organization,
    )


@transaction.atomic
def validate_measurement(
    *, actor, measurement: CommitmentMeasurement, accept: bool, reason: str = ""
) -> CommitmentMeasurement:
    """Staff who record measurements validate a provider's pending value (it then counts,
    and a missed target opens the improvement action as a recorded one does) or reject it
    with a reason (``InvalidInput`` on ``reason`` without). Only a pending value can be
    decided (``Conflict``). The commitment's row is locked, as for recording."""
    if not perms.can_record_measurements(actor):
        raise NotAllowed(_("Solo il personale incaricato può convalidare le misurazioni."))
    reason = _text(reason, field="reason", maximum=REASON_MAX, required=False)
    if not accept and not reason:
        raise InvalidInput(gettext("Indica il motivo del rifiuto."), field="reason")
    QualityCommitment.objects.select_for_update().filter(pk=measurement.commitment_id).first()
    measurement = CommitmentMeasurement.objects.select_for_update().get(pk=measurement.pk)
    if measurement.status != MeasurementStatus.PENDING:
        raise Conflict(_("La misurazione è già stata convalidata o respinta."))
    measurement.status = MeasurementStatus.VALIDATED if accept else MeasurementStatus.REJECTED
    measurement.validated_by = actor
    measurement.validated_at = timezone.now()
    measurement.validation_note = "" if accept else reason
    measurement.save(update_fields=["status", "validated_by", "validated_at", "validation_note"])
    record_audit(
        actor=actor,
        verb="measurement.validated" if accept else "measurement.rejected",
        target=measurement,
        reason=reason,
        changes={"status": [MeasurementStatus.PENDING, measurement.status]},
    )
    newer = CommitmentMeasurement.objects.filter(
        commitment_key=measurement.commitment_key,
        period=measurement.period,
        status=MeasurementStatus.VALIDATED,
        version__gt=measurement.version,
    ).exists()
    if accept and not newer:
        _follow_improvement_action(actor, measurement.commitment, measurement)
    return measurement


def _follow_improvement_action(actor, commitment, measurement: CommitmentMeasurement) -> None:
    """Open, reopen or set aside the improvement action of the measurement's quarter."""
    met = is_met(measurement.value, commitment.target_value, commitment.direction)
    action = (
        ImprovementAction.objects.select_for_update()
        .filter(commitment_key=commitment.key, period=measurement.period)
        .first()
    )
    now = timezone.now()
    if met is False and action is None:
        action = ImprovementAction.objects.create(
            commitment=commitment,
            commitment_key=commitment.key,
            service_key=commitment.service.key,
            period=measurement.period,
            measurement=measurement,
            opened_at=now,
            updated_at=now,
            updated_by=actor,
        )
        record_audit(
            actor=actor,
            verb="improvement_action.opened",
            target=action,
            changes={"commitment": commitment.key, "period": measurement.period},
        )
        return
    if action is None:
        return
    if met is False and action.status == ImprovementStatus.NOT_NEEDED:
        before, after = action.status, ImprovementStatus.OPEN
    elif met is True and action.status in PENDING_IMPROVEMENT_STATUSES:
        before, after = action.status, ImprovementStatus.NOT_NEEDED
    else:
        return
    action.status = after
    action.measurement = measurement
    action.updated_at = now
    action.updated_by = actor
    action.save()
    record_audit(
        actor=actor,
        verb="improvement_action.status_changed",
        target=action,
        changes={"status": [before, after], "version": measurement.version},
    )


# The fields of an improvement action staff may edit, with their limits.
ACTION_DESCRIPTION_MAX = 5000
ACTION_RESPONSIBLE_MAX = 200
ACTION_OUTCOME_MAX = 5000
_UNSET = object()


@transaction.atomic
def update_improvement_action(
    *,
    actor,
    action: ImprovementAction,
    description=_UNSET,
    responsible=_UNSET,
    due_date=_UNSET,
    status=_UNSET,
    outcome=_UNSET,
) -> ImprovementAction:
    """Edit an improvement action (the staff who record measurements): what will be done,
    by whom, by when (a ``datetime.date``, an ISO date or ``None``), its status (open,
    in_progress, completed, cancelled; ``not_needed`` is the corrections' own) and its
    outcome, required to complete or cancel it. An argument left out keeps its value.
    Audited with the fields changed (public text, no personal data)."""
    if not perms.can_record_measurements(actor):
        raise NotAllowed(
            _(
                "Solo il personale incaricato delle misurazioni può aggiornare le azioni "
                "di miglioramento."
            )
        )
    values = {}
    if description is not _UNSET:
        values["description"] = _text(
            description, field="description", maximum=ACTION_DESCRIPTION_MAX, required=False
        )
    if responsible is not _UNSET:
        values["responsible"] = _text(
            responsible, field="responsible", maximum=ACTION_RESPONSIBLE_MAX, required=False
        )
    if outcome is not _UNSET:
        values["outcome"] = _text(
            outcome, field="outcome", maximum=ACTION_OUTCOME_MAX, required=False
        )
    if due_date is not _UNSET:
        values["due_date"] = _date(due_date, field="due_date")
    action = ImprovementAction.objects.select_for_update().get(pk=action.pk)
    if status is not _UNSET:
        # ``not_needed`` is the corrections' own: staff may keep it, not choose it.
        if status not in STAFF_IMPROVEMENT_STATUSES and status != action.status:
            raise InvalidInput(
                gettext("Scegli uno stato tra aperta, in corso, completata e annullata."),
                field="status",
            )
        values["status"] = status
    changes = {
        name: [_plain(getattr(action, name)), _plain(value)]
        for name, value in values.items()
        if getattr(action, name) != value
    }
    for name, value in values.items():
        setattr(action, name, value)
    if action.status in (ImprovementStatus.COMPLETED, ImprovementStatus.CANCELLED) and not (
        action.outcome
    ):
        raise InvalidInput(
            gettext("Indica l'esito: serve per completare o annullare l'azione."), field="outcome"
        )
    if changes:
        action.updated_at = timezone.now()
        action.updated_by = actor
        action.save()
        record_audit(actor=actor, verb="improvement_action.updated", target=action, changes=changes)
    return action


def _date(value, *, field: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidInput(
            gettext("Indica una data valida nella forma AAAA-MM-GG."), field=field
        ) from None


def _plain(value):
    return value.isoformat() if isinstance(value, datetime.date) else value
