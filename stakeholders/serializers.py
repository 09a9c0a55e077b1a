"""Input and output shapes of the stakeholders API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from carta.models import Area, Municipality
from stakeholders import permissions as perms
from stakeholders.models import (
    Invitation,
    Membership,
    Organization,
    OrganizationKind,
    Resource,
    ResourceKind,
    Role,
    Visibility,
)


class AreaListField(serializers.ListField):
    child = serializers.ChoiceField(choices=Area.choices)


# An organization's contacts are optional and stored blank when not given: the schema
# admits the empty string beside the format, since that is what the API returns.
@extend_schema_field({"anyOf": [{"type": "string", "format": "email"}, {"enum": [""]}]})
class OptionalEmailField(serializers.EmailField):
    def __init__(self, **kwargs):
        super().__init__(allow_blank=True, **kwargs)


@extend_schema_field({"anyOf": [{"type": "string", "format": "uri"}, {"enum": [""]}]})
class OptionalURLField(serializers.URLField):
    def __init__(self, **kwargs):
        super().__init__(allow_blank=True, **kwargs)


class OrganizationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    municipalities = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    areas = serializers.ListField(child=serializers.CharField(), read_only=True)
    email = OptionalEmailField(read_only=True)
    pec = OptionalEmailField(read_only=True)
    website = OptionalURLField(read_only=True)
    pact_to_renew = serializers.SerializerMethodField(
        help_text=_("Un rinnovo del patto è stato chiesto e non ancora dato")
    )
    pact_renew_by = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text=_(
            "Entro quando rinnovare il patto; dopo, l'organizzazione non vota finché non lo "
            "rinnova (null senza rinnovo in sospeso)"
        ),
    )

    class Meta:
        model = Organization
        fields = [
            "id",
            "legal_name",
            "kind",
            "kind_label",
            "tax_code",
            "runts_number",
            "address",
            "municipalities",
            "areas",
            "email",
            "pec",
            "website",
            "description",
            "status",
            "status_label",
            "status_reason",
            "decided_at",
            "pact_accepted_at",
            "pact_revision_number",
            "pact_to_renew",
            "pact_renew_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_pact_to_renew(self, organization: Organization) -> bool:
        return perms.pact_to_renew(organization)

    def to_representation(self, organization: Organization) -> dict:
        # A profile hidden by a moderator keeps its name and status; its own text is left
        # blank for whoever may not read it (``permissions.can_read_hidden_profile``).
        data = super().to_representation(organization)
        # One reader for the whole answer (the context is shared by a list's rows).
        reader = self.context.get("hidden_profile_reader")
        if reader is None:
            user = getattr(self.context.get("request"), "user", None)
            reader = perms.hidden_profile_reader(user)
            self.context["hidden_profile_reader"] = reader
        if organization.is_hidden and not reader(organization):
            data["description"] = ""
            data["website"] = ""
        return data


class PactAcceptSerializer(serializers.Serializer):
    accept = serializers.BooleanField(
        help_text=_("Deve essere true: chi rappresenta l'organizzazione accetta il patto")
    )
    revision_number = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text=_(
            "La revisione in vigore letta; se nel frattempo ne è entrata in vigore un'altra, "
            "409 (codice revision_changed)"
        ),
    )

    def validate_accept(self, value):
        if not value:
            raise serializers.ValidationError(
                _("Per rinnovare il patto conferma di aver letto la Carta in vigore.")
            )
        return value


class OrganizationApplySerializer(serializers.Serializer):
    legal_name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=OrganizationKind.choices)
    tax_code = serializers.CharField(max_length=20)
    runts_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    municipalities = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Municipality.objects.all(), required=False
    )
    areas = AreaListField(required=False)
    email = OptionalEmailField(required=False)
    pec = OptionalEmailField(required=False)
    website = OptionalURLField(required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    accept_pact = serializers.BooleanField(required=False, default=False)


class OrganizationUpdateSerializer(OrganizationApplySerializer):
    """Used with ``partial=True``: only the given fields change."""

    accept_pact = None


class DecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class MembershipSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(source="user.pk", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.CharField(source="user.display_name", read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Membership
        fields = ["user_id", "username", "name", "role", "role_label", "can_vote", "created_at"]
        read_only_fields = fields


class MemberCreateSerializer(serializers.Serializer):
    """Either ``username`` (invites a registered person) or ``email`` (invites an address)."""

    username = serializers.CharField(required=False, allow_blank=False)
    email = serializers.EmailField(required=False)
    role = serializers.ChoiceField(choices=Role.choices, default=Role.MEMBER)

    def validate(self, attrs):
        if bool(attrs.get("username")) == bool(attrs.get("email")):
            raise serializers.ValidationError(
                {"username": [_("Indica un nome utente oppure un indirizzo email, non entrambi.")]}
            )
        return attrs


class MemberUpdateSerializer(serializers.Serializer):
    """What is not given stays as it is."""

    role = serializers.ChoiceField(choices=Role.choices, required=False)
    can_vote = serializers.BooleanField(required=False)


class InvitationSerializer(serializers.ModelSerializer):
    organization = serializers.PrimaryKeyRelatedField(read_only=True)
    organization_name = serializers.CharField(source="organization.legal_name", read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "organization",
            "organization_name",
            "email",
            "role",
            "role_label",
            "expires_at",
            "accepted_at",
            "declined_at",
        ]
        read_only_fields = fields


class MemberCreatedSerializer(serializers.Serializer):
    """The invitation sent: nobody becomes a member before accepting it."""

    invitation = InvitationSerializer()


class ResourceSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.legal_name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    municipalities = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    areas = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Resource
        fields = [
            "id",
            "organization",
            "organization_name",
            "kind",
            "kind_label",
            "title",
            "description",
            "areas",
            "municipalities",
            "capacity",
            "available_from",
            "available_until",
            "contact",
            "visibility",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ResourceWriteSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ResourceKind.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    areas = AreaListField(required=False)
    municipalities = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Municipality.objects.all(), required=False
    )
    capacity = serializers.CharField(max_length=200, required=False, allow_blank=True)
    available_from = serializers.DateField(required=False, allow_null=True)
    available_until = serializers.DateField(required=False, allow_null=True)
    contact = serializers.CharField(max_length=200, required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.PUBLIC)

    def validate(self, attrs):
        start, end = attrs.get("available_from"), attrs.get("available_until")
        if start and end and end < start:
            raise serializers.ValidationError(
                {
                    "available_until": [
                        _("La data di fine disponibilità non può precedere quella di inizio.")
                    ]
                }
            )
        return attrs


class ResourceUpdateSerializer(ResourceWriteSerializer):
    """Used with ``partial=True``: only the given fields change."""

    organization = None
