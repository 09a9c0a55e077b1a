"""API of the stakeholders app: organizations (with members), invitations, resources.

Views parse with an input serializer, fetch-and-authorize with a selector (404 for what
the caller may not see, 403 for what it may see but not do, 401 instead of 403 for a caller
not signed in, since signing in is what would help), call a service, and answer with an
output serializer. Errors take the common shape of ``carta.api.errors``.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from carta.errors import NotAllowed, NotFound
from carta.models import Area
from carta.permissions import is_signed_in
from stakeholders import permissions as perms
from stakeholders import selectors, services
from stakeholders import serializers as s
from stakeholders.models import OrganizationKind, OrganizationStatus, ResourceKind, Visibility

User = get_user_model()

COMMON_FILTERS = [
    OpenApiParameter("q", str, description=str(_("Testo da cercare nel nome e nella descrizione"))),
    OpenApiParameter("area", str, enum=Area.values),
    OpenApiParameter("municipality", int, description=str(_("Identificativo del comune"))),
]
ORGANIZATION_FILTERS = [
    *COMMON_FILTERS,
    OpenApiParameter("kind", str, enum=OrganizationKind.values),
    OpenApiParameter("status", str, enum=OrganizationStatus.values),
]
RESOURCE_FILTERS = [
    *COMMON_FILTERS,
    OpenApiParameter("kind", str, enum=ResourceKind.values),
    OpenApiParameter("visibility", str, enum=Visibility.values),
    OpenApiParameter("organization", int),
]


def _filters(request, names) -> dict:
    return {name: request.query_params.get(name, "") for name in names}


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@extend_schema_view(
    list=extend_schema(
        summary="Elenco delle organizzazioni",
        parameters=ORGANIZATION_FILTERS,
        responses=s.OrganizationSerializer(many=True),
    ),
    retrieve=extend_schema(summary="Un'organizzazione", responses=s.OrganizationSerializer),
)
class OrganizationViewSet(viewsets.GenericViewSet):
    """Organizations of the network: verified ones are public; pending, rejected and
    suspended ones are seen only by their members and by staff."""

    serializer_class = s.OrganizationSerializer
    filter_backends: list = []
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        filters = _filters(self.request, ("q", "kind", "area", "status"))
        filters["municipality"] = _int_or_none(self.request.query_params.get("municipality"))
        if filters["area"] and filters["area"] not in Area.values:
            filters["area"] = "__none__"
        return selectors.organization_list(self.request.user, **filters)

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            s.OrganizationSerializer(page, many=True, context={"request": request}).data
        )

    def retrieve(self, request, pk=None):
        organization = selectors.get_organization_for(request.user, pk)
        return Response(s.OrganizationSerializer(organization, context={"request": request}).data)

    @extend_schema(
        summary="Domanda di adesione",
        request=s.OrganizationApplySerializer,
        responses={201: s.OrganizationSerializer},
    )
    def create(self, request):
        if not perms.can_apply(request.user):
            raise NotAllowed(_("Accedi per presentare la domanda di adesione."))
        data = s.OrganizationApplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organization = services.apply_organization(actor=request.user, **data.validated_data)
        return Response(
            s.OrganizationSerializer(organization, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Modifica del profilo",
        request=s.OrganizationUpdateSerializer,
        responses=s.OrganizationSerializer,
    )
    def partial_update(self, request, pk=None):
        organization = selectors.get_organization_for(
            request.user, pk, check=perms.can_change_profile
        )
        data = s.OrganizationUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        organization = services.update_organization(
            actor=request.user, organization=organization, **data.validated_data
        )
        return Response(s.OrganizationSerializer(organization, context={"request": request}).data)

    def _decide(self, request, pk, name):
        organization = selectors.get_organization_for(
            request.user, pk, check=lambda user, _organization: perms.can_decide(user)
        )
        data = s.DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organization = services.DECISION_SERVICES[name](
            actor=request.user, organization=organization, reason=data.validated_data["reason"]
        )
        return Response(s.OrganizationSerializer(organization, context={"request": request}).data)

    @extend_schema(
        summary="Verifica (Ufficio di Piano)",
        description=(
            "Solo per un'organizzazione che ha accettato il patto sulla revisione della Carta "
            "in vigore: altrimenti 409 (codice pact_required). 409 anche se lo stato non "
            "permette la verifica."
        ),
        request=s.DecisionSerializer,
        responses=s.OrganizationSerializer,
    )
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        return self._decide(request, pk, "verify")

    @extend_schema(
        summary="Respinge la domanda, con motivazione (Ufficio di Piano)",
        request=s.DecisionSerializer,
        responses=s.OrganizationSerializer,
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, pk, "reject")

    @extend_schema(
        summary="Sospende, con motivazione (Ufficio di Piano)",
        request=s.DecisionSerializer,
        responses=s.OrganizationSerializer,
    )
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        return self._decide(request, pk, "suspend")

    @extend_schema(
        summary="Riammette un'organizzazione sospesa (Ufficio di Piano)",
        request=s.DecisionSerializer,
        responses=s.OrganizationSerializer,
    )
    @action(detail=True, methods=["post"])
    def reinstate(self, request, pk=None):
        return self._decide(request, pk, "reinstate")

    @extend_schema(
        summary="Accetta o rinnova il patto (chi rappresenta l'organizzazione)",
        description=(
            "Accetta il patto sulla revisione della Carta in vigore: la prima volta, per una "
            "domanda presentata senza, o per rinnovarlo quando è entrata in vigore una nuova "
            "revisione. Ogni accettazione è registrata (chi, quando, quale revisione). 400 se "
            "accept non è true (campo accept), 403 a chi non rappresenta l'organizzazione "
            "(401 senza accesso), 404 per un'organizzazione che non vedi, 409 se il patto è "
            "già sulla revisione in vigore (codice pact_current) o se quella indicata in "
            "revision_number non è più in vigore (codice revision_changed)."
        ),
        request=s.PactAcceptSerializer,
        responses=s.OrganizationSerializer,
    )
    @action(detail=True, methods=["post"])
    def pact(self, request, pk=None):
        organization = selectors.get_organization_for(request.user, pk, check=perms.can_accept_pact)
        data = s.PactAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {}
        if "revision_number" in data.validated_data:
            values["revision_number"] = data.validated_data["revision_number"]
        organization = services.accept_pact(actor=request.user, organization=organization, **values)
        return Response(s.OrganizationSerializer(organization, context={"request": request}).data)

    @extend_schema(summary="Lascia l'organizzazione", request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        organization = selectors.get_organization_for(request.user, pk, check=perms.is_member)
        services.leave_organization(actor=request.user, organization=organization)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberViewSet(viewsets.GenericViewSet):
    """Members of one organization, identified by their user id."""

    serializer_class = s.MembershipSerializer
    filter_backends: list = []
    lookup_field = "user_id"
    lookup_value_regex = r"\d+"

    def organization(self, check):
        return selectors.get_organization_for(
            self.request.user, self.kwargs["organization_pk"], check=check
        )

    def get_queryset(self):
        return selectors.members_of(self.organization(perms.can_view_members))

    @extend_schema(summary="Membri dell'organizzazione")
    def list(self, request, organization_pk=None):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.MembershipSerializer(page, many=True).data)

    @extend_schema(
        summary="Invita una persona registrata (username) o un indirizzo email (email)",
        description=(
            "Nessuno diventa membro senza accettare: la risposta 201 porta l'invito, che la "
            "persona accetta o rifiuta dal collegamento ricevuto (notifica o email)."
        ),
        request=s.MemberCreateSerializer,
        responses={201: s.MemberCreatedSerializer},
    )
    def create(self, request, organization_pk=None):
        organization = self.organization(perms.can_manage_members)
        data = s.MemberCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        invite = services.invite_user if values.get("username") else services.invite_member
        invitation, _token = invite(actor=request.user, organization=organization, **values)
        return Response(
            {"invitation": s.InvitationSerializer(invitation).data},
            status=status.HTTP_201_CREATED,
        )

    def _user(self, user_id):
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            raise NotFound(_("Questa persona non fa parte dell'organizzazione."))
        return user

    @extend_schema(
        summary="Cambia il ruolo di un membro",
        request=s.MemberUpdateSerializer,
        responses=s.MembershipSerializer,
    )
    def partial_update(self, request, organization_pk=None, user_id=None):
        organization = self.organization(perms.can_manage_members)
        data = s.MemberUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.change_role(
            actor=request.user,
            organization=organization,
            user=self._user(user_id),
            **data.validated_data,
        )
        return Response(s.MembershipSerializer(membership).data)

    @extend_schema(summary="Toglie un membro (o lascia, se è sé stessi)", responses={204: None})
    def destroy(self, request, organization_pk=None, user_id=None):
        organization = self.organization(None)
        user = self._user(user_id)
        if user.pk == request.user.pk:
            services.leave_organization(actor=request.user, organization=organization)
        else:
            if not perms.can_manage_members(request.user, organization):
                raise NotAllowed()
            services.remove_member(actor=request.user, organization=organization, user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationViewSet(viewsets.GenericViewSet):
    """An invitation, addressed by the token of its link."""

    serializer_class = s.InvitationSerializer
    filter_backends: list = []
    lookup_field = "token"
    lookup_value_regex = r"[A-Za-z0-9_\-]+"

    @extend_schema(summary="Un invito (dal collegamento ricevuto)")
    def retrieve(self, request, token=None):
        return Response(s.InvitationSerializer(selectors.invitation_for_token(token)).data)

    @extend_schema(summary="Accetta l'invito", request=None, responses=s.MembershipSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, token=None):
        membership = services.accept_invitation(actor=request.user, token=token)
        return Response(s.MembershipSerializer(membership).data)

    @extend_schema(summary="Rifiuta l'invito", request=None, responses=s.InvitationSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, token=None):
        invitation = services.decline_invitation(actor=request.user, token=token)
        return Response(s.InvitationSerializer(invitation).data)


class OrganizationInvitationViewSet(viewsets.GenericViewSet):
    """The pending invitations of one organization, by id, for those who manage its members."""

    serializer_class = s.InvitationSerializer
    filter_backends: list = []

    @extend_schema(summary="Revoca un invito non ancora usato", responses={204: None})
    def destroy(self, request, organization_pk=None, pk=None):
        organization = selectors.get_organization_for(
            request.user, organization_pk, check=perms.can_manage_members
        )
        invitation = selectors.get_pending_invitation(organization, pk)
        services.revoke_invitation(actor=request.user, invitation=invitation)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        summary="Catalogo delle risorse",
        parameters=RESOURCE_FILTERS,
        responses=s.ResourceSerializer(many=True),
    ),
    retrieve=extend_schema(summary="Una risorsa", responses=s.ResourceSerializer),
)
class ResourceViewSet(viewsets.GenericViewSet):
    """Resources of the network: public ones of verified organizations for everyone,
    network-only ones for members of verified organizations and staff."""

    serializer_class = s.ResourceSerializer
    filter_backends: list = []
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        filters = _filters(self.request, ("q", "kind", "area", "visibility"))
        filters["municipality"] = _int_or_none(self.request.query_params.get("municipality"))
        filters["organization"] = _int_or_none(self.request.query_params.get("organization"))
        if filters["area"] and filters["area"] not in Area.values:
            filters["area"] = "__none__"
        return selectors.resource_list(self.request.user, **filters)

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.ResourceSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(s.ResourceSerializer(selectors.get_resource_for(request.user, pk)).data)

    @extend_schema(
        summary="Registra una risorsa",
        request=s.ResourceWriteSerializer,
        responses={201: s.ResourceSerializer},
    )
    def create(self, request):
        if not is_signed_in(request.user):
            raise NotAllowed(_("Accedi per registrare una risorsa."))
        data = s.ResourceWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        organization = selectors.get_organization_for(
            request.user, values.pop("organization"), check=perms.can_write_for
        )
        resource = services.create_resource(actor=request.user, organization=organization, **values)
        return Response(s.ResourceSerializer(resource).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Modifica una risorsa",
        request=s.ResourceUpdateSerializer,
        responses=s.ResourceSerializer,
    )
    def partial_update(self, request, pk=None):
        resource = selectors.get_resource_for(request.user, pk, for_write=True)
        data = s.ResourceUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        resource = services.update_resource(
            actor=request.user, resource=resource, **data.validated_data
        )
        return Response(s.ResourceSerializer(resource).data)

    @extend_schema(summary="Elimina una risorsa", responses={204: None})
    def destroy(self, request, pk=None):
        resource = selectors.get_resource_for(request.user, pk, for_write=True)
        services.delete_resource(actor=request.user, resource=resource)
        return Response(status=status.HTTP_204_NO_CONTENT)


__all__ = [
    "InvitationViewSet",
    "MemberViewSet",
    "OrganizationInvitationViewSet",
    "OrganizationViewSet",
    "ResourceViewSet",
]
