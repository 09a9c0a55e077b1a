"""API of the voting app: ``consultations`` with ``ballots``, ``results``, ``receipts``,
``eligibility``.

Views parse with an input serializer, fetch and authorize with a selector (404 for what
does not exist, 403 for what the caller may see but not do), call a service, and answer
with an output serializer or a selector's result. Errors take the common shape.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from carta.api.parsers import SafeJSONParser
from carta.errors import InvalidInput, NotAllowed
from consultations.charter import selectors as charter_selectors
from consultations.voting import ballots, eligibility, results, selectors, services
from consultations.voting import permissions as perms
from consultations.voting import serializers as s
from consultations.voting.models import Status
from stakeholders.selectors import organization_from_input


@extend_schema_view(
    list=extend_schema(
        summary="Elenco delle consultazioni",
        parameters=[OpenApiParameter("status", str, enum=Status.values)],
        responses=s.ConsultationListSerializer(many=True),
    ),
    retrieve=extend_schema(summary="Una consultazione con le sue domande"),
    create=extend_schema(
        summary="Crea una consultazione (Ufficio di Piano)",
        request=s.ConsultationInputSerializer,
        responses={201: s.ConsultationSerializer},
    ),
    partial_update=extend_schema(
        summary="Modifica una consultazione prima dell'apertura",
        request=s.ConsultationPatchSerializer,
        responses=s.ConsultationSerializer,
    ),
)
class ConsultationViewSet(viewsets.GenericViewSet):
    serializer_class = s.ConsultationSerializer
    filter_backends: list = []
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self):
        # Reading is public; every write needs a signed-in caller (401 otherwise).
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return []
        return [IsAuthenticated()]

    def get_queryset(self):
        return selectors.consultations_visible_to(
            self.request.user, status=self.request.query_params.get("status", "")
        )

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.ConsultationListSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        consultation = selectors.get_consultation_for(request.user, pk)
        return Response(s.ConsultationSerializer(consultation).data)

    def create(self, request):
        data = s.ConsultationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consultation = services.create_consultation(actor=request.user, **data.validated_data)
        consultation = selectors.get_consultation_for(request.user, consultation.pk)
        return Response(s.ConsultationSerializer(consultation).data, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        consultation = selectors.get_consultation_for(request.user, pk, manage=True)
        data = s.ConsultationPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.update_consultation(
            actor=request.user, consultation=consultation, **data.validated_data
        )
        consultation = selectors.get_consultation_for(request.user, pk)
        return Response(s.ConsultationSerializer(consultation).data)

    @extend_schema(
        summary=(
            "Mette al voto una revisione della Carta in consultazione, con le domande "
            "preparate dalla revisione (poi modificabili fino all'apertura)"
        ),
        request=s.RevisionVoteInputSerializer,
        responses={201: s.ConsultationSerializer},
    )
    @action(detail=False, methods=["post"], url_path="on-revision")
    def on_revision(self, request):
        # Who first (403), then the body (400), then the revision (404 when hidden), then
        # its state (409).
        if not perms.can_put_revision_to_vote(request.user):
            raise NotAllowed(_("Solo la redazione della Carta può mettere al voto una revisione."))
        data = s.RevisionVoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        revision = charter_selectors.get_revision_for(request.user, values.pop("revision"))
        consultation = services.create_vote_on_revision(
            actor=request.user, revision=revision, **values
        )
        consultation = selectors.get_consultation_for(request.user, consultation.pk)
        return Response(s.ConsultationSerializer(consultation).data, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Chiude in anticipo una consultazione aperta, con un motivo",
        request=s.CloseSerializer,
        responses=s.ConsultationSerializer,
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        consultation = selectors.get_consultation_for(request.user, pk, manage=True)
        data = s.CloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.close_consultation_early(
            actor=request.user, consultation=consultation, reason=data.validated_data["reason"]
        )
        consultation = selectors.get_consultation_for(request.user, pk)
        return Response(s.ConsultationSerializer(consultation).data)


def _receipt_body(consultation, result, organization, clean_answers):
    return {
        "consultation": consultation.pk,
        "electorate": result.electorate,
        "organization": organization.pk if organization else None,
        "secret": consultation.is_secret,
        "receipt": result.receipt,
        "answers": None if consultation.is_secret else clean_answers,
    }


class BallotsView(APIView):
    """``/consultations/{id}/ballots/``: cast (POST), the bulletin (GET)."""

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsAuthenticated()]
        return []

    @extend_schema(
        summary="Vota",
        description="Un voto per persona (cittadini) o per organizzazione. 400 se una "
        "risposta non è valida (con la domanda indicata), 403 senza diritto di voto, 409 "
        "se la consultazione non è aperta (codice not_open) o se il voto è già stato dato "
        "(codice already_voted). Per il voto segreto la risposta contiene la ricevuta, "
        "mostrata una volta sola.",
        request=s.BallotInputSerializer,
        responses={201: s.BallotReceiptSerializer},
    )
    def post(self, request, pk):
        ballots.count_vote_attempt(request.user.pk)
        # Questions come from ``selectors.ballot_questions``: frozen once open, read once.
        consultation = selectors.get_consultation_for(request.user, pk, with_questions=False)
        data = s.BallotInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organization = organization_from_input(data.validated_data.get("organization"))
        result = ballots.cast_ballot(
            actor=request.user,
            consultation=consultation,
            answers=data.validated_data["answers"],
            organization=organization,
        )
        body = _receipt_body(consultation, result, organization, result.record.answers)
        return Response(body, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Il bollettino delle schede",
        description="Voto segreto: dopo la chiusura, ogni scheda con l'hash della sua "
        "ricevuta, in ordine di hash, concatenate da una catena di hash. Voto palese: le "
        "schede nominative, quando i risultati sono visibili. Prima: 409 (codice "
        "not_published).",
        responses=s.BulletinSerializer,
    )
    def get(self, request, pk):
        consultation = selectors.get_consultation_for(request.user, pk)
        return Response(results.bulletin(consultation))


class OwnBallotView(APIView):
    """``/consultations/{id}/ballots/mine/``: change a public ballot where allowed."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Modifica il proprio voto palese (se la consultazione lo consente)",
        request=s.BallotInputSerializer,
        responses=s.BallotReceiptSerializer,
    )
    def put(self, request, pk):
        ballots.count_vote_attempt(request.user.pk)
        consultation = selectors.get_consultation_for(request.user, pk)
        data = s.BallotInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organization = organization_from_input(data.validated_data.get("organization"))
        record = ballots.change_ballot(
            actor=request.user,
            consultation=consultation,
            answers=data.validated_data["answers"],
            organization=organization,
        )
        result = ballots.CastResult(record=record, electorate=record.electorate, receipt=None)
        return Response(_receipt_body(consultation, result, organization, record.answers))


