"""Feedback's part of a person's data download (``carta.privacy``): the complaints they
filed while signed in (with the contact data they left), their evaluations and the
measurements of commitments they entered. One query per section. What erasure does:
``services.erase_personal_data_of``, through ``carta.signals.account_erasing``.
Registered from ``FeedbackConfig``.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from carta import privacy
from carta.signals import account_erasing
from feedback import services
from feedback.attachments import erase_anonymized_evidence
from feedback.models import (
    CommitmentMeasurement,
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintJudgement,
    ComplaintStatus,
    Evaluation,
    MeasurementStatus,
)

STAFF_ACT = privacy.kept("an act of the complaint office, exported as activity")


def complaints(user) -> list[dict]:
    answered = (ComplaintStatus.ANSWERED, ComplaintStatus.CLOSED)
    return [
        {
            "reference": c.reference,
            "category": c.category,
            "service": c.service_key,
            "commitment": c.commitment_key,
            "channel": c.channel,
            "description": c.description,
            "contact_name": c.contact_name,
            "contact_email": c.contact_email,
            "status": c.status,
            "received_at": c.received_at,
            "deadline_at": c.deadline_at,
            "answer": c.answer,
            "answered_at": c.answered_at,
            "closed_at": c.closed_at,
            # As on the tracking page: the finding once answered, not its internal reason.
            "judgement": c.judgement if c.status in answered else "",
        }
        for c in Complaint.objects.filter(submitted_by=user).order_by("received_at", "id")
    ]


def evaluations(user) -> list[dict]:
    fields = ("service_key", "access", "timeliness", "courtesy", "clarity", "overall", "comment")
    return [
        {**{name: getattr(e, name) for name in fields}, "created_at": e.created_at}
        for e in Evaluation.objects.filter(user=user).order_by("created_at", "id")
    ]


def measurements(user) -> list[dict]:
    return [
        {
            "service": m.service_key,
            "commitment": m.commitment_key,
            "period": m.period,
            "version": m.version,
            "value": m.value,
            "note": m.note,
            "reason": m.reason,
            "status": m.status,
            "recorded_at": m.recorded_at,
        }
        for m in CommitmentMeasurement.objects.filter(recorded_by=user).order_by(
            "recorded_at", "id"
        )
    ]


@receiver(account_erasing, dispatch_uid="feedback.erase_personal_data")
def erase_personal_data(sender, user, **kwargs):
    services.erase_personal_data_of(actor=user)
    # The evidence of the complaints just anonymized goes with the sender's data; files
    # are deleted only once the erasure is committed (a refusal keeps them).
    transaction.on_commit(erase_anonymized_evidence)


def register() -> None:
    privacy.register_section(
        "complaints",
        title=_("Reclami e segnalazioni"),
        description=_(
            "Quelli che hai presentato dopo aver effettuato l'accesso. Quelli inviati senza "
            "accesso non sono collegati al tuo account: li segui con il loro codice."
        ),
        collect=complaints,
        columns={
            "received_at": _("Ricevuto il"),
            "reference": _("Codice"),
            "category": _("Tipo"),
            "service": _("Servizio"),
            "commitment": _("Impegno"),
            "channel": _("Canale"),
            "description": _("Descrizione"),
            "contact_name": _("Nome e cognome"),
            "contact_email": _("Email"),
            "status": _("Stato"),
            "deadline_at": _("Termine per la risposta"),
            "answer": _("Risposta"),
            "answered_at": _("Risposta il"),
            "closed_at": _("Chiuso il"),
            "judgement": _("Esito"),
        },
        fields={
            "feedback.Complaint.submitted_by": privacy.ANONYMIZED,
            "feedback.Complaint.contact_name": privacy.ANONYMIZED,
            "feedback.Complaint.contact_email": privacy.ANONYMIZED,
            "feedback.Complaint.assigned_to": STAFF_ACT,
            "feedback.Complaint.answered_by": STAFF_ACT,
        },
        choices={
            "category": ComplaintCategory,
            "channel": ComplaintChannel,
            "status": ComplaintStatus,
            "judgement": ComplaintJudgement,
        },
    )
    privacy.register_section(
        "evaluations",
        title=_("Valutazioni dei servizi"),
        collect=evaluations,
        columns={
            "created_at": _("Data"),
            "service_key": _("Servizio"),
            "access": _("Accesso"),
            "timeliness": _("Tempestività"),
            "courtesy": _("Cortesia"),
            "clarity": _("Chiarezza"),
            "overall": _("Giudizio complessivo"),
            "comment": _("Commento"),
        },
        fields={
            "feedback.Evaluation.user": privacy.kept(
                "the ratings feed the services' figures; the account is shown as "
                "'utente cancellato'"
            ),
            "feedback.LastEvaluation.user": privacy.ERASED,
        },
    )
    privacy.register_section(
        "measurements",
        title=_("Misure degli impegni che hai inserito"),
        collect=measurements,
        columns={
            "recorded_at": _("Registrata il"),
            "service": _("Servizio"),
            "commitment": _("Impegno"),
            "period": _("Trimestre"),
            "version": _("Versione"),
            "value": _("Valore"),
            "note": _("Nota"),
            "reason": _("Motivo della correzione"),
            "status": _("Stato"),
        },
        fields={
            "feedback.CommitmentMeasurement.recorded_by": privacy.kept(
                "a published figure of the Carta's commitments, shown as 'utente cancellato'"
            ),
            "feedback.CommitmentMeasurement.validated_by": STAFF_ACT,
            "feedback.ImprovementAction.updated_by": STAFF_ACT,
            "feedback.EvaluationCode.issued_by": STAFF_ACT,
        },
        choices={"status": MeasurementStatus},
    )
