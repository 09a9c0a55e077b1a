from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from carta import identity
from carta.middleware import LARGEST_ID
from carta.models import AuditEntry, Notification
from carta.permissions import may_take_part

User = get_user_model()


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, style={"input_type": "password"})
    otp = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text=_("Codice del secondo fattore, per chi lo ha attivato"),
    )


class TokenSerializer(serializers.Serializer):
    """A token just issued: the key (shown this once), its expiry and its id."""

    token = serializers.CharField(read_only=True, help_text=_("La chiave, mostrata solo ora."))
    expiry = serializers.DateTimeField(read_only=True, help_text=_("Quando il token scade."))
    id = serializers.CharField(
        read_only=True, source="token_key", help_text=_("L'identificativo del token.")
    )


class TokenListSerializer(serializers.Serializer):
    """One of the caller's tokens; never its key nor its digest."""

    id = serializers.CharField(read_only=True, source="token_key")
    created = serializers.DateTimeField(read_only=True)
    expiry = serializers.DateTimeField(read_only=True)
    current = serializers.SerializerMethodField(
        help_text=_("Vero per il token usato in questa richiesta.")
    )

    def get_current(self, obj) -> bool:
        request = self.context.get("request")
        used = getattr(request, "auth", None)
        return getattr(used, "digest", None) == obj.digest


class RegistrationSerializer(serializers.Serializer):
    username = serializers.RegexField(
        r"^[\w.@+-]+\Z",
        max_length=150,
        error_messages={
            "invalid": _("Usa solo lettere, numeri e i caratteri @ . + - _"),
        },
    )
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=4096, write_only=True)
    first_name = serializers.CharField(max_length=150, required=False, default="")
    last_name = serializers.CharField(max_length=150, required=False, default="")
    preferred_language = serializers.ChoiceField(choices=settings.LANGUAGES, default="it")


class IdentitySerializer(serializers.Serializer):
    provider = serializers.CharField(help_text=_("spid o cie"))
    level = serializers.IntegerField(help_text=_("Livello SPID (1-3)"))
    verified_at = serializers.DateTimeField()


class UserSerializer(serializers.ModelSerializer):
    email_verified = serializers.SerializerMethodField()
    identity = serializers.SerializerMethodField()
    may_take_part = serializers.SerializerMethodField(
        help_text=_("Può commentare, proporre modifiche, sostenere, votare, aderire")
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "email",
            "first_name",
            "last_name",
            "preferred_language",
            "email_verified",
            "identity",
            "may_take_part",
        ]
        read_only_fields = ["id", "username"]

    def get_email_verified(self, obj) -> bool:
        return identity.has_verified_email(obj)

    @extend_schema_field(IdentitySerializer(allow_null=True))
    def get_identity(self, obj):
        attested = identity.identity_of(obj)
        return IdentitySerializer(attested).data if attested else None

    def get_may_take_part(self, obj) -> bool:
        return may_take_part(obj)


class RegistrationReceivedSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ProfileUpdateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254, required=False)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    preferred_language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "read"]

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=LARGEST_ID),
        required=False,
        max_length=1000,
    )


class AuditEntrySerializer(serializers.ModelSerializer):
    object_type = serializers.SerializerMethodField()

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "created_at",
            "actor",
            "actor_label",
            "verb",
            "object_type",
            "object_id",
            "object_repr",
            "reason",
            "changes",
        ]

    def get_object_type(self, obj) -> str | None:
        if obj.content_type_id is None:
            return None
        return f"{obj.content_type.app_label}.{obj.content_type.model}"


class FlagCreateSerializer(serializers.Serializer):
    target_type = serializers.CharField(max_length=100, help_text="e.g. proposals.proposal")
    target_id = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=2000)


class ModerationReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ModerateSerializer(FlagCreateSerializer):
    pass


