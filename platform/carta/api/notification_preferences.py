"""``GET/PUT /api/v1/notifications/preferences/``: one's notification preferences."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from carta import preferences
from carta.api.schema import ErrorSerializer
from carta.errors import InvalidInput
from carta.models import EmailDelivery


class KindChoiceSerializer(serializers.Serializer):
    label = serializers.CharField(read_only=True)
    group = serializers.CharField(read_only=True)
    in_app = serializers.BooleanField()
    email = serializers.BooleanField()


class PreferencesSerializer(serializers.Serializer):
    email_delivery = serializers.ChoiceField(choices=EmailDelivery.choices)
    kinds = serializers.DictField(child=KindChoiceSerializer())


class NotificationPreferencesView(APIView):
    """Per kind of notification, in the app (``in_app``) and by email (``email``); how
    emails come (``email_delivery``: ``immediate``, ``daily`` digest, ``none``). A PUT
    changes only what it names; an unknown kind is a 400 naming ``kinds.<kind>``."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = PreferencesSerializer

    @extend_schema(responses=PreferencesSerializer)
    def get(self, request):
        return Response(preferences.preferences_of(request.user))

    @extend_schema(
        request=PreferencesSerializer, responses={200: PreferencesSerializer, 400: ErrorSerializer}
    )
    def put(self, request):
        data = request.data if isinstance(request.data, dict) else None
        if data is None:
            raise InvalidInput(field="non_field_errors")
        kinds = data.get("kinds", {})
        if not isinstance(kinds, dict):
            raise InvalidInput(field="kinds")
        delivery = data.get("email_delivery")
        if delivery is not None and not isinstance(delivery, str):
            raise InvalidInput(field="email_delivery")
        return Response(
            preferences.set_notification_preferences(
                actor=request.user, email_delivery=delivery, kinds=kinds
            )
        )
