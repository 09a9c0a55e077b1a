"""Citizen feedback: complaints and reports, satisfaction evaluations, and the values staff
record against the Carta's quality commitments.

Evaluations, complaints and measurements refer to the Carta's services and commitments
twice: by a foreign key to the row of the revision that was in force when they were made
(what exactly was judged) and by its stable ``key``, kept as a denormalized column so that
trends follow a service across revisions without joins. Aggregates group by the key.
Every write checks that the row belongs to the revision in force (``feedback.charter``);
the foreign keys PROTECT, since revisions are never deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carta.models import TimeStampedModel
from consultations.charter.models import (  # Direction: is the target a floor or a ceiling
    Direction,
    QualityCommitment,
    Revision,
    Service,
)


class ComplaintCategory(models.TextChoices):
    COMPLAINT = "complaint", _("Reclamo")
    MALFUNCTION = "malfunction", _("Segnalazione di un disservizio")
    UNMET_NEED = "unmet_need", _("Bisogno non soddisfatto")
    SUGGESTION = "suggestion", _("Suggerimento")
    ACCESSIBILITY = "accessibility", _("Segnalazione sull'accessibilità")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Ricevuta")
    ASSIGNED = "assigned", _("Presa in carico")
    ANSWERED = "answered", _("Risposta inviata")
    CLOSED = "closed", _("Chiusa")


OPEN_STATUSES = (ComplaintStatus.RECEIVED, ComplaintStatus.ASSIGNED)


class ComplaintJudgement(models.TextChoices):
    """The officer's finding on a complaint; founded and partly founded ones count against
    the commitment they name on the dashboard."""

    FOUNDED = "founded", _("Fondato")
    PARTLY_FOUNDED = "partly_founded", _("Parzialmente fondato")
    UNFOUNDED = "unfounded", _("Infondato")


# The judgements that count against a commitment.
FOUNDED_JUDGEMENTS = (ComplaintJudgement.FOUNDED, ComplaintJudgement.PARTLY_FOUNDED)


class ComplaintChannel(models.TextChoices):
    """How the complaint reached the Ambito; the site records its own as ``web``."""

    WEB = "web", _("Sito web")
    COUNTER = "counter", _("Sportello")
    PEC = "pec", _("PEC")
    PHONE = "phone", _("Telefono")
    LETTER = "letter", _("Lettera")


HANDLE_COMPLAINT = "feedback.handle_complaint"


class RefundStatus(models.TextChoices):
    """A refund or indemnity the Carta promises, owed on a founded complaint."""

    DUE = "due", _("Da pagare")
    PAID = "paid", _("Pagato")


class Complaint(TimeStampedModel):
    """A complaint or report sent by anyone, followed by its sender with the tracking code.

    Only a hash of the tracking code is stored: the code itself is shown once on screen
    and sent by email. ``contact_name``, ``contact_email``, the sender's
    ``reopen_reason`` and the officer's ``judgement_reason`` (which may quote the sender)
    are personal data, read only by complaint officers and administrators and cleared by
    ``anonymize_complaints``. ``judgement`` itself is public once the complaint is
    answered.
    """

    tracking_hash = models.CharField(max_length=64, unique=True, editable=False)
    category = models.CharField(_("tipo"), max_length=20, choices=ComplaintCategory.choices)
    service = models.ForeignKey(
        Service,
        verbose_name=_("servizio"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    service_key = models.CharField(_("chiave del servizio"), max_length=100, blank=True)
    commitment = models.ForeignKey(
        QualityCommitment,
        verbose_name=_("impegno"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    commitment_key = models.CharField(
        _("chiave dell'impegno"), max_length=100, blank=True, db_index=True
    )
    channel = models.CharField(
        _("canale di ricezione"),
        max_length=10,
        choices=ComplaintChannel.choices,
        default=ComplaintChannel.WEB,
    )
    protocol_number = models.CharField(_("numero di protocollo"), max_length=50, blank=True)
    description = models.TextField(_("descrizione"))
    contact_name = models.CharField(_("nome e cognome"), max_length=150, blank=True)
    contact_email = models.EmailField(_("indirizzo email"), blank=True)
    privacy_consent_at = models.DateTimeField(_("consenso al trattamento dei dati"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inviata da"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    status = models.CharField(
        _("stato"),
        max_length=12,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.RECEIVED,
        db_index=True,
    )
    received_at = models.DateTimeField(_("ricevuta il"), db_index=True)
    period = models.CharField(_("trimestre di ricezione"), max_length=7, db_index=True)
    deadline_at = models.DateTimeField(_("termine per la risposta"), db_index=True)
    # The rule that set the deadline, fixed at filing: the revision in force then, the days
    # it gives (kept on reopening, whatever a later revision says) and the commitment that
    # set them (None: the platform's CARTA_COMPLAINT_DAYS, no commitment of the Carta did).
    revision = models.ForeignKey(
        Revision,
        verbose_name=_("revisione della Carta in vigore alla ricezione"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("giorni per la risposta"), null=True, blank=True
    )
    deadline_commitment = models.ForeignKey(
        QualityCommitment,
        verbose_name=_("impegno della Carta che fissa il termine"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assegnata a"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_complaints",
    )
    assigned_at = models.DateTimeField(_("assegnata il"), null=True, blank=True)
    answer = models.TextField(_("risposta"), blank=True)
    answered_at = models.DateTimeField(_("risposta il"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    first_answered_at = models.DateTimeField(_("prima risposta il"), null=True, blank=True)
    answered_in_time = models.BooleanField(_("prima risposta nei termini"), null=True)
    closed_at = models.DateTimeField(_("chiusa il"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("riaperta il"), null=True, blank=True)
    reminded_before_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_overdue_at = models.DateTimeField(null=True, blank=True, editable=False)
    reopen_reason = models.TextField(_("motivo della riapertura"), blank=True)
    judgement = models.CharField(
        _("esito dell'istruttoria"),
        max_length=16,
        choices=ComplaintJudgement.choices,
        blank=True,
    )
    judgement_reason = models.TextField(_("motivazione dell'esito"), blank=True)
    judged_at = models.DateTimeField(_("esito registrato il"), null=True, blank=True)
    # What a founded complaint on a commitment that promises a refund is owed, and whether
    # it was paid (and when).
    refund_amount = models.DecimalField(
        _("rimborso dovuto (euro)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    refund_status = models.CharField(
        _("stato del rimborso"), max_length=8, choices=RefundStatus.choices, blank=True
    )
    refund_paid_on = models.DateField(_("rimborso pagato il"), null=True, blank=True)
    anonymized_at = models.DateTimeField(_("dati anonimizzati il"), null=True, blank=True)

    # Its audit rows are read by complaint officers and administrators only.
    audit_permission = HANDLE_COMPLAINT

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("reclamo o segnalazione")
        verbose_name_plural = _("reclami e segnalazioni")
        permissions = [("handle_complaint", _("Può gestire reclami e segnalazioni"))]
        indexes = [
            models.Index(fields=["service_key", "period"]),
            models.Index(fields=["status", "deadline_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} n. {self.pk}"

    @property
    def reference(self) -> str:
        return f"{self.pk:06d}" if self.pk else ""


class Evaluation(models.Model):
    """One person's 1-5 judgement of a service of the Carta in force."""

    service = models.ForeignKey(
        Service,
        verbose_name=_("servizio"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    service_key = models.CharField(_("chiave del servizio"), max_length=100, db_index=True)
    access = models.PositiveSmallIntegerField(_("accesso al servizio"))
    timeliness = models.PositiveSmallIntegerField(_("tempestività"))
    courtesy = models.PositiveSmallIntegerField(_("cortesia e professionalità"))
    clarity = models.PositiveSmallIntegerField(_("chiarezza delle informazioni"))
    overall = models.PositiveSmallIntegerField(_("giudizio complessivo"))
    comment = models.TextField(_("commento"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evaluations",
    )
    created_at = models.DateTimeField(_("inviata il"), db_index=True)
    period = models.CharField(_("trimestre"), max_length=7, db_index=True)
    # Sent with a single-use code the service's office handed out (``EvaluationCode``):
    # the evaluation of someone who used the service, counted apart from the open ones.
    verified = models.BooleanField(_("con codice di valutazione"), default=False)

    # Its audit rows name who judged a social service: complaint officers and
    # administrators only.
    audit_permission = HANDLE_COMPLAINT

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("valutazione")
        verbose_name_plural = _("valutazioni")
        indexes = [models.Index(fields=["service_key", "period"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    access__gte=1,
                    access__lte=5,
                    timeliness__gte=1,
                    timeliness__lte=5,
                    courtesy__gte=1,
                    courtesy__lte=5,
                    clarity__gte=1,
                    clarity__lte=5,
                    overall__gte=1,
                    overall__lte=5,
                ),
                name="evaluation_ratings_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_key} {self.period}: {self.overall}/5"


ISSUE_EVALUATION_CODE = "feedback.issue_evaluation_code"


class EvaluationCode(models.Model):
    """A single-use code that a service's office hands out (printed or by email) so that
    whoever used the service may evaluate it once, past the per-address limit.

    Only a keyed digest of the code is stored (``feedback.evaluation_codes.digest``): the
    code itself exists on the printed page or in the email, never in the database. It
    is used once, by a conditional UPDATE (``used_at`` still empty), so two submissions
    of one code make one evaluation."""

    service_key = models.CharField(_("chiave del servizio"), max_length=100, db_index=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("emesso da"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("emesso il"), default=timezone.now)
    expires_at = models.DateTimeField(_("valido fino al"))
    used_at = models.DateTimeField(_("usato il"), null=True, blank=True)
    evaluation = models.OneToOneField(
        Evaluation,
        verbose_name=_("valutazione"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="code",
    )

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("codice di valutazione")
        verbose_name_plural = _("codici di valutazione")
        permissions = [
            ("issue_evaluation_code", _("Può emettere codici di valutazione per un servizio")),
        ]

    def __str__(self) -> str:
        return f"{self.service_key} {self.issued_at:%Y-%m-%d}"


class LastEvaluation(models.Model):
    """When a signed-in person last evaluated a service (by stable key).

    The one row the limit of one evaluation per ``limits.EVALUATION_DAYS`` days is
    enforced on: ``submit_evaluation`` moves it forward with a conditional UPDATE, or
    inserts it under the unique constraint, inside the evaluation's transaction, so that
    concurrent workers cannot both pass the check.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    service_key = models.CharField(_("chiave del servizio"), max_length=100)
    evaluated_at = models.DateTimeField(_("ultima valutazione il"))

    class Meta:
        verbose_name = _("ultima valutazione")
        verbose_name_plural = _("ultime valutazioni")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "service_key"], name="last_evaluation_one_per_service"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.service_key}: {self.evaluated_at:%Y-%m-%d}"


class MeasurementStatus(models.TextChoices):
    """Staff record validated values; a provider of the service submits pending ones,
    which count only once staff validate them."""

    VALIDATED = "validated", _("Convalidata")
    PENDING = "pending", _("Da convalidare")
    REJECTED = "rejected", _("Respinta")


class CommitmentMeasurement(models.Model):
    """One version of the value staff measured for a quality commitment in one quarter.

    Measurements keep their history: a correction is a new row with the next ``version``
    of its (commitment key, quarter), recording who, when and why (``reason``, required
    for every version after the first). Figures use the latest version of each; the
    unique constraint on (commitment key, quarter, version) refuses two rows claiming the
    same place, and ``record_measurement`` numbers them under a lock.
    """

    commitment = models.ForeignKey(
        QualityCommitment,
        verbose_name=_("impegno"),
        on_delete=models.PROTECT,
        related_name="measurements",
    )
    commitment_key = models.CharField(_("chiave dell'impegno"), max_length=100)
    service_key = models.CharField(_("chiave del servizio"), max_length=100, db_index=True)
    period = models.CharField(_("trimestre"), max_length=7)
    version = models.PositiveIntegerField(_("versione"), default=1)
    value = models.DecimalField(_("valore misurato"), max_digits=12, decimal_places=2)
    direction = models.CharField(
        _("il valore rispetta l'impegno se è"),
        max_length=10,
        choices=Direction.choices,
        default=Direction.AT_LEAST,
    )
    note = models.TextField(_("nota"), blank=True)
    reason = models.TextField(_("motivo della correzione"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("registrato il"), default=timezone.now)
    # A value submitted by an organization that provides the service is pending until
    # staff validate (or reject) it; only validated values count.
    status = models.CharField(
        _("stato"),
        max_length=10,
        choices=MeasurementStatus.choices,
        default=MeasurementStatus.VALIDATED,
        db_index=True,
    )
    organization = models.ForeignKey(
        "stakeholders.Organization",
        verbose_name=_("ente erogatore che l'ha inviata"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    validated_at = models.DateTimeField(_("convalidata il"), null=True, blank=True)
    validation_note = models.TextField(_("motivo del rifiuto"), blank=True)

    class Meta:
        ordering = ["service_key", "commitment_key", "period", "version"]
        verbose_name = _("misurazione di un impegno")
        verbose_name_plural = _("misurazioni degli impegni")
        permissions = [("record_measurement", _("Può registrare le misurazioni degli impegni"))]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment_key", "period", "version"],
                name="measurement_one_per_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.commitment_key} {self.period} v{self.version}: {self.value}"


class ImprovementStatus(models.TextChoices):
    OPEN = "open", _("Aperta")
    IN_PROGRESS = "in_progress", _("In corso")
    COMPLETED = "completed", _("Completata")
    CANCELLED = "cancelled", _("Annullata")
    NOT_NEEDED = "not_needed", _("Non più necessaria")


# What staff may set; ``not_needed`` is set by a correction that makes the target met.
STAFF_IMPROVEMENT_STATUSES = (
    ImprovementStatus.OPEN,
    ImprovementStatus.IN_PROGRESS,
    ImprovementStatus.COMPLETED,
    ImprovementStatus.CANCELLED,
)
# Still to be done: a correction that makes the target met turns these into not_needed.
PENDING_IMPROVEMENT_STATUSES = (ImprovementStatus.OPEN, ImprovementStatus.IN_PROGRESS)


class ImprovementAction(models.Model):
    """The public improvement action (azione di miglioramento) opened when the value
    measured for a commitment in a quarter misses its target: one per commitment key and
    quarter, opened by ``record_measurement``, then filled in and followed by the staff
    who record measurements. Never deleted: a correction that makes the target met turns
    a pending one into ``not_needed``; one that misses it again reopens it."""

    commitment = models.ForeignKey(
        QualityCommitment,
        verbose_name=_("impegno"),
        on_delete=models.PROTECT,
        related_name="improvement_actions",
    )
    commitment_key = models.CharField(_("chiave dell'impegno"), max_length=100)
    service_key = models.CharField(_("chiave del servizio"), max_length=100, db_index=True)
    period = models.CharField(_("trimestre"), max_length=7)
    measurement = models.ForeignKey(
        CommitmentMeasurement,
        verbose_name=_("misurazione che l'ha aperta"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(_("che cosa si farà"), blank=True)
    responsible = models.CharField(_("chi se ne occupa"), max_length=200, blank=True)
    due_date = models.DateField(_("entro quando"), null=True, blank=True)
    status = models.CharField(
        _("stato"),
        max_length=12,
        choices=ImprovementStatus.choices,
        default=ImprovementStatus.OPEN,
        db_index=True,
    )
    outcome = models.TextField(_("esito"), blank=True)
    opened_at = models.DateTimeField(_("aperta il"), default=timezone.now)
    updated_at = models.DateTimeField(_("aggiornata il"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["service_key", "commitment_key", "period"]
        verbose_name = _("azione di miglioramento")
        verbose_name_plural = _("azioni di miglioramento")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment_key", "period"], name="improvement_action_one_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commitment_key} {self.period}: {self.status}"
