"""API of the Carta: ``carta/revisions`` (with ``sections``, ``diff``, ``comments``,
``amendments``, the report and the open data) and ``services``.

Views parse with an input serializer, fetch-and-authorize through a selector (404 for a
revision the caller may not read, 403 for what it may read but not do), call a service,
and answer with an output serializer. Errors take the common shape of ``carta.api.errors``.
"""

from __future__ import annotations

from dataclasses import asdict

from django.db.models import Count
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from carta import opendata
from carta.api.errors import require_signed_in
from carta.errors import InvalidInput
from carta.models import Area
from consultations.charter import exports, selectors, services
from consultations.charter import serializers as s
from consultations.charter.models import Amendment, RevisionStatus, Service
from stakeholders.models import Organization
from stakeholders.selectors import organization_from_input

REVISION_ID = OpenApiParameter("revision_pk", int, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(
        summary="Revisioni della Carta leggibili da chi chiede",
        parameters=[OpenApiParameter("status", str, enum=RevisionStatus.values)],
        responses=s.CartaRevisionSerializer(many=True),
    ),
    retrieve=extend_schema(summary="Una revisione", responses=s.CartaRevisionSerializer),
)
class RevisionViewSet(viewsets.GenericViewSet):
    """Revisions: those in consultation, in force and superseded are public; drafts are
    read by the Carta editors and, once shared, by the network's organizations."""

    serializer_class = s.CartaRevisionSerializer
    filter_backends: list = []
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.revision_list(
            self.request.user, status=self.request.query_params.get("status", "")
        )

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.CartaRevisionSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(
            s.CartaRevisionSerializer(selectors.get_revision_for(request.user, pk)).data
        )

    @extend_schema(
        summary="Nuova bozza, copiata dalla revisione in vigore o da quella indicata",
        request=s.RevisionCreateSerializer,
        responses={201: s.CartaRevisionSerializer},
    )
    def create(self, request):
        require_signed_in(request)
        data = s.RevisionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        source_pk = data.validated_data.pop("source")
        source = selectors.get_revision_for(request.user, source_pk) if source_pk else None
        revision = services.create_draft(actor=request.user, source=source, **data.validated_data)
        return Response(s.CartaRevisionSerializer(revision).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Modifica titolo e sintesi di una bozza",
        request=s.RevisionUpdateSerializer,
        responses=s.CartaRevisionSerializer,
    )
    def partial_update(self, request, pk=None):
        revision = selectors.get_revision_for(request.user, pk)
        require_signed_in(request)
        data = s.RevisionUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        revision = services.update_revision(
            actor=request.user, revision=revision, **data.validated_data
        )
        return Response(s.CartaRevisionSerializer(revision).data)

    def _transition(self, request, pk, service):
        revision = selectors.get_revision_for(request.user, pk)
        require_signed_in(request)
        return Response(
            s.CartaRevisionSerializer(service(actor=request.user, revision=revision)).data
        )

    @extend_schema(summary="Condivide la bozza con la rete", request=None)
    @action(detail=True, methods=["post"])
    def share(self, request, pk=None):
        return self._transition(request, pk, services.share_with_network)

    def _phase(self, request, pk, service):
        revision = selectors.get_revision_for(request.user, pk)
        require_signed_in(request)
        # Who first (403), then the dates (400), then the state (409).
        services.require_editor(request.user)
        data = s.ConsultationPhaseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        revision = service(
            actor=request.user,
            revision=revision,
            closes_at=data.validated_data["closes_at"],
            organizations_close_at=data.validated_data["organizations_close_at"],
        )
        return Response(s.CartaRevisionSerializer(revision).data)

    @extend_schema(
        summary=(
            "Mette la bozza in consultazione pubblica fino alla data indicata (e, se "
            "indicata, fino a una data successiva per le organizzazioni della rete)"
        ),
        request=s.ConsultationPhaseSerializer,
        responses=s.CartaRevisionSerializer,
    )
    @action(detail=True, methods=["post"], url_path="open-consultation")
    def open_consultation(self, request, pk=None):
        return self._phase(
            request,
            pk,
            lambda **values: services.open_consultation(strict=True, **values),
        )

    @extend_schema(
        summary="Proroga la consultazione in corso (la chiusura si sposta più avanti)",
        request=s.ConsultationPhaseSerializer,
        responses=s.CartaRevisionSerializer,
    )
    @action(detail=True, methods=["post"], url_path="extend-consultation")
    def extend_consultation(self, request, pk=None):
        return self._phase(request, pk, services.extend_consultation)

    @extend_schema(
        summary=(
            "Adotta la revisione con un atto: entra in vigore alla data indicata (oggi o "
            "dopo), e allora la precedente è superata"
        ),
        request=s.AdoptSerializer,
        responses=s.CartaRevisionSerializer,
    )
    @action(detail=True, methods=["post"])
    def adopt(self, request, pk=None):
        revision = selectors.get_revision_for(request.user, pk)
        require_signed_in(request)
        # Who may adopt first (403), then what the act says (400), then the state (409).
        services.require_editor(request.user)
        data = s.AdoptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        revision = services.adopt_revision(
            actor=request.user,
            revision=revision,
            body=data.validated_data["act_body"],
            act_number=data.validated_data["act_number"],
            act_date=data.validated_data["act_date"],
            effective_from=data.validated_data["effective_from"],
            pact_grace_days=data.validated_data["pact_grace_days"],
            strict=True,
        )
        return Response(s.CartaRevisionSerializer(revision).data)

    @extend_schema(
        summary="Cosa manca per adottare la revisione (solo per la redazione della Carta)",
        responses=s.ReadinessSerializer,
    )
    @action(detail=True, methods=["get"])
    def readiness(self, request, pk=None):
        revision = selectors.get_revision_for(request.user, pk)
        require_signed_in(request)
        answer = selectors.readiness_for(request.user, revision)
        return Response(
            s.ReadinessSerializer(
                {"ready": answer["ready"], "items": [i.as_dict() for i in answer["items"]]}
            ).data
        )

    @extend_schema(
        summary="Importa una Carta scritta in Markdown come nuova bozza",
        request={"multipart/form-data": s.ImportSerializer},
        responses={201: s.CartaRevisionSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_markdown(self, request):
        require_signed_in(request)
        data = s.ImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        revision = services.import_markdown(
            actor=request.user,
            data=upload.read(),
            filename=upload.name,
            title=data.validated_data["title"],
        )
        return Response(s.CartaRevisionSerializer(revision).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Confronto con un'altra revisione",
        parameters=[OpenApiParameter("against", int, required=True)],
        responses=s.DiffSerializer,
    )
    @action(detail=True, methods=["get"])
    def diff(self, request, pk=None):
        revision = selectors.get_revision_for(request.user, pk)
        other, changes = selectors.revision_diff(
            request.user, revision, request.query_params.get("against")
        )
        return Response({"revision": revision.pk, "against": other.pk, **changes})

    @extend_schema(
        summary="La revisione come dati aperti (schema in docs/carta-open-data.md)",
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=True, methods=["get"], url_path="open-data")
    def open_data(self, request, pk=None):
        revision = selectors.get_revision_for(request.user, pk)
        return opendata.with_licence(Response(exports.open_data(revision)))

    @extend_schema(
        summary="Resoconto della consultazione: conteggi per sezione", responses=OpenApiTypes.OBJECT
    )
    @action(detail=True, methods=["get"])
    def report(self, request, pk=None):
        report = selectors.report(selectors.get_revision_for(request.user, pk))
        return Response(
            {
                "revision": report["revision"].pk,
                "totals": report["totals"],
                "by_section": report["by_section"],
                "comments": s.CartaCommentSerializer(report["comments"], many=True).data,
                "amendments": s.CartaAmendmentSerializer(report["amendments"], many=True).data,
                # The votes on the revision and their results once published.
                "votes": [asdict(vote) for vote in report["votes"]],
            }
        )


class NestedMixin:
    """Fetches the revision of the URL once, with the caller's right to read it; writes
    then need a signed-in caller."""

    filter_backends: list = []

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.revision = selectors.get_revision_for(request.user, kwargs["revision_pk"])
        if request.method not in SAFE_METHODS:
            require_signed_in(request)


@extend_schema_view(
    list=extend_schema(summary="Sezioni della revisione, in ordine", parameters=[REVISION_ID]),
    retrieve=extend_schema(summary="Una sezione", parameters=[REVISION_ID]),
)
class SectionViewSet(NestedMixin, viewsets.GenericViewSet):
    serializer_class = s.CartaSectionSerializer
    lookup_field = "key"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"

    def get_queryset(self):
        return self.revision.sections.order_by("position", "id")

    def list(self, request, revision_pk=None):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.CartaSectionSerializer(page, many=True).data)

    def retrieve(self, request, revision_pk=None, key=None):
        return Response(s.CartaSectionSerializer(self.get_object()).data)

    @extend_schema(
        summary="Aggiunge una sezione a una bozza",
        parameters=[REVISION_ID],
        request=s.SectionWriteSerializer,
        responses={201: s.CartaSectionSerializer},
    )
    def create(self, request, revision_pk=None):
        data = s.SectionWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not data.validated_data.get("key"):
            raise InvalidInput(_("Indica la chiave della sezione."), field="key")
        if self.revision.sections.filter(key=data.validated_data["key"]).exists():
            raise InvalidInput(_("Esiste già una sezione con questa chiave."), field="key")
        section = services.save_section(
            actor=request.user, revision=self.revision, **data.validated_data
        )
        return Response(s.CartaSectionSerializer(section).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Modifica una sezione di una bozza",
        parameters=[REVISION_ID],
        request=s.SectionWriteSerializer,
        responses=s.CartaSectionSerializer,
    )
    def partial_update(self, request, revision_pk=None, key=None):
        section = self.get_object()
        data = s.SectionWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = {
            "heading": section.heading,
            "body": section.body,
            "parent_key": section.parent_key,
            "position": section.position,
            **data.validated_data,
            "key": section.key,
        }
        section = services.save_section(actor=request.user, revision=self.revision, **values)
        return Response(s.CartaSectionSerializer(section).data)

    @extend_schema(summary="Toglie una sezione da una bozza", parameters=[REVISION_ID])
    def destroy(self, request, revision_pk=None, key=None):
        section = self.get_object()
        services.delete_section(actor=request.user, revision=self.revision, key=section.key)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        summary="Commenti della revisione (anche quelli scritti su revisioni precedenti)",
        parameters=[REVISION_ID, OpenApiParameter("section", str)],
    ),
    retrieve=extend_schema(summary="Un commento", parameters=[REVISION_ID]),
)
class CommentViewSet(NestedMixin, viewsets.GenericViewSet):
    serializer_class = s.CartaCommentSerializer
    lookup_value_regex = r"\d+"

    def list(self, request, revision_pk=None):
        comments = selectors.comments_for(
            request.user, self.revision, section_key=request.query_params.get("section", "")
        )
        page = self.paginate_queryset(comments)
        return self.get_paginated_response(s.CartaCommentSerializer(page, many=True).data)

    def retrieve(self, request, revision_pk=None, pk=None):
        comment = selectors.get_comment_for(request.user, self.revision, pk)
        return Response(s.CartaCommentSerializer(comment).data)

    @extend_schema(
        summary="Commenta una sezione (o rispondi a un commento)",
        parameters=[REVISION_ID],
        request=s.CartaCommentCreateSerializer,
        responses={201: s.CartaCommentSerializer},
    )
    def create(self, request, revision_pk=None):
        data = s.CartaCommentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        parent_pk = values.pop("parent")
        parent = (
            selectors.get_comment_for(request.user, self.revision, parent_pk) if parent_pk else None
        )
        if parent is None and not values["section_key"]:
            raise InvalidInput(_("Indica la sezione."), field="section_key")
        comment = services.post_comment(
            actor=request.user,
            revision=self.revision,
            parent=parent,
            organization=organization_from_input(values.pop("organization")),
            **values,
        )
        return Response(s.CartaCommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Esito della redazione su un commento",
        parameters=[REVISION_ID],
        request=s.OutcomeSerializer,
        responses=s.CartaCommentSerializer,
    )
    @action(detail=True, methods=["post"])
    def outcome(self, request, revision_pk=None, pk=None):
        comment = selectors.get_comment_for(request.user, self.revision, pk)
        data = s.OutcomeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.record_outcome(
            actor=request.user, comment=comment, **data.validated_data
        )
        return Response(s.CartaCommentSerializer(comment).data)


