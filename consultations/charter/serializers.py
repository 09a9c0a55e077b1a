"""Input and output serializers of the Carta's API. Output serializers only read what
selectors prefetched; input serializers only parse (the services decide)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from carta.markdown import render_markdown
from carta.models import Area
from consultations.charter.models import (
    KEY_MAX,
    Amendment,
    AmendmentKind,
    Comment,
    GovernedRule,
    Outcome,
    QualityCommitment,
    Revision,
    Section,
    Service,
)

PHASES = ["", "open", "organizations", "closed"]


class CartaRevisionSerializer(serializers.ModelSerializer):
    based_on = serializers.IntegerField(source="based_on_id", read_only=True, allow_null=True)
    shared_with_network = serializers.SerializerMethodField()
    consultation_phase = serializers.SerializerMethodField(
        help_text="Fase della consultazione, calcolata ora: open (aperta a tutti), "
        "organizations (aperta solo ai contributi a nome delle organizzazioni), closed "
        "(chiusa); vuota per una revisione che non è in consultazione"
    )

    class Meta:
        model = Revision
        fields = [
            "id",
            "number",
            "title",
            "summary_of_changes",
            "status",
            "based_on",
            "shared_with_network",
            "created_at",
            "consultation_opened_at",
            "consultation_closes_at",
            "organizations_close_at",
            "consultation_phase",
            "adopted_at",
            "act_body",
            "act_number",
            "act_date",
            "effective_from",
            "pact_grace_days",
            "superseded_at",
        ]

    def get_shared_with_network(self, obj) -> bool:
        return obj.shared_with_network_at is not None

    @extend_schema_field(serializers.ChoiceField(choices=PHASES))
    def get_consultation_phase(self, obj) -> str:
        from consultations.charter.permissions import consultation_phase

        return consultation_phase(obj)


class ConsultationPhaseSerializer(serializers.Serializer):
    """The consultation phase's dates, as days: each closes at the end of that day (local
    time). The service checks them (400 naming the field): the closing date today or
    later (and, for an extension, not before the current one), the organizations' date
    not before it."""

    closes_at = serializers.DateField(
        help_text="Ultimo giorno in cui la consultazione è aperta a tutti",
        error_messages={
            "required": gettext_lazy("Indica fino a quando resta aperta la consultazione."),
            "null": gettext_lazy("Indica fino a quando resta aperta la consultazione."),
        },
    )
    organizations_close_at = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Ultimo giorno per i contributi a nome delle organizzazioni della rete "
        "(facoltativo, non prima di closes_at)",
    )


class RevisionCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    summary_of_changes = serializers.CharField(required=False, allow_blank=True, default="")
    source = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Revisione da copiare"
    )


class RevisionUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    summary_of_changes = serializers.CharField(required=False, allow_blank=True)


class AdoptSerializer(serializers.Serializer):
    """The act that adopts a revision. The dates are checked by the service (400 naming
    the field): the act's date not in the future, the effective date today or later and
    not before that of the revision in force."""

    act_body = serializers.CharField(
        max_length=200, help_text="Organo che ha deliberato, ad es. Assemblea dei Sindaci"
    )
    act_number = serializers.CharField(max_length=50, help_text="Numero dell'atto")
    act_date = serializers.DateField(help_text="Data dell'atto")
    effective_from = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Data di entrata in vigore (oggi se omessa, oppure un giorno successivo)",
    )
    pact_grace_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=365,
        help_text=(
            "Giorni dati alle organizzazioni della rete per rinnovare il patto dall'entrata "
            "in vigore (CARTA_PACT_GRACE_DAYS, 60, se omesso)"
        ),
    )


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField()
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


# A parent section's key, or "" at the top level: a SlugField's pattern would refuse "".
PARENT_KEY = r"^[-a-zA-Z0-9_]*$"
PARENT_KEY_HELP = "Chiave della sezione madre; vuota per una sezione di primo livello"


class CartaSectionSerializer(serializers.ModelSerializer):
    parent_key = serializers.RegexField(
        PARENT_KEY, max_length=KEY_MAX, read_only=True, help_text=PARENT_KEY_HELP
    )
    body_html = serializers.SerializerMethodField()

    class Meta:
        model = Section
        fields = ["key", "parent_key", "position", "heading", "body", "body_html"]

    def get_body_html(self, obj) -> str:
        return str(render_markdown(obj.body))


class SectionWriteSerializer(serializers.Serializer):
    key = serializers.SlugField(max_length=100, required=False)
    heading = serializers.CharField(max_length=255)
    body = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    parent_key = serializers.RegexField(
        PARENT_KEY,
        max_length=KEY_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text=PARENT_KEY_HELP,
    )
    position = serializers.IntegerField(required=False, allow_null=True, min_value=0, default=None)


class QualityCommitmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = QualityCommitment
        fields = [
            "id",
            "key",
            "indicator",
            "direction",
            "target_value",
            "unit",
            "how_measured",
            "governs",
            "refund",
            "refund_amount",
        ]


class ProviderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    legal_name = serializers.CharField()


class CartaServiceSerializer(serializers.ModelSerializer):
    revision = serializers.IntegerField(source="revision_id", read_only=True)
    commitments = QualityCommitmentSerializer(many=True, read_only=True)
    providers = ProviderSerializer(source="provider_organizations", many=True, read_only=True)

    class Meta:
        model = Service
        fields = [
            "id",
            "revision",
            "key",
            "title",
            "area",
            "purposes",
            "specific_objectives",
            "main_functions",
            "delivery_modalities",
            "access_requirements",
            "how_to_apply",
            "where_and_when",
            "documents_required",
            "costs",
            "providers",
            "commitments",
        ]


class CommitmentWriteSerializer(serializers.Serializer):
    key = serializers.SlugField(max_length=100)
    indicator = serializers.CharField(max_length=255)
    direction = serializers.ChoiceField(choices=["at_least", "at_most"], default="at_least")
    target_value = serializers.DecimalField(max_digits=10, decimal_places=2)
    unit = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    how_measured = serializers.CharField(required=False, allow_blank=True, default="")
    governs = serializers.ChoiceField(
        choices=GovernedRule.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Regola della piattaforma che l'impegno fissa (una sola per revisione): "
        "complaint_deadline, il termine di risposta ai reclami in giorni (valore obiettivo, "
        "al massimo)",
    )
    refund = serializers.CharField(
        max_length=255,
        required=False,
        allow_blank=True,
        default="",
        help_text="Rimborso o indennizzo previsto se l'impegno non è rispettato",
    )
    refund_amount = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
        help_text="Importo del rimborso in euro",
    )


class ServiceWriteSerializer(serializers.Serializer):
    revision = serializers.IntegerField(required=False, help_text="Bozza (solo in creazione)")
    key = serializers.SlugField(max_length=100, required=False)
    title = serializers.CharField(max_length=200)
    area = serializers.ChoiceField(choices=Area.choices)
    purposes = serializers.CharField(required=False, allow_blank=True, default="")
    specific_objectives = serializers.CharField(required=False, allow_blank=True, default="")
    main_functions = serializers.CharField(required=False, allow_blank=True, default="")
    delivery_modalities = serializers.CharField(required=False, allow_blank=True, default="")
    access_requirements = serializers.CharField(required=False, allow_blank=True, default="")
    how_to_apply = serializers.CharField(required=False, allow_blank=True, default="")
    where_and_when = serializers.CharField(required=False, allow_blank=True, default="")
    documents_required = serializers.CharField(required=False, allow_blank=True, default="")
    costs = serializers.CharField(required=False, allow_blank=True, default="")
    position = serializers.IntegerField(required=False, allow_null=True, min_value=0, default=None)
    commitments = CommitmentWriteSerializer(many=True, required=False)
    providers = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=200
    )


class DiffOpSerializer(serializers.Serializer):
    op = serializers.ChoiceField(choices=["equal", "insert", "delete", "replace"])
    old = serializers.CharField()
    new = serializers.CharField()


class DiffItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    change = serializers.ChoiceField(choices=["added", "removed", "moved", "changed"])
    kinds = serializers.ListField(child=serializers.CharField(), required=False)
    fields = serializers.DictField(
        required=False,
        help_text="Per campo: old, new e, per i testi, ops (diff parola per parola).",
    )
    commitments = serializers.ListField(child=serializers.DictField(), required=False)
    parent_key = serializers.DictField(required=False)
    old = serializers.DictField(required=False)
    new = serializers.DictField(required=False)


class DiffSerializer(serializers.Serializer):
    revision = serializers.IntegerField()
    against = serializers.IntegerField()
    sections = DiffItemSerializer(many=True)
    services = DiffItemSerializer(many=True)


class WithheldTextsMixin:
    """Empties the ``withheld`` fields of a hidden comment or amendment unless the
    selector marked it ``can_read_texts`` (see ``permissions.with_texts_readable_by``);
    without the mark, a hidden object's texts are read by nobody."""

    withheld: tuple[str, ...] = ()

    def to_representation(self, obj):
        data = super().to_representation(obj)
        if not getattr(obj, "can_read_texts", not obj.is_hidden):
            for name in self.withheld:
                data[name] = {} if isinstance(data[name], dict) else ""
        return data


