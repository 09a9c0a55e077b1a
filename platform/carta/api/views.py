"""API of the platform core: tokens, accounts, notifications, the audit log."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from rest_framework import generics, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from carta import ambito, moderation, ratelimit, second_factor, selectors, services, tokens
from carta.api import serializers as s
from carta.api.errors import require_signed_in
from carta.api.schema import ErrorSerializer
from carta.errors import InvalidInput, RefusedToEveryone
from carta.models import AuditEntry
from carta.permissions import can_view_audit


class TokenView(APIView):
    """``POST``: exchange a username and password for a new API token (one per device;
    rate-limited like the login page). ``DELETE``: revoke the token the call was made with."""

    permission_classes = [permissions.AllowAny]

    def _posting(self) -> bool:
        request = getattr(self, "request", None)
        return request is not None and request.method == "POST"

    def get_authenticators(self):
        # The exchange authenticates nobody (a bad token must not stop a sign-in); the
        # revocation needs the token itself.
        return [] if self._posting() else [TokenAuthentication()]

    def get_throttles(self):
        # The exchange counts its own attempts (carta.ratelimit.hit_login).
        return [] if self._posting() else super().get_throttles()

    # 403: a staff member who must have a second factor and has none.
    @extend_schema(
        request=s.TokenRequestSerializer, responses={200: s.TokenSerializer, 403: ErrorSerializer}
    )
    def post(self, request):
        data = s.TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username = data.validated_data["username"]
        ratelimit.hit_login(request, username)
        user = authenticate(request, username=username, password=data.validated_data["password"])
        if user is None or not user.is_active:
            raise InvalidInput(_("Nome utente o password non corretti."), field="non_field_errors")
        if second_factor.has_second_factor(user):
            if not second_factor.check_code(user, data.validated_data.get("otp", "")):
                raise InvalidInput(
                    _("Inserisci il codice attuale della tua app di autenticazione."),
                    field="otp",
                )
        elif second_factor.must_have_second_factor(user):
            raise RefusedToEveryone(second_factor.REQUIRED_MESSAGE, code="second_factor_required")
        instance, key = tokens.issue_token(user=user)
        return Response(
            s.TokenSerializer(
                {"token": key, "expiry": instance.expiry, "token_key": instance.token_key}
            ).data
        )

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        require_signed_in(request)
        tokens.revoke_current_token(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListView(generics.ListAPIView):
    """``GET``: the caller's tokens in force, newest first. ``DELETE``: revoke them all."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = s.TokenListSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return AuthToken.objects.none()
        return tokens.tokens_of(self.request.user)

    @extend_schema(operation_id="v1_auth_tokens_destroy_all", request=None, responses={204: None})
    def delete(self, request):
        tokens.revoke_all_tokens(actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenDetailView(APIView):
    """``DELETE``: revoke one of the caller's own tokens, by its id (404 for any other)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, token_key: str):
        tokens.revoke_token(actor=request.user, token_key=token_key)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RegisterView(APIView):
    """Ask for a citizen account: 202 and an email, the same whether the address already
    has an account (the email says which) or not; the link in it confirms the address."""

    permission_classes = [permissions.AllowAny]
    throttle_scope = "anonymous_form"

    @extend_schema(
        request=s.RegistrationSerializer, responses={202: s.RegistrationReceivedSerializer}
    )
    def post(self, request):
        data = s.RegistrationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ratelimit.hit_account_form(request, "register", data.validated_data["email"])
        services.request_registration(request, **data.validated_data)
        detail = _(
            "Ti abbiamo inviato un'email all'indirizzo indicato: apri il collegamento che "
            "contiene per confermare l'indirizzo."
        )
        return Response({"detail": detail}, status=status.HTTP_202_ACCEPTED)


class AmbitoView(APIView):
    """Who runs this site: the Ambito's name, IPA code, address, PEC, institutional site,
    logo, the data protection officer's contact and the accessibility statement. Public,
    read-only, no query (docs/going-live.md)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=s.AmbitoSerializer)
    def get(self, request):
        payload = s.AmbitoSerializer.describe(ambito.identity(), ambito.accessibility_statement())
        return Response(s.AmbitoSerializer(payload).data)


class MeView(generics.GenericAPIView):
    """The signed-in person's own profile."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = s.UserSerializer

    def get(self, request):
        return Response(s.UserSerializer(request.user).data)

    @extend_schema(request=s.ProfileUpdateSerializer, responses=s.UserSerializer)
    def patch(self, request):
        data = s.ProfileUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.update_profile(actor=request.user, **data.validated_data)
        return Response(s.UserSerializer(user).data)


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull")


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """One's own notifications; ``read`` marks some (or all) as read."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = s.NotificationSerializer
    filterset_class = NotificationFilter
    search_fields: list = []
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return selectors.notifications_for(self.request.user)

    @extend_schema(request=s.MarkReadSerializer, responses={200: None})
    @action(detail=False, methods=["post"])
    def read(self, request):
        data = s.MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = services.mark_notifications_read(
            actor=request.user, ids=data.validated_data.get("ids")
        )
        return Response({"marked": count, "unread": selectors.unread_count(request.user)})


