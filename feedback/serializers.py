"""Input and output shapes of the feedback API.

Output serializers come in two cuts: the public one (what the sender and everyone else
may read) and the officers' one, which adds the sender's contact data. Views pick the cut
with ``complaint_serializer_for``; no other path reaches the personal data.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from feedback import permissions as perms
from feedback import services
from feedback.models import (
    STAFF_IMPROVEMENT_STATUSES,
    CommitmentMeasurement,
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintJudgement,
    ComplaintStatus,
    Direction,
    Evaluation,
    ImprovementAction,
    ImprovementStatus,
    RefundStatus,
)

# --- Complaints -----------------------------------------------------------------------


class ComplaintCreateSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=ComplaintCategory.choices, label=_("Tipo"))
    service = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_("Identificativo di un servizio della Carta in vigore (facoltativo)."),
    )
    commitment = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_(
            "Identificativo di un impegno di qualità della Carta in vigore (facoltativo); "
            "se c'è anche il servizio, deve essere un suo impegno."
        ),
    )
    description = serializers.CharField(max_length=services.DESCRIPTION_MAX)
    contact_name = serializers.CharField(
        required=False, allow_blank=True, max_length=services.NAME_MAX, default=""
    )
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")
    privacy_consent = serializers.BooleanField(
        help_text=_("Presa visione dell'informativa sul trattamento dei dati: deve essere true.")
    )


class ComplaintCreatedSerializer(serializers.Serializer):
    reference = serializers.CharField()
    tracking_code = serializers.CharField(
        help_text=_("Da conservare: serve, con l'email, per seguire la segnalazione.")
    )
    status = serializers.CharField()
    received_at = serializers.DateTimeField()
    deadline_at = serializers.DateTimeField()


class TrackSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    email = serializers.CharField(max_length=254)


class TrackReopenSerializer(TrackSerializer):
    reason = serializers.CharField(max_length=services.REASON_MAX)


class ComplaintSerializer(serializers.ModelSerializer):
    """What the sender (and only officers beyond them) may read: no contact data."""

    reference = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    can_reopen = serializers.SerializerMethodField()
    judgement = serializers.SerializerMethodField(
        help_text=_(
            "Esito dell'istruttoria (founded, partly_founded, unfounded), visibile dopo la "
            "risposta; vuoto prima."
        )
    )
    judgement_label = serializers.SerializerMethodField()
    revision_number = serializers.IntegerField(
        source="revision.number",
        read_only=True,
        allow_null=True,
        default=None,
        help_text=_("Numero della revisione della Carta in vigore quando è stata ricevuta"),
    )
    deadline_days = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("Giorni per la risposta, fissati alla ricezione (restano alla riapertura)"),
    )
    deadline_set_by_carta = serializers.SerializerMethodField(
        help_text=_(
            "Vero se il termine è fissato da un impegno della Carta, falso se è quello "
            "ordinario della piattaforma"
        )
    )
    deadline_rule = serializers.SerializerMethodField(
        help_text=_("La regola che ha fissato il termine, in parole")
    )
    refund_amount = serializers.SerializerMethodField(
        help_text=_("Rimborso o indennizzo dovuto (euro), visibile dopo la risposta")
    )
    refund_status = serializers.SerializerMethodField(
        help_text=_("due (da pagare), paid (pagato) o vuoto; visibile dopo la risposta")
    )
    refund_status_label = serializers.SerializerMethodField()
    refund_paid_on = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "id",
            "reference",
            "category",
            "category_label",
            "service_key",
            "commitment_key",
            "description",
            "status",
            "status_label",
            "received_at",
            "deadline_at",
            "answer",
            "answered_at",
            "closed_at",
            "reopened_at",
            "can_reopen",
            "judgement",
            "judgement_label",
            "revision_number",
            "deadline_days",
            "deadline_set_by_carta",
            "deadline_rule",
            "refund_amount",
            "refund_status",
            "refund_status_label",
            "refund_paid_on",
        ]
        read_only_fields = fields

    def get_deadline_set_by_carta(self, complaint) -> bool:
        return complaint.deadline_commitment_id is not None

    def get_deadline_rule(self, complaint) -> str:
        return services.deadline_rule_text(complaint)

    def _refund_shown(self, complaint) -> bool:
        return bool(complaint.refund_status) and bool(self._judgement_shown(complaint))

    @extend_schema_field(serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True))
    def get_refund_amount(self, complaint):
        if not self._refund_shown(complaint) or complaint.refund_amount is None:
            return None
        return f"{complaint.refund_amount:.2f}"

    @extend_schema_field(serializers.CharField())
    def get_refund_status(self, complaint) -> str:
        return complaint.refund_status if self._refund_shown(complaint) else ""

    def get_refund_status_label(self, complaint) -> str:
        return complaint.get_refund_status_display() if self._refund_shown(complaint) else ""

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_refund_paid_on(self, complaint):
        if not self._refund_shown(complaint) or complaint.refund_paid_on is None:
            return None
        return complaint.refund_paid_on.isoformat()

    def get_can_reopen(self, complaint) -> bool:
        return services.can_still_reopen(complaint)

    def _judgement_shown(self, complaint) -> str:
        # The sender learns the finding with the answer, not while it is being worked on.
        answered = complaint.status in (ComplaintStatus.ANSWERED, ComplaintStatus.CLOSED)
        return complaint.judgement if answered else ""

    def get_judgement(self, complaint) -> str:
        return self._judgement_shown(complaint)

    def get_judgement_label(self, complaint) -> str:
        judgement = self._judgement_shown(complaint)
        return str(ComplaintJudgement(judgement).label) if judgement else ""


class ComplaintStaffSerializer(ComplaintSerializer):
    """The officers' cut: the sender's contact data, assignment and lateness."""

    assigned_to = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    submitted_by_account = serializers.BooleanField(
        source="submitted_by_id", read_only=True, help_text=_("Inviata da un utente registrato")
    )

    class Meta(ComplaintSerializer.Meta):
        fields = [
            *ComplaintSerializer.Meta.fields,
            "contact_name",
            "contact_email",
            "reopen_reason",
            "channel",
            "protocol_number",
            "judgement_reason",
            "judged_at",
            "submitted_by_account",
            "assigned_to",
            "assigned_at",
            "first_answered_at",
            "answered_in_time",
            "overdue",
            "anonymized_at",
        ]
        read_only_fields = fields

    def get_assigned_to(self, complaint) -> dict | None:
        person = complaint.assigned_to
        if person is None:
            return None
        return {"id": person.pk, "username": person.username, "name": str(person)}

    def get_judgement(self, complaint) -> str:
        return complaint.judgement

    def get_judgement_label(self, complaint) -> str:
        return complaint.get_judgement_display() if complaint.judgement else ""

    def _refund_shown(self, complaint) -> bool:
        return bool(complaint.refund_status)

    def get_overdue(self, complaint) -> bool:
        return complaint.status in ("received", "assigned") and complaint.deadline_at < (
            timezone.now()
        )


def complaint_serializer_for(user):
    return ComplaintStaffSerializer if perms.can_see_personal_data(user) else ComplaintSerializer


class AssignSerializer(serializers.Serializer):
    assignee = serializers.IntegerField(help_text=_("Identificativo dell'operatore"))


class JudgementFields(serializers.Serializer):
    """The officer's finding, optional when answering or closing; with it, its reason."""

    judgement = serializers.ChoiceField(
        choices=ComplaintJudgement.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "founded (fondato), partly_founded (parzialmente fondato), unfounded (infondato)."
        ),
    )
    judgement_reason = serializers.CharField(
        max_length=services.REASON_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "Motivazione dell'esito: obbligatoria con l'esito; non è mostrata a chi "
            "ha inviato la segnalazione."
        ),
    )

    def validate(self, attrs):
        if attrs.get("judgement") and not attrs.get("judgement_reason", "").strip():
            raise serializers.ValidationError(
                {"judgement_reason": [_("Indica la motivazione dell'esito.")]}
            )
        return attrs