class CartaCommentSerializer(WithheldTextsMixin, serializers.ModelSerializer):
    revision = serializers.IntegerField(source="revision_id", read_only=True)
    parent = serializers.IntegerField(source="parent_id", read_only=True, allow_null=True)
    author = serializers.CharField(source="author.display_name", read_only=True)
    organization = serializers.SerializerMethodField()
    is_hidden = serializers.BooleanField(read_only=True)
    is_outdated = serializers.SerializerMethodField()
    since = serializers.SerializerMethodField()

    withheld = ("body", "quote", "outcome_reason")

    class Meta:
        model = Comment
        fields = [
            "id",
            "revision",
            "section_key",
            "parent",
            "author",
            "organization",
            "body",
            "quote",
            "quote_start",
            "quote_end",
            "created_at",
            "is_hidden",
            "hidden_reason",
            "is_outdated",
            "since",
            "outcome",
            "outcome_reason",
            "outcome_at",
        ]

    def get_organization(self, obj) -> dict | None:
        if not obj.organization_id:
            return None
        return {"id": obj.organization_id, "legal_name": obj.organization.legal_name}

    def get_is_outdated(self, obj) -> bool:
        return bool(getattr(obj, "is_outdated", False))

    @extend_schema_field(DiffOpSerializer(many=True))
    def get_since(self, obj) -> list:
        return getattr(obj, "since", [])