class InstantField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 instant that the database can hold once in UTC (years 1 to 9999)."""

    def to_python(self, value):
        instant = super().to_python(value)
        try:
            return instant and instant.astimezone(datetime.UTC)
        except OverflowError:
            # The same answer as for the year 10000, which the parser itself refuses.
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class InstantFilter(django_filters.IsoDateTimeFilter):
    field_class = InstantField


class AuditFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(field_name="actor_label", lookup_expr="iexact")
    verb = django_filters.CharFilter(field_name="verb", lookup_expr="startswith")
    object_type = django_filters.CharFilter(method="filter_object_type")
    object_id = django_filters.CharFilter(field_name="object_id")
    since = InstantFilter(field_name="created_at", lookup_expr="gte")
    until = InstantFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = AuditEntry
        fields: list = []

    def filter_object_type(self, queryset, name, value):
        app_label, _dot, model = value.partition(".")
        return queryset.filter(content_type__app_label=app_label, content_type__model=model)


class CanViewAudit(permissions.BasePermission):
    def has_permission(self, request, view):
        return can_view_audit(request.user)


class AuditViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The append-only audit log, for staff who may read it (403 for anyone else)."""

    permission_classes = [permissions.IsAuthenticated, CanViewAudit]
    serializer_class = s.AuditEntrySerializer
    filterset_class = AuditFilter
    search_fields = ["object_repr", "reason"]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return selectors.audit_entries_for(self.request.user)


class FlagViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Flags: anyone may report what they can see; moderators list and decide.

    ``POST /flags/`` reports a content; ``POST /flags/hide/`` and ``/flags/restore/`` (with
    ``target_type``, ``target_id`` and a public ``reason``) are the moderators' decisions;
    ``POST /flags/{id}/dismiss/`` closes a flag without hiding; ``POST
    /flags/request-review/`` is the author's one request for a second look.
    """

    serializer_class = s.FlagSerializer
    filterset_fields = ["status"]
    ordering_fields = ["created_at"]

    def get_throttles(self):
        if self.action == "create":
            self.throttle_scope = "anonymous_form"
        return super().get_throttles()

    def get_queryset(self):
        return moderation.flags_visible_to(self.request.user)

    @extend_schema(request=s.FlagCreateSerializer, responses={201: s.FlagSerializer})
    def create(self, request):
        data = s.FlagCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        target = moderation.get_target_for(
            request.user, data.validated_data["target_type"], data.validated_data["target_id"]
        )
        flag = moderation.flag_content(
            actor=request.user, target=target, reason=data.validated_data["reason"]
        )
        return Response(s.FlagSerializer(flag).data, status=status.HTTP_201_CREATED)

    def _decide(self, request, service):
        data = s.ModerateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        target = moderation.get_target_for(
            request.user, data.validated_data["target_type"], data.validated_data["target_id"]
        )
        entry = service(actor=request.user, target=target, reason=data.validated_data["reason"])
        return Response(s.ModerationEntrySerializer(entry).data)

    @extend_schema(request=s.ModerateSerializer, responses=s.ModerationEntrySerializer)
    @action(detail=False, methods=["post"])
    def hide(self, request):
        return self._decide(request, moderation.hide_content)

    @extend_schema(request=s.ModerateSerializer, responses=s.ModerationEntrySerializer)
    @action(detail=False, methods=["post"])
    def restore(self, request):
        return self._decide(request, moderation.restore_content)

    @extend_schema(request=s.ModerateSerializer, responses=s.ModerationEntrySerializer)
    @action(detail=False, methods=["post"], url_path="request-review")
    def request_review(self, request):
        return self._decide(request, moderation.request_review)

    @extend_schema(request=s.ModerationReasonSerializer, responses=s.FlagSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        data = s.ModerationReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        flag = moderation.dismiss_flag(
            actor=request.user, flag=self.get_object(), reason=data.validated_data["reason"]
        )
        return Response(s.FlagSerializer(flag).data)


class ModerationLogViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The public moderation log: what was hidden or restored, and why."""

    serializer_class = s.ModerationEntrySerializer
    filterset_fields = ["action"]
    search_fields = ["object_label", "reason"]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return moderation.moderation_log()