class FlagSerializer(serializers.ModelSerializer):
    target_type = serializers.SerializerMethodField()
    target_id = serializers.IntegerField(source="object_id", read_only=True)

    class Meta:
        from carta.models import Flag

        model = Flag
        fields = [
            "id",
            "target_type",
            "target_id",
            "reason",
            "status",
            "created_at",
            "resolved_at",
            "resolution",
        ]

    def get_target_type(self, obj) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"


class ModerationEntrySerializer(serializers.ModelSerializer):
    target_type = serializers.SerializerMethodField()
    target_id = serializers.IntegerField(source="object_id", read_only=True)

    class Meta:
        from carta.models import ModerationEntry

        model = ModerationEntry
        fields = [
            "id",
            "created_at",
            "action",
            "target_type",
            "target_id",
            "object_label",
            "url",
            "reason",
        ]

    def get_target_type(self, obj) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"


# --- The Ambito -----------------------------------------------------------------------


def _absolute(url: str) -> str | None:
    """A link of this site made absolute with ``CARTA_SITE_URL``; others as they are."""
    if not url:
        return None
    if url.startswith("/"):
        return settings.CARTA_SITE_URL.rstrip("/") + url
    return url


class DpoSerializer(serializers.Serializer):
    name = serializers.CharField(allow_null=True, help_text=_("Nome o ufficio dell'RPD."))
    email = serializers.EmailField(allow_null=True)
    pec = serializers.EmailField(allow_null=True, help_text=_("PEC dell'RPD."))


class AccessibilitySerializer(serializers.Serializer):
    statement_url = serializers.URLField(
        allow_null=True, help_text=_("La dichiarazione pubblicata su form.agid.gov.it.")
    )
    statement_date = serializers.DateField(allow_null=True)
    review_date = serializers.DateField(
        allow_null=True, help_text=_("Entro quando la dichiarazione sarà riesaminata.")
    )
    page_url = serializers.URLField(help_text=_("La pagina sull'accessibilità del sito."))
    feedback_url = serializers.CharField(
        help_text=_("Il meccanismo di feedback: il modulo delle segnalazioni.")
    )
    response_days = serializers.IntegerField(
        help_text=_("I giorni entro cui l'Ambito risponde a una segnalazione.")
    )


class AmbitoSerializer(serializers.Serializer):
    """The Ambito's identity (carta.ambito.identity()); unset values are null."""

    name = serializers.CharField()
    ipa_code = serializers.CharField(allow_null=True, help_text=_("Codice IPA dell'ente."))
    address = serializers.CharField(allow_null=True, help_text=_("Indirizzo postale."))
    pec = serializers.EmailField(allow_null=True, help_text=_("Posta elettronica certificata."))
    website = serializers.URLField(allow_null=True, help_text=_("Sito istituzionale."))
    logo_url = serializers.URLField(allow_null=True)
    privacy_email = serializers.EmailField(allow_null=True)
    accessibility_email = serializers.EmailField(allow_null=True)
    dpo = DpoSerializer()
    accessibility = AccessibilitySerializer()

    @staticmethod
    def describe(the_ambito, statement) -> dict:
        """The payload of ``GET /api/v1/ambito/`` for an identity and a statement."""
        return {
            "name": the_ambito.name,
            "ipa_code": the_ambito.ipa_code or None,
            "address": the_ambito.address or None,
            "pec": the_ambito.pec or None,
            "website": the_ambito.website or None,
            "logo_url": _absolute(the_ambito.logo_url),
            "privacy_email": the_ambito.privacy_email or None,
            "accessibility_email": the_ambito.accessibility_email or None,
            "dpo": {
                "name": the_ambito.dpo_name or None,
                "email": the_ambito.dpo_email or None,
                "pec": the_ambito.dpo_pec or None,
            },
            "accessibility": {
                "statement_url": statement.url or None,
                "statement_date": statement.date,
                "review_date": statement.review_date,
                "page_url": _absolute(statement.local_url),
                "feedback_url": _absolute(statement.feedback_url),
                "response_days": statement.response_days,
            },
        }
