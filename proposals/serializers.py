"""Serializers of the proposals API: input serializers parse, output ones render."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from carta.markdown import render_markdown
from carta.models import Area
from proposals import permissions as perms
from proposals.models import (
    Endorsement,
    Partnership,
    Proposal,
    ProposalComment,
    ProposalTransition,
    ProposalVersion,
)
from proposals.states import TRANSITIONS

RESERVED_RESOURCE = _("una risorsa riservata alla rete")


class OrganizationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    legal_name = serializers.CharField()


class PartnershipSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer()

    class Meta:
        model = Partnership
        fields = ["organization", "status", "created_at", "decided_at"]


class ProposalListSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer()
    partners = serializers.SerializerMethodField()
    endorsement_count = serializers.IntegerField(read_only=True)
    comment_count = serializers.IntegerField(read_only=True)
    hidden = serializers.BooleanField(source="is_hidden")
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Proposal
        fields = [
            "id",
            "title",
            "summary",
            "area",
            "state",
            "organization",
            "partners",
            "budget_estimate",
            "endorsement_count",
            "comment_count",
            "hidden",
            "published_at",
            "created_at",
            "url",
        ]

    @extend_schema_field(OrganizationRefSerializer(many=True))
    def get_partners(self, proposal):
        return [
            {"id": p.organization.pk, "legal_name": p.organization.legal_name}
            for p in proposal.partnerships.all()
            if p.status == "accepted"
        ]


class TransitionSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = ProposalTransition
        fields = ["action", "from_state", "to_state", "actor", "reason", "created_at"]

    def get_actor(self, step) -> str:
        return step.actor.display_name if step.actor else ""


class ResourceRefSerializer(serializers.Serializer):
    """A committed resource, from ``selectors.resources_shown_to``: one the reader may not
    see (network-only, read from outside the network) is only reserved, with no id, title
    or organization."""

    id = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    organization = serializers.IntegerField(allow_null=True)
    reserved = serializers.BooleanField()

    def to_representation(self, resource):
        if not resource.shown:
            return {
                "id": None,
                "title": str(RESERVED_RESOURCE),
                "organization": None,
                "reserved": True,
            }
        return {
            "id": resource.pk,
            "title": resource.title,
            "organization": resource.organization_id,
            "reserved": False,
        }


class ProposalSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer()
    partnerships = PartnershipSerializer(many=True)
    resources = ResourceRefSerializer(many=True)
    transitions = TransitionSerializer(many=True)
    body_html = serializers.SerializerMethodField()
    hidden = serializers.BooleanField(source="is_hidden")
    available_actions = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Proposal
        fields = [
            "id",
            "title",
            "summary",
            "body",
            "body_html",
            "area",
            "beneficiaries",
            "budget_estimate",
            "state",
            "organization",
            "partnerships",
            "resources",
            "transitions",
            "hidden",
            "hidden_reason",
            "submitted_at",
            "published_at",
            "created_at",
            "updated_at",
            "available_actions",
            "url",
        ]

    def get_body_html(self, proposal) -> str:
        return str(render_markdown(proposal.body))

    def get_available_actions(self, proposal) -> list[str]:
        user = self.context.get("user")
        return [name for name in TRANSITIONS if perms.can_transition(user, proposal, name)]


class ProposalWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=1000)
    body = serializers.CharField(required=False, allow_blank=True, max_length=50000)
    area = serializers.ChoiceField(choices=Area.choices)
    beneficiaries = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    budget_estimate = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False
    )
    resources = serializers.ListField(child=serializers.IntegerField(), required=False)


class ProposalCreateSerializer(ProposalWriteSerializer):
    organization = serializers.IntegerField(help_text="Organizzazione proponente")


class ProposalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class CommentSerializer(serializers.ModelSerializer):
    """A hidden comment keeps its place in the thread with the moderators' reason; its
    text is shown only to moderators and to its author."""

    author = serializers.SerializerMethodField()
    organization = OrganizationRefSerializer(allow_null=True)
    body = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField()
    hidden = serializers.BooleanField(source="is_hidden")

    class Meta:
        model = ProposalComment
        fields = [
            "id",
            "parent",
            "author",
            "organization",
            "body",
            "body_html",
            "hidden",
            "hidden_reason",
            "created_at",
        ]

    def _shown(self, comment) -> bool:
        return perms.can_read_comment(self.context.get("user"), comment)

    def get_author(self, comment) -> str:
        return comment.author.display_name if comment.author else ""

    def get_body(self, comment) -> str:
        return comment.body if self._shown(comment) else ""

    def get_body_html(self, comment) -> str:
        return str(render_markdown(comment.body)) if self._shown(comment) else ""


class CommentCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=5000)
    parent = serializers.IntegerField(required=False, allow_null=True)
    organization = serializers.IntegerField(required=False, allow_null=True)


class EndorsementSerializer(serializers.ModelSerializer):
    user = serializers.SerializerMethodField()
    organization = OrganizationRefSerializer(allow_null=True)

    class Meta:
        model = Endorsement
        fields = ["id", "user", "organization", "created_at"]

    def get_user(self, endorsement) -> str:
        return endorsement.user.display_name


class EndorseSerializer(serializers.Serializer):
    organization = serializers.IntegerField(required=False, allow_null=True)


class VersionSerializer(serializers.ModelSerializer):
    """A redacted version has empty text fields and the moderators' public reason."""

    redacted = serializers.BooleanField(source="is_redacted")

    class Meta:
        model = ProposalVersion
        fields = [
            "number",
            "title",
            "summary",
            "body",
            "beneficiaries",
            "created_at",
            "redacted",
            "redacted_at",
            "redaction_reason",
        ]


class DiffPartSerializer(serializers.Serializer):
    op = serializers.ChoiceField(choices=["equal", "insert", "delete"])
    text = serializers.CharField()


class FieldDiffSerializer(serializers.Serializer):
    title = DiffPartSerializer(many=True)
    summary = DiffPartSerializer(many=True)
    body = DiffPartSerializer(many=True)
    beneficiaries = DiffPartSerializer(many=True)


class VersionDiffSerializer(serializers.Serializer):
    version = VersionSerializer()
    against = serializers.IntegerField(allow_null=True)
    diff = FieldDiffSerializer(allow_null=True)


class PartnerCreateSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    kind = serializers.ChoiceField(
        choices=[("invite", "invite"), ("request", "request")],
        default="invite",
        help_text="invite: la proponente invita; request: l'organizzazione chiede di aderire",
    )