class CartaCommentCreateSerializer(serializers.Serializer):
    section_key = serializers.SlugField(max_length=100, required=False, default="")
    body = serializers.CharField(max_length=5000)
    parent = serializers.IntegerField(required=False, allow_null=True, default=None)
    organization = serializers.IntegerField(required=False, allow_null=True, default=None)
    quote = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    quote_start = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0
    )
    quote_end = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0)


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class CartaAmendmentSerializer(WithheldTextsMixin, serializers.ModelSerializer):
    revision = serializers.IntegerField(source="revision_id", read_only=True)
    author = serializers.CharField(source="author.display_name", read_only=True)
    organization = serializers.SerializerMethodField()
    support_count = serializers.IntegerField(read_only=True)
    applied_to = serializers.IntegerField(source="applied_to_id", read_only=True, allow_null=True)
    service_changes = serializers.DictField(read_only=True)

    withheld = ("new_text", "service_changes", "rationale", "decision_reason")

    class Meta:
        model = Amendment
        fields = [
            "id",
            "revision",
            "kind",
            "target_key",
            "new_text",
            "service_changes",
            "base_text",
            "rationale",
            "author",
            "organization",
            "status",
            "decision_reason",
            "decided_at",
            "applied_to",
            "support_count",
            "created_at",
            "is_hidden",
            "hidden_reason",
        ]

    def get_organization(self, obj) -> dict | None:
        if not obj.organization_id:
            return None
        return {"id": obj.organization_id, "legal_name": obj.organization.legal_name}


class CartaAmendmentCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AmendmentKind.choices)
    target_key = serializers.SlugField(max_length=100)
    new_text = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    service_changes = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=20000),
        required=False,
        default=dict,
    )
    rationale = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    organization = serializers.IntegerField(required=False, allow_null=True, default=None)


class SupportSerializer(serializers.Serializer):
    organization = serializers.IntegerField(required=False, allow_null=True, default=None)


class SupportResultSerializer(serializers.Serializer):
    amendment = serializers.IntegerField()
    organization = serializers.IntegerField(allow_null=True)
    support_count = serializers.IntegerField()


class AcceptSerializer(serializers.Serializer):
    into = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Bozza in cui recepirlo"
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class ReadinessItemSerializer(serializers.Serializer):
    kind = serializers.CharField(
        help_text="comment_without_outcome, amendment_undecided, or a kind registered by "
        "another app (the voting app's consultations)"
    )
    id = serializers.IntegerField()
    label = serializers.CharField(help_text="Number and place, never an author or a text")
    url = serializers.CharField()


class ReadinessSerializer(serializers.Serializer):
    ready = serializers.BooleanField()
    items = ReadinessItemSerializer(many=True)
