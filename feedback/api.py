"""API of the feedback app: complaints (open to anyone, tracked by code and email, handled
by officers), evaluations, commitment measurements, dashboard figures, one's own data.

Views parse with an input serializer, fetch-and-authorize with a selector (404 for what
the caller may not see, 403 for what it may see but not do), call a service, and answer
with an output serializer. Errors take the common shape of ``carta.api.errors``.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from carta import opendata
from carta.errors import InvalidInput, NotAllowed, NotFound
from carta.privacy_views import json_download
from carta.ratelimit import client_ip
from feedback import charter, periods, selectors, services
from feedback import permissions as perms
from feedback import serializers as s
from feedback.dashboard import build_dashboard
from feedback.models import (
    ComplaintCategory,
    ComplaintStatus,
    ImprovementStatus,
    MeasurementStatus,
)
from stakeholders.selectors import organization_from_input

User = get_user_model()

NO_MATCH = _("Nessuna segnalazione corrisponde al codice e all'indirizzo email indicati.")


def _flag(value) -> bool:
    return str(value).lower() in {"1", "true", "yes", "si", "sì"}


@extend_schema_view(
    list=extend_schema(
        summary="Reclami e segnalazioni visibili a chi chiede",
        description=(
            "L'ufficio reclami vede tutte le segnalazioni con i dati di contatto; un utente "
            "registrato vede quelle che ha inviato da autenticato, senza dati di contatto."
        ),
        parameters=[
            OpenApiParameter("status", str, enum=ComplaintStatus.values),
            OpenApiParameter("category", str, enum=ComplaintCategory.values),
            OpenApiParameter("overdue", bool, description="Solo quelle oltre il termine"),
            OpenApiParameter("mine", bool, description="Solo quelle assegnate a me"),
        ],
        # Every reader gets at least these fields; officers also get the sender's contact
        # data, assignment and lateness (the ComplaintStaff schema of the staff actions).
        responses=s.ComplaintSerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="Una segnalazione",
        description="L'ufficio reclami riceve anche i campi di ComplaintStaff.",
        responses=s.ComplaintSerializer,
    ),
)
class ComplaintViewSet(viewsets.GenericViewSet):
    serializer_class = s.ComplaintSerializer
    filter_backends: list = []
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        params = self.request.query_params
        status_filter = params.get("status", "")
        category = params.get("category", "")
        return selectors.complaint_queue(
            self.request.user,
            status=status_filter if status_filter in ComplaintStatus.values else "",
            category=category if category in ComplaintCategory.values else "",
            overdue_only=_flag(params.get("overdue", "")),
            assigned_to_me=_flag(params.get("mine", "")),
        )

    def _out(self, complaint, **kwargs):
        return Response(s.complaint_serializer_for(self.request.user)(complaint).data, **kwargs)

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        serializer = s.complaint_serializer_for(request.user)
        return self.get_paginated_response(serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return self._out(selectors.get_complaint_for(request.user, pk))

    @extend_schema(
        summary="Invia un reclamo o una segnalazione (anche senza accedere)",
        request=s.ComplaintCreateSerializer,
        responses={201: s.ComplaintCreatedSerializer},
    )
    def create(self, request):
        data = s.ComplaintCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        service = charter.service_in_force(values.pop("service", None), required=False)
        commitment = charter.commitment_in_force(values.pop("commitment", None), required=False)
        result = services.submit_complaint(
            actor=request.user,
            service=service,
            commitment=commitment,
            client_address=client_ip(request),
            **values,
        )
        complaint = result.complaint
        body = {
            "reference": complaint.reference,
            "tracking_code": result.code,
            "status": complaint.status,
            "received_at": complaint.received_at,
            "deadline_at": complaint.deadline_at,
        }
        return Response(s.ComplaintCreatedSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Segui una segnalazione con codice e indirizzo email",
        description=(
            "Un codice sconosciuto e un codice con un'email diversa hanno la stessa risposta "
            "(404). I tentativi sono limitati per indirizzo di rete (429)."
        ),
        request=s.TrackSerializer,
        responses=s.ComplaintSerializer,
    )
    @action(detail=False, methods=["post"])
    def track(self, request):
        data = s.TrackSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = services.find_complaint_by_code(
            code=data.validated_data["code"],
            email=data.validated_data["email"],
            client_address=client_ip(request),
        )
        if complaint is None:
            raise NotFound(NO_MATCH)
        return Response(s.ComplaintSerializer(complaint).data)

    @extend_schema(
        summary="Chiedi la riapertura con codice e indirizzo email (entro 30 giorni)",
        request=s.TrackReopenSerializer,
        responses=s.ComplaintSerializer,
    )
    @action(detail=False, methods=["post"], url_path="track/reopen")
    def track_reopen(self, request):
        data = s.TrackReopenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        complaint = services.find_complaint_by_code(
            code=values["code"], email=values["email"], client_address=client_ip(request)
        )
        if complaint is None:
            raise NotFound(NO_MATCH)
        complaint = services.reopen_complaint(
            actor=request.user, complaint=complaint, reason=values["reason"], as_sender=True
        )
        return Response(s.ComplaintSerializer(complaint).data)

    @extend_schema(
        summary="Assegna a un operatore (ufficio reclami)",
        request=s.AssignSerializer,
        responses=s.ComplaintStaffSerializer,
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        complaint = selectors.get_complaint_for(request.user, pk)
        data = s.AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignee = User.objects.filter(pk=data.validated_data["assignee"]).first()
        complaint = services.assign_complaint(
            actor=request.user, complaint=complaint, assignee=assignee
        )
        return self._out(complaint)

    @extend_schema(
        summary="Risponde (ufficio reclami)",
        request=s.AnswerSerializer,
        responses=s.ComplaintStaffSerializer,
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        complaint = selectors.get_complaint_for(request.user, pk)
        data = s.AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = services.answer_complaint(
            actor=request.user, complaint=complaint, **data.validated_data
        )
        return self._out(complaint)

    @extend_schema(
        summary="Chiude (ufficio reclami; senza risposta serve un motivo)",
        request=s.ComplaintCloseSerializer,
        responses=s.ComplaintStaffSerializer,
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        complaint = selectors.get_complaint_for(request.user, pk)
        data = s.ComplaintCloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = services.close_complaint(
            actor=request.user, complaint=complaint, **data.validated_data
        )
        return self._out(complaint)

    @extend_schema(
        summary="Corregge canale, protocollo, impegno e rimborso dovuto (ufficio reclami)",
        request=s.ComplaintRecordSerializer,
        responses=s.ComplaintStaffSerializer,
    )
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        complaint = selectors.get_complaint_for(request.user, pk)
        data = s.ComplaintRecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "commitment" in values and values["commitment"] is None:
            values["commitment"] = ""  # null removes the commitment; absent keeps it
        if "refund_paid_on" in values and values["refund_paid_on"] is None:
            values["refund_paid_on"] = ""
        complaint = services.update_complaint_record(
            actor=request.user, complaint=complaint, **values
        )
        return self._out(complaint)

    @extend_schema(
        summary="Riapre entro 30 giorni dalla chiusura (ufficio reclami o chi l'ha inviata)",
        request=s.ReasonSerializer,
        responses=s.ComplaintStaffSerializer,
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        complaint = selectors.get_complaint_for(request.user, pk)
        data = s.ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = services.reopen_complaint(
            actor=request.user,
            complaint=complaint,
            reason=data.validated_data["reason"],
            as_sender=not perms.can_handle_complaints(request.user),
        )
        return self._out(complaint)


class MyDataView(APIView):
    """What the platform holds about the signed-in person (GDPR arts. 15 and 20)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Scarica i dati che la piattaforma conserva su di me",
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        # The same file as the page's "Scarica in JSON" (carta.privacy), not cached.
        return json_download(request.user)