class ResultsView(APIView):
    @extend_schema(
        summary="Risultati: affluenza, quorum e, se visibili, conteggi per domanda ed elettorato",
        responses=s.ResultsSerializer,
    )
    def get(self, request, pk):
        consultation = selectors.get_consultation_for(request.user, pk)
        return Response(results.consultation_results(consultation))


class ReceiptView(APIView):
    throttle_scope = "tracking"

    @extend_schema(
        summary="Verifica una ricevuta di voto segreto",
        responses=s.ReceiptCheckSerializer,
    )
    def get(self, request, pk, token):
        consultation = selectors.get_consultation_for(request.user, pk, with_questions=False)
        return Response(selectors.check_receipt(consultation, token))


class EligibilityView(APIView):
    """``/consultations/{id}/eligibility/``: the eligibility list's size (GET, public, as on
    the consultation's page), its replacement (POST) and removal (DELETE) by staff before
    opening. The codes are never answered: only their keyed digests are stored."""

    parser_classes = [SafeJSONParser, MultiPartParser, FormParser]

    def get_permissions(self):
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return []
        return [IsAuthenticated()]

    @extend_schema(
        summary="Quanti sono gli aventi diritto in elenco",
        responses=s.EligibilityCountSerializer,
    )
    def get(self, request, pk):
        consultation = selectors.get_consultation_for(request.user, pk, with_questions=False)
        return Response({"count": consultation.eligible_count})

    @extend_schema(
        summary="Sostituisce l'elenco degli aventi diritto (Ufficio di Piano, prima dell'apertura)",
        description="Un file CSV (multipart/form-data, campo file: un codice fiscale per "
        "riga nella prima colonna, intestazione facoltativa codice_fiscale, separatore ; "
        'o ,) oppure JSON {"fiscal_codes": [...]}. Al massimo 200.000 codici e 5 MB. Solo per le '
        "consultazioni con SPID o CIE (altrimenti 400 su identity_required) e prima "
        "dell'apertura (altrimenti 409, codice rules_frozen). Un codice non valido: 400 con "
        "le righe indicate (le prime 20), e nulla viene salvato. Si conservano solo hash "
        "con chiave dei codici.",
        # The schema's request bodies are JSON, but the Carta's import
        # (tests/test_api_schema.py): the CSV upload is described above and in docs/api.md.
        request=s.EligibilityListSerializer,
        responses=s.EligibilityCountSerializer,
    )
    def post(self, request, pk):
        consultation = selectors.get_consultation_for(
            request.user, pk, manage=True, with_questions=False
        )
        if "file" in request.FILES:
            data = s.EligibilityFileSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            upload = data.validated_data["file"]
            refusal = eligibility.too_large(upload.size)
            if refusal is not None:
                raise refusal
            entries = eligibility.entries_from_csv(upload.read())
            field = "file"
        elif isinstance(request.data, dict) and "fiscal_codes" in request.data:
            data = s.EligibilityListSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            entries = eligibility.entries_from_list(data.validated_data["fiscal_codes"])
            field = "fiscal_codes"
        else:
            raise InvalidInput(
                _("Invia un file CSV (campo file) o un elenco di codici fiscali (fiscal_codes)."),
                field="file",
            )
        count = services.replace_eligibility_list(
            actor=request.user, consultation=consultation, entries=entries, field=field
        )
        return Response({"count": count})

    @extend_schema(
        summary="Elimina l'elenco degli aventi diritto (Ufficio di Piano, prima dell'apertura)",
        responses={204: None},
    )
    def delete(self, request, pk):
        consultation = selectors.get_consultation_for(
            request.user, pk, manage=True, with_questions=False
        )
        services.clear_eligibility_list(actor=request.user, consultation=consultation)
        return Response(status=status.HTTP_204_NO_CONTENT)