class AnswerSerializer(JudgementFields):
    answer = serializers.CharField(max_length=services.ANSWER_MAX)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=services.REASON_MAX, required=False, allow_blank=True, default=""
    )


class ComplaintCloseSerializer(JudgementFields, ReasonSerializer):
    pass


class ComplaintRecordSerializer(serializers.Serializer):
    """What the office corrects about a complaint; an absent field stays as it is."""

    channel = serializers.ChoiceField(choices=ComplaintChannel.choices, required=False)
    protocol_number = serializers.CharField(
        max_length=services.PROTOCOL_MAX, required=False, allow_blank=True
    )
    commitment = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_(
            "Identificativo di un impegno di qualità della Carta in vigore; null lo toglie."
        ),
    )
    refund_amount = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_(
            "Rimborso dovuto in euro: solo per un reclamo fondato o parzialmente fondato su "
            "un impegno che lo prevede (all'esito è proposto l'importo della Carta)."
        ),
    )
    refund_status = serializers.ChoiceField(
        choices=RefundStatus.choices,
        required=False,
        help_text=_("due (da pagare) o paid (pagato, con refund_paid_on)."),
    )
    refund_paid_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("Giorno del pagamento del rimborso")
    )


# --- Evaluations ----------------------------------------------------------------------

RATING = {"min_value": 1, "max_value": 5}


class EvaluationCreateSerializer(serializers.Serializer):
    service = serializers.IntegerField(
        help_text=_("Identificativo di un servizio della Carta in vigore.")
    )
    access = serializers.IntegerField(**RATING, label=_("Accesso al servizio"))
    timeliness = serializers.IntegerField(**RATING, label=_("Tempestività"))
    courtesy = serializers.IntegerField(**RATING, label=_("Cortesia e professionalità"))
    clarity = serializers.IntegerField(**RATING, label=_("Chiarezza delle informazioni"))
    overall = serializers.IntegerField(**RATING, label=_("Giudizio complessivo"))
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=services.COMMENT_MAX
    )
    code = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=20,
        help_text=_(
            "Codice di valutazione dato dall'ufficio del servizio (facoltativo): vale una "
            "volta, fa contare la valutazione tra le verificate e la esenta dal limite per "
            "indirizzo di rete. Non valido: 400 su code."
        ),
    )