@extend_schema_view(
    list=extend_schema(
        summary="Valutazioni (tutte per il personale, le proprie per gli altri)",
        parameters=[OpenApiParameter("service_key", str), OpenApiParameter("period", str)],
    ),
)
class EvaluationViewSet(viewsets.GenericViewSet):
    serializer_class = s.EvaluationSerializer
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        return selectors.evaluation_list(
            self.request.user,
            service_key=params.get("service_key", ""),
            period=params.get("period", ""),
        )

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.EvaluationSerializer(page, many=True).data)

    @extend_schema(
        summary="Valuta un servizio della Carta in vigore (anche senza accedere)",
        description=(
            "Voti da 1 a 5. Una valutazione per persona e servizio ogni 30 giorni: 409 per "
            "gli utenti registrati, 429 per indirizzo di rete per chi non ha effettuato "
            "l'accesso."
        ),
        request=s.EvaluationCreateSerializer,
        responses={201: s.EvaluationSerializer},
    )
    def create(self, request):
        data = s.EvaluationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        service = charter.service_in_force(values.pop("service"))
        evaluation = services.submit_evaluation(
            actor=request.user, service=service, client_address=client_ip(request), **values
        )
        return Response(s.EvaluationSerializer(evaluation).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="Valori misurati per gli impegni di qualità",
        parameters=[OpenApiParameter("service_key", str), OpenApiParameter("period", str)],
    ),
)
class MeasurementViewSet(viewsets.GenericViewSet):
    serializer_class = s.MeasurementSerializer
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        return selectors.measurements_list(
            service_key=params.get("service_key", ""), period=params.get("period", "")
        )

    def get_permissions(self):
        # Recording needs an account (401 for anonymous callers); reading is public.
        writes = ("create", "validate")
        return [IsAuthenticated()] if self.action in writes else super().get_permissions()

    def _context(self):
        return {"staff": perms.can_view_staff_dashboard(self.request.user)}

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        data = s.MeasurementSerializer(page, many=True, context=self._context()).data
        return self.get_paginated_response(data)

    @extend_schema(
        summary="Storico delle misurazioni: ogni versione, con le correzioni e il loro motivo",
        description=(
            "Tutte le versioni, dalla prima, per impegno e trimestre. La lista principale "
            "mostra solo l'ultima versione di ciascuno; chi ha registrato ogni versione è "
            "indicato solo al personale."
        ),
        parameters=[
            OpenApiParameter("commitment_key", str),
            OpenApiParameter("period", str, description="Trimestre, per esempio 2026-Q1"),
            OpenApiParameter("service_key", str),
            OpenApiParameter(
                "status",
                str,
                enum=MeasurementStatus.values,
                description="Solo per il personale: validated, pending (da convalidare), "
                "rejected; gli altri vedono solo i valori convalidati",
            ),
        ],
        responses=s.MeasurementSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def history(self, request):
        params = request.query_params
        staff = perms.can_record_measurements(request.user)
        wanted = params.get("status", "")
        if wanted and wanted not in MeasurementStatus.values:
            raise InvalidInput(_("Stato sconosciuto."), field="status")
        queryset = selectors.measurement_history(
            commitment_key=params.get("commitment_key", ""),
            period=params.get("period", ""),
            service_key=params.get("service_key", ""),
            staff=staff,
            status=wanted,
        )
        page = self.paginate_queryset(queryset)
        data = s.MeasurementSerializer(page, many=True, context=self._context()).data
        return self.get_paginated_response(data)

    @extend_schema(
        summary="Convalida o respinge il valore inviato da un ente erogatore (personale)",
        request=s.MeasurementValidateSerializer,
        responses=s.MeasurementSerializer,
    )
    @action(detail=True, methods=["post"])
    def validate(self, request, pk=None):
        data = s.MeasurementValidateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        measurement = selectors.get_measurement(pk)
        measurement = services.validate_measurement(
            actor=request.user, measurement=measurement, **data.validated_data
        )
        return Response(s.MeasurementSerializer(measurement, context=self._context()).data)

    @extend_schema(
        summary="Registra o corregge il valore di un trimestre (personale incaricato, o un "
        "ente erogatore del servizio con organization: da convalidare)",
        request=s.MeasurementCreateSerializer,
        responses={201: s.MeasurementSerializer},
    )
    def create(self, request):
        data = s.MeasurementCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        organization = organization_from_input(values.pop("organization"))
        if organization is not None:
            values.pop("direction", None)
            commitment = charter.commitment_in_force(values.pop("commitment"))
            measurement = services.submit_measurement(
                actor=request.user, commitment=commitment, organization=organization, **values
            )
            return Response(
                s.MeasurementSerializer(measurement, context=self._context()).data,
                status=status.HTTP_201_CREATED,
            )
        if not perms.can_record_measurements(request.user):
            raise NotAllowed(_("Solo il personale incaricato può registrare le misurazioni."))
        commitment = charter.commitment_in_force(values.pop("commitment"))
        measurement = services.record_measurement(
            actor=request.user, commitment=commitment, **values
        )
        return Response(
            s.MeasurementSerializer(measurement, context=self._context()).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema_view(
    list=extend_schema(
        summary="Azioni di miglioramento aperte sugli impegni non rispettati",
        description=(
            "Un'azione per impegno e trimestre, aperta da sola quando il valore misurato non "
            "rispetta l'obiettivo. Lettura pubblica; chi l'ha aggiornata è indicato solo al "
            "personale. Uno stato sconosciuto è un 400 su status."
        ),
        parameters=[
            OpenApiParameter("service_key", str),
            OpenApiParameter("commitment_key", str),
            OpenApiParameter("period", str),
            OpenApiParameter("status", str, enum=ImprovementStatus.values),
        ],
    ),
    retrieve=extend_schema(summary="Un'azione di miglioramento"),
)
class ImprovementActionViewSet(viewsets.GenericViewSet):
    serializer_class = s.ImprovementActionSerializer
    filter_backends: list = []
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        params = self.request.query_params
        status_filter = params.get("status", "")
        if status_filter and status_filter not in ImprovementStatus.values:
            raise InvalidInput(_("Stato sconosciuto."), field="status")
        return selectors.improvement_actions(
            service_key=params.get("service_key", ""),
            commitment_key=params.get("commitment_key", ""),
            status=status_filter,
            period=params.get("period", ""),
        )

    def get_permissions(self):
        # Editing needs an account (401 for anonymous callers); reading is public.
        if self.action == "partial_update":
            return [IsAuthenticated()]
        return super().get_permissions()

    def _context(self):
        return {"staff": perms.can_view_staff_dashboard(self.request.user)}

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        data = s.ImprovementActionSerializer(page, many=True, context=self._context()).data
        return self.get_paginated_response(data)

    def retrieve(self, request, pk=None):
        action = selectors.get_improvement_action(pk)
        return Response(s.ImprovementActionSerializer(action, context=self._context()).data)

    @extend_schema(
        summary="Aggiorna un'azione di miglioramento (personale incaricato delle misurazioni)",
        request=s.ImprovementActionUpdateSerializer,
        responses=s.ImprovementActionSerializer,
    )
    def partial_update(self, request, pk=None):
        action = selectors.get_improvement_action(pk)
        data = s.ImprovementActionUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        action = services.update_improvement_action(
            actor=request.user, action=action, **data.validated_data
        )
        return Response(s.ImprovementActionSerializer(action, context=self._context()).data)


class DashboardView(APIView):
    """Figures of the commitments dashboard; staff also get open/overdue counts, notes."""

    @extend_schema(
        summary="Cruscotto degli impegni: misure, soddisfazione, reclami per trimestre",
        parameters=[OpenApiParameter("quarters", int, description="Quanti trimestri (1-12)")],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        try:
            count = min(max(int(request.query_params.get("quarters", 4)), 1), 12)
        except ValueError:
            count = 4
        data = build_dashboard(
            quarters=periods.recent_quarters(count),
            staff=perms.can_view_staff_dashboard(request.user),
        )
        return opendata.with_licence(Response(opendata.with_licence_json(_jsonable(data))))


def _jsonable(value):
    from decimal import Decimal

    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
