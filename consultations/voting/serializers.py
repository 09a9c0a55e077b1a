"""Input and output shapes of the voting API."""

from __future__ import annotations

from rest_framework import serializers

from consultations.charter.models import Revision
from consultations.voting.models import (
    Consultation,
    Electorate,
    IdentityRequirement,
    Option,
    Question,
    QuestionKind,
    ResultsVisibility,
    Secrecy,
)


class OptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Option
        fields = ["id", "label"]


class QuestionSerializer(serializers.ModelSerializer):
    options = OptionSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = ["id", "kind", "text", "help_text", "max_choices", "section_key", "options"]


class RevisionRefSerializer(serializers.ModelSerializer):
    """The revision of the Carta a consultation is about."""

    class Meta:
        model = Revision
        fields = ["id", "number", "title"]


class ConsultationSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    questions = QuestionSerializer(many=True, read_only=True)
    revision = RevisionRefSerializer(read_only=True, allow_null=True)
    eligible_count = serializers.IntegerField(
        read_only=True,
        help_text="Quanti codici fiscali ha l'elenco degli aventi diritto (0: nessun elenco).",
    )

    class Meta:
        model = Consultation
        fields = [
            "id",
            "title",
            "description",
            "status",
            "revision",
            "opens_at",
            "closes_at",
            "electorate",
            "identity_required",
            "eligible_count",
            "secrecy",
            "results_visibility",
            "quorum_percent",
            "threshold_percent",
            "changeable",
            "closed_early_at",
            "closed_early_reason",
            "questions",
        ]


class ConsultationListSerializer(ConsultationSerializer):
    class Meta(ConsultationSerializer.Meta):
        fields = [f for f in ConsultationSerializer.Meta.fields if f != "questions"]


class QuestionInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text = serializers.CharField(max_length=500)
    help_text = serializers.CharField(required=False, allow_blank=True, default="")
    max_choices = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    section_key = serializers.CharField(required=False, allow_blank=True, default="")
    options = serializers.ListField(
        child=serializers.CharField(max_length=300), required=False, default=list
    )


class ConsultationInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    revision = serializers.PrimaryKeyRelatedField(
        queryset=Revision.objects.all(),
        allow_null=True,
        default=None,
        help_text="La revisione della Carta messa al voto (id), se c'è.",
    )
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    electorate = serializers.ChoiceField(choices=Electorate.choices, default=Electorate.CITIZENS)
    identity_required = serializers.ChoiceField(
        choices=IdentityRequirement.choices,
        default=IdentityRequirement.SPID_CIE,
        help_text="Per il voto dei cittadini: SPID o CIE (un voto per persona, per codice "
        "fiscale) oppure un indirizzo email verificato (un voto per account).",
    )
    secrecy = serializers.ChoiceField(choices=Secrecy.choices, default=Secrecy.PUBLIC)
    results_visibility = serializers.ChoiceField(
        choices=ResultsVisibility.choices, default=ResultsVisibility.AFTER_CLOSE
    )
    quorum_percent = serializers.IntegerField(min_value=0, max_value=100, default=0)
    threshold_percent = serializers.IntegerField(min_value=0, max_value=100, default=50)
    changeable = serializers.BooleanField(default=False)
    questions = QuestionInputSerializer(many=True)


class ConsultationPatchSerializer(ConsultationInputSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class EligibilityCountSerializer(serializers.Serializer):
    count = serializers.IntegerField(
        help_text="Quanti codici fiscali ha l'elenco (0: nessun elenco, vota chiunque abbia "
        "SPID o CIE)."
    )


class EligibilityFileSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV: un codice fiscale per riga nella prima colonna, separatore ; o , "
        "intestazione facoltativa codice_fiscale; al massimo 200.000 righe e 5 MB."
    )


class EligibilityListSerializer(serializers.Serializer):
    fiscal_codes = serializers.ListField(
        child=serializers.CharField(max_length=100, allow_blank=True, trim_whitespace=False),
        max_length=200_000,
        help_text="I codici fiscali degli aventi diritto (al massimo 200.000).",
    )


class RevisionVoteInputSerializer(serializers.Serializer):
    """A vote on a revision of the Carta in consultation, its questions prepared from it
    (the service checks the dates, the sections and the state)."""

    revision = serializers.IntegerField(
        help_text="La revisione della Carta in consultazione da mettere al voto (id)"
    )
    opens_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Apertura, nel futuro (di default domani alle 0:00, ora locale)",
    )
    closes_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Chiusura (di default una settimana dopo l'apertura)",
    )
    electorate = serializers.ChoiceField(choices=Electorate.choices, default=Electorate.BOTH)
    amendments = serializers.BooleanField(
        default=False, help_text="Una domanda per ogni proposta di modifica aperta"
    )
    section_keys = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        default=list,
        help_text="Chiavi delle sezioni su cui fare una domanda ciascuna",
    )
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CloseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class BallotInputSerializer(serializers.Serializer):
    answers = serializers.DictField(
        help_text="Per ogni domanda (chiave: id della domanda): id dell'opzione (scelta "
        "singola), elenco di id (scelta multipla), 'yes'/'no'/'abstain', elenco ordinato di "
        "tutti gli id (ordinamento), intero 1-5 (scala)."
    )
    organization = serializers.IntegerField(
        required=False, allow_null=True, help_text="Votare a nome di questa organizzazione."
    )


class BallotReceiptSerializer(serializers.Serializer):
    consultation = serializers.IntegerField()
    electorate = serializers.CharField()
    organization = serializers.IntegerField(allow_null=True)
    secret = serializers.BooleanField()
    receipt = serializers.CharField(
        allow_null=True, help_text="Solo per il voto segreto: mostrata una volta sola."
    )
    answers = serializers.DictField(allow_null=True)


class ReceiptCheckSerializer(serializers.Serializer):
    receipt_hash = serializers.CharField()
    electorate = serializers.CharField()
    answers = serializers.DictField()
    counted = serializers.BooleanField()
    published = serializers.BooleanField()


class ResultsSerializer(serializers.Serializer):
    """Documentation shape of ``consultation_results``."""

    consultation = serializers.IntegerField()
    status = serializers.CharField()
    secrecy = serializers.CharField()
    results_visibility = serializers.CharField()
    tally_visible = serializers.BooleanField()
    threshold_percent = serializers.IntegerField()
    electorates = serializers.ListField(child=serializers.DictField())


class BulletinSerializer(serializers.Serializer):
    consultation = serializers.IntegerField()
    start = serializers.CharField()
    head = serializers.CharField()
    published_head = serializers.CharField(allow_null=True)
    ballots = serializers.ListField(child=serializers.DictField())
