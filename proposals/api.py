"""API of the proposals app: ``/api/v1/proposals/`` with the lifecycle transitions as
actions and nested comments, endorsements, versions and partners.

Views parse with an input serializer, fetch-and-authorize with
``selectors.get_proposal_for`` (404 for what the caller may not see, 403 for what it may
see but not do), call a service, and answer with an output serializer. Errors take the
common shape of ``carta.api.errors``. An anonymous caller refused an action on what it may
see is answered 401: signing in is what would help.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from carta.api.errors import require_signed_in
from carta.errors import InvalidInput, NotFound
from carta.models import Area
from proposals import diff, selectors, services
from proposals import permissions as perms
from proposals import serializers as s
from proposals.models import TEXT_FIELDS, Partnership, Proposal, ProposalComment, ProposalTransition
from proposals.states import ProposalState
from stakeholders.selectors import organization_from_input

LIST_FILTERS = [
    OpenApiParameter("q", str, description=str(_("Testo da cercare in titolo, sintesi e testo"))),
    OpenApiParameter("state", str, enum=ProposalState.values),
    OpenApiParameter("area", str, enum=Area.values),
    OpenApiParameter(
        "organization", int, description=str(_("Organizzazione proponente o partner"))
    ),
]


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _transition_schema(summary: str):
    return extend_schema(
        summary=summary, request=s.ProposalReasonSerializer, responses=s.ProposalSerializer
    )


@extend_schema_view(
    list=extend_schema(
        summary="Elenco delle proposte visibili a chi chiede",
        parameters=LIST_FILTERS,
        responses=s.ProposalListSerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="Una proposta, con partner e storia", responses=s.ProposalSerializer
    ),
)
class ProposalViewSet(viewsets.GenericViewSet):
    """Project proposals. Drafts are seen by their organizations only, submitted ones
    also by staff, published ones by everyone; what one may not see answers 404."""

    serializer_class = s.ProposalSerializer
    filter_backends: list = []
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        params = self.request.query_params
        state = params.get("state", "")
        area = params.get("area", "")
        return selectors.proposal_list(
            self.request.user,
            q=params.get("q", ""),
            state=state if state in ProposalState.values else ("__none__" if state else ""),
            area=area if area in Area.values else ("__none__" if area else ""),
            organization=_int_or_none(params.get("organization")),
        )

    def _proposal(self, pk, perm=None):
        return selectors.get_proposal_for(self.request.user, pk, perm=perm)

    def _detail(self, proposal, code=status.HTTP_200_OK):
        # The proposal already passed ``get_proposal_for``; after a transition the actor
        # may no longer see it (changes requested by a moderator) but is told its state.
        proposal = (
            Proposal.objects.select_related("organization")
            .prefetch_related(
                Prefetch(
                    "partnerships", queryset=Partnership.objects.select_related("organization")
                ),
                Prefetch("resources", queryset=selectors.resources_shown_to(self.request.user)),
                Prefetch(
                    "transitions", queryset=ProposalTransition.objects.select_related("actor")
                ),
            )
            .get(pk=proposal.pk)
        )
        data = s.ProposalSerializer(proposal, context={"user": self.request.user}).data
        return Response(data, status=code)

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.ProposalListSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return self._detail(self._proposal(pk))

    @extend_schema(
        summary="Nuova proposta (bozza) a nome di un'organizzazione",
        request=s.ProposalCreateSerializer,
        responses={201: s.ProposalSerializer},
    )
    def create(self, request):
        require_signed_in(request)
        data = s.ProposalCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        organization = organization_from_input(values.pop("organization"))
        proposal = services.create_proposal(actor=request.user, organization=organization, **values)
        return self._detail(proposal, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Modifica (solo in bozza o quando sono chieste modifiche)",
        request=s.ProposalWriteSerializer,
        responses=s.ProposalSerializer,
    )
    def partial_update(self, request, pk=None):
        proposal = self._proposal(pk, perm=perms.is_author)
        data = s.ProposalWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        proposal = services.update_proposal(
            actor=request.user, proposal=proposal, **data.validated_data
        )
        return self._detail(proposal)

    def _transition(self, request, pk, name):
        proposal = self._proposal(pk)
        data = s.ProposalReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = services.transition_proposal(
            actor=request.user,
            proposal=proposal,
            action=name,
            reason=data.validated_data.get("reason", ""),
        )
        return self._detail(proposal)

    @_transition_schema("Presenta la proposta (autori)")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition(request, pk, "submit")

    @_transition_schema("Ripresenta dopo le modifiche richieste (autori)")
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        return self._transition(request, pk, "resubmit")

    @_transition_schema("Pubblica dopo la verifica (moderatori)")
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._transition(request, pk, "publish")

    @_transition_schema("Avvia la valutazione (valutatori)")
    @action(detail=True, methods=["post"], url_path="start-evaluation")
    def start_evaluation(self, request, pk=None):
        return self._transition(request, pk, "start_evaluation")

    @_transition_schema("Chiede modifiche, con motivazione (moderatori o valutatori)")
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request, pk=None):
        return self._transition(request, pk, "request_changes")

    @_transition_schema("Accoglie (valutatori)")
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._transition(request, pk, "accept")

    @_transition_schema("Respinge, con motivazione (moderatori o valutatori)")
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._transition(request, pk, "reject")

    @_transition_schema("Ritira la proposta prima della decisione (autori)")
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._transition(request, pk, "withdraw")

    # --- Comments ---------------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        summary="Commenti (un commento nascosto mostra la motivazione, non il testo)",
        responses=s.CommentSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Commenta a titolo personale o a nome di un'organizzazione",
        request=s.CommentCreateSerializer,
        responses={201: s.CommentSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def comments(self, request, pk=None):
        proposal = self._proposal(pk)
        context = {"user": request.user}
        if request.method == "GET":
            page = self.paginate_queryset(selectors.comments_of(proposal))
            return self.get_paginated_response(
                s.CommentSerializer(page, many=True, context=context).data
            )
        data = s.CommentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        parent = None
        if values.get("parent"):
            parent = ProposalComment.objects.filter(proposal=proposal, pk=values["parent"]).first()
            if parent is None:
                raise InvalidInput(_("Commento di riferimento sconosciuto."), field="parent")
        organization = (
            organization_from_input(values["organization"]) if values.get("organization") else None
        )
        comment = services.add_comment(
            actor=request.user,
            proposal=proposal,
            body=values["body"],
            parent=parent,
            organization=organization,
        )
        return Response(
            s.CommentSerializer(comment, context=context).data, status=status.HTTP_201_CREATED
        )

    # --- Endorsements -----------------------------------------------------------------

    @extend_schema(
        methods=["GET"], summary="Sostegni", responses=s.EndorsementSerializer(many=True)
    )
    @extend_schema(
        methods=["POST"],
        summary="Sostiene la proposta (una volta per persona o per organizzazione)",
        request=s.EndorseSerializer,
        responses={201: s.EndorsementSerializer},
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Ritira il proprio sostegno (o quello dell'organizzazione indicata)",
        parameters=[OpenApiParameter("organization", int)],
        request=None,
        responses={204: None},
    )
    @action(detail=True, methods=["get", "post", "delete"])
    def endorsements(self, request, pk=None):
        proposal = self._proposal(pk)
        if request.method == "GET":
            page = self.paginate_queryset(selectors.endorsements_of(proposal))
            return self.get_paginated_response(s.EndorsementSerializer(page, many=True).data)
        if request.method == "DELETE":
            org_id = request.query_params.get("organization")
            services.withdraw_endorsement(
                actor=request.user,
                proposal=proposal,
                organization=organization_from_input(org_id),
            )
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = s.EndorseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        org_id = data.validated_data.get("organization")
        endorsement = services.endorse_proposal(
            actor=request.user,
            proposal=proposal,
            organization=organization_from_input(org_id),
        )
        return Response(s.EndorsementSerializer(endorsement).data, status=status.HTTP_201_CREATED)

    # --- Versions ---------------------------------------------------------------------

    @extend_schema(
        summary="Versioni del testo dopo la prima presentazione",
        responses=s.VersionSerializer(many=True),
    )
    @action(
        detail=True, methods=["get"], serializer_class=s.VersionSerializer, pagination_class=None
    )
    def versions(self, request, pk=None):
        proposal = self._proposal(pk)
        versions = selectors.versions_of(request.user, proposal)
        return Response(s.VersionSerializer(versions, many=True).data)

    @extend_schema(
        summary="Una versione; con ?against=<numero> il confronto parola per parola",
        operation_id="v1_proposals_version_retrieve",
        parameters=[OpenApiParameter("against", int)],
        responses=s.VersionDiffSerializer,
    )
    @action(detail=True, methods=["get"], url_path=r"versions/(?P<number>\d+)")
    def version(self, request, pk=None, number=None):
        proposal = self._proposal(pk)
        version = selectors.get_version(request.user, proposal, number)
        against = request.query_params.get("against")
        payload = {"version": s.VersionSerializer(version).data, "against": None, "diff": None}
        if against:
            try:
                old = selectors.get_version(request.user, proposal, against)
            except NotFound:
                raise InvalidInput(
                    _("Versione di confronto sconosciuta."), field="against"
                ) from None
            payload["against"] = old.number
            payload["diff"] = diff.diff_texts(
                {f: getattr(old, f) for f in TEXT_FIELDS},
                {f: getattr(version, f) for f in TEXT_FIELDS},
                TEXT_FIELDS,
            )
        return Response(payload)

    @extend_schema(
        summary="Oscura il testo di una versione, con motivazione pubblica (moderatori)",
        operation_id="v1_proposals_version_redact",
        request=s.ProposalReasonSerializer,
        responses=s.VersionSerializer,
    )
    @action(detail=True, methods=["post"], url_path=r"versions/(?P<number>\d+)/redact")
    def redact_version(self, request, pk=None, number=None):
        proposal = self._proposal(pk)
        version = selectors.get_version(request.user, proposal, number)
        data = s.ProposalReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.redact_version(
            actor=request.user, version=version, reason=data.validated_data.get("reason", "")
        )
        return Response(s.VersionSerializer(version).data)

    # --- Partners ---------------------------------------------------------------------

    @extend_schema(methods=["GET"], summary="Partner", responses=s.PartnershipSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        summary="Invita un partner (proponente) o chiede di aderire (altra organizzazione)",
        request=s.PartnerCreateSerializer,
        responses={201: s.PartnershipSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def partners(self, request, pk=None):
        proposal = self._proposal(pk)
        if request.method == "GET":
            return Response(
                s.PartnershipSerializer(selectors.partnerships_of(proposal), many=True).data
            )
        data = s.PartnerCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organization = organization_from_input(data.validated_data["organization"])
        service = (
            services.invite_partner
            if data.validated_data["kind"] == "invite"
            else services.request_partnership
        )
        partnership = service(actor=request.user, proposal=proposal, organization=organization)
        return Response(s.PartnershipSerializer(partnership).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Accetta o rifiuta un invito (rappresentante del partner) o una richiesta "
        "di adesione (proponente)",
        request=None,
        responses=s.PartnershipSerializer,
        operation_id="v1_proposals_partner_decide",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"partners/(?P<organization_id>\d+)/(?P<decision>accept|decline)",
    )
    def decide_partner(self, request, pk=None, organization_id=None, decision=None):
        proposal = self._proposal(pk)
        partnership = Partnership.objects.filter(
            proposal=proposal, organization_id=organization_id
        ).first()
        if partnership is None:
            raise NotFound(_("Partner non trovato."))
        partnership = services.decide_partnership(
            actor=request.user, partnership=partnership, accept=decision == "accept"
        )
        return Response(s.PartnershipSerializer(partnership).data)