class EvaluationSerializer(serializers.ModelSerializer):
    """An evaluation without the person: comments are read by staff and by their author."""

    service = serializers.IntegerField(source="service_id", read_only=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "service",
            "service_key",
            "period",
            "access",
            "timeliness",
            "courtesy",
            "clarity",
            "overall",
            "comment",
            "verified",
            "created_at",
        ]
        read_only_fields = fields


# --- Measurements ---------------------------------------------------------------------


class MeasurementCreateSerializer(serializers.Serializer):
    commitment = serializers.IntegerField(
        help_text=_("Identificativo di un impegno di qualità della Carta in vigore.")
    )
    period = serializers.CharField(max_length=7, help_text=_("Trimestre, per esempio 2026-Q1."))
    value = serializers.DecimalField(max_digits=12, decimal_places=2)
    direction = serializers.ChoiceField(
        choices=Direction.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Se il valore obiettivo è un minimo (at_least) o un massimo (at_most)."),
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=services.NOTE_MAX
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=services.REASON_MAX,
        help_text=_(
            "Motivo della correzione: obbligatorio quando il trimestre ha già un valore "
            "(la correzione diventa una nuova versione)."
        ),
    )
    organization = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "Ente erogatore del servizio a nome del quale si invia il valore: resta da "
            "convalidare (pending) finché il personale non lo convalida."
        ),
    )


class MeasurementValidateSerializer(serializers.Serializer):
    accept = serializers.BooleanField(help_text=_("true convalida, false respinge"))
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=services.REASON_MAX,
        help_text=_("Motivo del rifiuto: obbligatorio per respingere."),
    )


class MeasurementSerializer(serializers.ModelSerializer):
    commitment = serializers.IntegerField(source="commitment_id", read_only=True)
    recorded_by = serializers.SerializerMethodField()
    organization = serializers.SerializerMethodField(
        help_text=_("Ente erogatore che ha inviato il valore (vuoto se registrato dal personale)")
    )

    class Meta:
        model = CommitmentMeasurement
        fields = [
            "id",
            "commitment",
            "commitment_key",
            "service_key",
            "period",
            "version",
            "value",
            "direction",
            "note",
            "reason",
            "recorded_by",
            "recorded_at",
            "status",
            "organization",
            "validated_at",
        ]
        read_only_fields = fields

    def get_organization(self, measurement) -> str:
        return measurement.organization.legal_name if measurement.organization_id else ""

    def get_recorded_by(self, measurement) -> str:
        """Who recorded it: staff only (empty for everyone else)."""
        if not self.context.get("staff"):
            return ""
        return str(measurement.recorded_by) if measurement.recorded_by else ""


# --- Improvement actions --------------------------------------------------------------


class ImprovementActionSerializer(serializers.ModelSerializer):
    """An improvement action as anyone reads it; staff also get who last updated it."""

    commitment = serializers.IntegerField(source="commitment_id", read_only=True)
    indicator = serializers.CharField(source="commitment.indicator", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    measured_value = serializers.DecimalField(
        source="measurement.value", max_digits=12, decimal_places=2, read_only=True
    )
    measurement_version = serializers.IntegerField(source="measurement.version", read_only=True)
    updated_by = serializers.SerializerMethodField()

    class Meta:
        model = ImprovementAction
        fields = [
            "id",
            "commitment",
            "commitment_key",
            "indicator",
            "service_key",
            "period",
            "measured_value",
            "measurement_version",
            "description",
            "responsible",
            "due_date",
            "status",
            "status_label",
            "outcome",
            "opened_at",
            "updated_at",
            "updated_by",
        ]
        read_only_fields = fields

    def get_updated_by(self, action) -> str:
        """Who last updated it: staff only (empty for everyone else)."""
        if not self.context.get("staff"):
            return ""
        return str(action.updated_by) if action.updated_by else ""


class ImprovementActionUpdateSerializer(serializers.Serializer):
    """What staff edit; an absent field keeps its value."""

    description = serializers.CharField(
        required=False, allow_blank=True, max_length=services.ACTION_DESCRIPTION_MAX
    )
    responsible = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=services.ACTION_RESPONSIBLE_MAX,
        help_text=_("Ufficio o organizzazione che se ne occupa."),
    )
    due_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(
        choices=[(value, ImprovementStatus(value).label) for value in STAFF_IMPROVEMENT_STATUSES],
        required=False,
        help_text=_("open, in_progress, completed o cancelled (gli ultimi due con l'esito)."),
    )
    outcome = serializers.CharField(
        required=False, allow_blank=True, max_length=services.ACTION_OUTCOME_MAX
    )