@extend_schema_view(
    list=extend_schema(summary="Emendamenti alla revisione", parameters=[REVISION_ID]),
    retrieve=extend_schema(summary="Un emendamento", parameters=[REVISION_ID]),
)
class AmendmentViewSet(NestedMixin, viewsets.GenericViewSet):
    serializer_class = s.CartaAmendmentSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.amendments_for(self.request.user, self.revision)

    def list(self, request, revision_pk=None):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.CartaAmendmentSerializer(page, many=True).data)

    def _amendment(self, pk) -> Amendment:
        return selectors.get_amendment_for(self.request.user, self.revision, pk)

    def _fresh(self, amendment) -> Response:
        return Response(s.CartaAmendmentSerializer(self._amendment(amendment.pk)).data)

    def retrieve(self, request, revision_pk=None, pk=None):
        return Response(s.CartaAmendmentSerializer(self._amendment(pk)).data)

    @extend_schema(
        summary="Propone un emendamento a una sezione o a un servizio",
        parameters=[REVISION_ID],
        request=s.CartaAmendmentCreateSerializer,
        responses={201: s.CartaAmendmentSerializer},
    )
    def create(self, request, revision_pk=None):
        data = s.CartaAmendmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        amendment = services.propose_amendment(
            actor=request.user,
            revision=self.revision,
            organization=organization_from_input(values.pop("organization")),
            **values,
        )
        return Response(
            s.CartaAmendmentSerializer(self._amendment(amendment.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Sostiene l'emendamento, a proprio nome o di un'organizzazione",
        parameters=[REVISION_ID],
        request=s.SupportSerializer,
        responses={201: s.SupportResultSerializer},
    )
    @action(detail=True, methods=["post"])
    def support(self, request, revision_pk=None, pk=None):
        amendment = self._amendment(pk)
        data = s.SupportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        support = services.support_amendment(
            actor=request.user,
            amendment=amendment,
            organization=organization_from_input(data.validated_data["organization"]),
        )
        count = Amendment.objects.filter(pk=amendment.pk).annotate(n=Count("supports")).get().n
        return Response(
            {
                "amendment": amendment.pk,
                "organization": support.organization_id,
                "support_count": count,
            },
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Accoglie l'emendamento in una bozza (la modifica)",
        parameters=[REVISION_ID],
        request=s.AcceptSerializer,
        responses=s.CartaAmendmentSerializer,
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, revision_pk=None, pk=None):
        amendment = self._amendment(pk)
        data = s.AcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        into_pk = data.validated_data["into"]
        into = selectors.get_revision_for(request.user, into_pk) if into_pk else None
        services.accept_amendment(
            actor=request.user, amendment=amendment, into=into, reason=data.validated_data["reason"]
        )
        return self._fresh(amendment)

    @extend_schema(
        summary="Non accoglie l'emendamento, con motivazione",
        parameters=[REVISION_ID],
        request=s.RejectSerializer,
        responses=s.CartaAmendmentSerializer,
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, revision_pk=None, pk=None):
        amendment = self._amendment(pk)
        data = s.RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.reject_amendment(
            actor=request.user, amendment=amendment, reason=data.validated_data["reason"]
        )
        return self._fresh(amendment)


@extend_schema_view(
    list=extend_schema(
        summary="Catalogo dei servizi (della Carta in vigore, o della revisione indicata)",
        parameters=[
            OpenApiParameter("area", str, enum=Area.values),
            OpenApiParameter("q", str, description="Testo da cercare"),
            OpenApiParameter("revision", int, description="Revisione (default: in vigore)"),
        ],
    ),
    retrieve=extend_schema(summary="Un servizio"),
)
class ServiceViewSet(viewsets.GenericViewSet):
    serializer_class = s.CartaServiceSerializer
    filter_backends: list = []
    lookup_value_regex = r"\d+"

    def _queryset(self):
        params = self.request.query_params
        area = params.get("area", "")
        if area and area not in Area.values:
            raise InvalidInput(_("Area di intervento sconosciuta."), field="area")
        revision_pk = params.get("revision")
        if revision_pk:
            revision = selectors.get_revision_for(self.request.user, revision_pk)
            return selectors.services_of(revision, area=area, q=params.get("q", ""))
        return selectors.services_in_force(area=area, q=params.get("q", ""))

    def list(self, request):
        page = self.paginate_queryset(self._queryset())
        return self.get_paginated_response(s.CartaServiceSerializer(page, many=True).data)

    def _service(self, pk) -> Service:
        return selectors.get_catalogue_service_for(self.request.user, pk)

    def retrieve(self, request, pk=None):
        return Response(s.CartaServiceSerializer(self._service(pk)).data)

    def _save(self, request, revision, key, data) -> Response:
        values = dict(data)
        values.pop("revision", None)
        values.pop("key", None)
        if "providers" in values:
            values["providers"] = list(
                Organization.objects.filter(pk__in=values["providers"]).order_by("pk")
            )
        if "commitments" in values:
            values["commitments"] = [dict(c) for c in values["commitments"]]
        service = services.save_service(actor=request.user, revision=revision, key=key, **values)
        return self._service(service.pk)

    @extend_schema(
        summary="Aggiunge un servizio al catalogo di una bozza",
        request=s.ServiceWriteSerializer,
        responses={201: s.CartaServiceSerializer},
    )
    def create(self, request):
        data = s.ServiceWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not data.validated_data.get("revision"):
            raise InvalidInput(_("Indica la bozza."), field="revision")
        if not data.validated_data.get("key"):
            raise InvalidInput(_("Indica la chiave del servizio."), field="key")
        revision = selectors.get_revision_for(request.user, data.validated_data["revision"])
        require_signed_in(request)
        if revision.services.filter(key=data.validated_data["key"]).exists():
            raise InvalidInput(_("Esiste già un servizio con questa chiave."), field="key")
        service = self._save(request, revision, data.validated_data["key"], data.validated_data)
        return Response(s.CartaServiceSerializer(service).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Modifica la scheda di un servizio di una bozza (gli impegni inviati "
        "sostituiscono quelli esistenti)",
        request=s.ServiceWriteSerializer,
        responses=s.CartaServiceSerializer,
    )
    def partial_update(self, request, pk=None):
        service = self._service(pk)
        require_signed_in(request)
        data = s.ServiceWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        current = {
            name: getattr(service, name) for name in (*Service.TEXT_FIELDS, "area", "position")
        }
        saved = self._save(
            request, service.revision, service.key, {**current, **data.validated_data}
        )
        return Response(s.CartaServiceSerializer(saved).data)
