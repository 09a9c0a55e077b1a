"""Reads of the stakeholders app, already filtered by who is asking.

Every list costs a fixed number of queries whatever the number of rows and permission
rows: visibility is one ``WHERE`` with ``Exists`` subqueries, and related rows come by
``select_related`` / ``prefetch_related``.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, TextField
from django.db.models.functions import Cast

from carta.errors import InvalidInput, NotAllowed, NotFound
from carta.models import Municipality
from carta.permissions import is_staff_member
from carta.search import full_text
from stakeholders import permissions as perms
from stakeholders.models import (
    Invitation,
    Membership,
    Organization,
    OrganizationStatus,
    Resource,
    Visibility,
)


def organization_from_input(value, *, field: str = "organization") -> Organization | None:
    """The organization a request names by its id, for the API and the forms of every app:
    None when the value is blank, ``InvalidInput`` (400, naming ``field``) when the id is
    malformed or unknown. Whether the caller may act for it is the service's question."""
    from django.utils.translation import gettext as _

    if value in (None, ""):
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        pk = None
    organization = Organization.objects.filter(pk=pk).first() if pk is not None else None
    if organization is None:
        raise InvalidInput(_("Organizzazione sconosciuta."), field=field)
    return organization


def _memberships_of(user) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user) if user.is_authenticated else Membership.objects.none()
    )


def organizations_visible_to(user) -> QuerySet[Organization]:
    """Verified organizations for everyone; also one's own for members, all for staff.

    One query for the staff check (cached on the user), none for the queryset itself.
    """
    queryset = Organization.objects.all()
    if is_staff_member(user):
        return queryset
    visible = Q(status=OrganizationStatus.VERIFIED)
    if getattr(user, "is_authenticated", False):
        visible |= Exists(_memberships_of(user).filter(organization=OuterRef("pk")))
    return queryset.filter(visible)


def _filter_area(queryset: QuerySet, area: str) -> QuerySet:
    if connection.vendor == "postgresql":
        return queryset.filter(areas__contains=[area])
    # SQLite has no JSON containment: the stored list is matched as text, quotes included,
    # which is exact because area values are fixed identifiers.
    return queryset.alias(areas_text=Cast("areas", TextField())).filter(
        areas_text__contains=f'"{area}"'
    )


def search_organizations(
    queryset: QuerySet[Organization],
    *,
    q: str = "",
    kind: str = "",
    area: str = "",
    municipality: int | str | None = None,
    status: str = "",
) -> QuerySet[Organization]:
    """Narrow a visible set by text (name, description), kind, area, municipality."""
    queryset = full_text(queryset, q, ("legal_name", "description"))
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    if area:
        queryset = _filter_area(queryset, area)
    if municipality:
        queryset = queryset.filter(municipalities__pk=municipality)
    return queryset


def organization_list(user, **filters) -> QuerySet[Organization]:
    """The directory: visible organizations with municipalities prefetched.

    Costs: the page rows, one prefetch of municipalities (plus the COUNT of a paginator).
    """
    return search_organizations(organizations_visible_to(user), **filters).prefetch_related(
        Prefetch("municipalities", queryset=Municipality.objects.order_by("name"))
    )


def get_organization_for(user, pk, *, check=None) -> Organization:
    """The organization ``pk`` if the user may see it (else ``NotFound``); with ``check``,
    a predicate ``(user, organization) -> bool`` that must hold (else ``NotAllowed``)."""
    try:
        organization = organizations_visible_to(user).get(pk=pk)
    except (Organization.DoesNotExist, ValueError, TypeError):
        raise NotFound(_not_found_organization()) from None
    if check is not None and not check(user, organization):
        raise NotAllowed()
    return organization


def _not_found_organization():
    from django.utils.translation import gettext_lazy as _

    return _("Organizzazione non trovata.")


def members_of(organization: Organization) -> QuerySet[Membership]:
    return organization.memberships.select_related("user").order_by("role", "user__username")


def pending_invitations(organization: Organization) -> QuerySet[Invitation]:
    return organization.invitations.filter(
        accepted_at__isnull=True, declined_at__isnull=True
    ).select_related("invited_by")


def memberships_of(user) -> QuerySet[Membership]:
    """The user's memberships with their organizations (one query)."""
    return _memberships_of(user).select_related("organization").order_by("organization__legal_name")


def pending_applications() -> QuerySet[Organization]:
    return Organization.objects.filter(status=OrganizationStatus.PENDING).order_by("created_at")


# --- Resources ------------------------------------------------------------------------


def resources_visible_to(user) -> QuerySet[Resource]:
    """Public resources of verified organizations for everyone; network-only ones also for
    members of any verified organization; every resource of one's own organizations; all
    for staff. A suspended organization's resources leave public view.

    One query for the staff check (cached on the user), none for the queryset itself.
    """
    queryset = Resource.objects.all()
    if is_staff_member(user):
        return queryset
    verified = Q(organization__status=OrganizationStatus.VERIFIED)
    visible = verified & Q(visibility=Visibility.PUBLIC)
    if getattr(user, "is_authenticated", False):
        in_network = Exists(
            _memberships_of(user).filter(organization__status=OrganizationStatus.VERIFIED)
        )
        own = Exists(_memberships_of(user).filter(organization=OuterRef("organization")))
        visible |= (verified & Q(visibility=Visibility.NETWORK) & in_network) | own
    return queryset.filter(visible)


def resource_list(
    user,
    *,
    q: str = "",
    kind: str = "",
    area: str = "",
    municipality: int | str | None = None,
    organization: int | str | None = None,
    visibility: str = "",
) -> QuerySet[Resource]:
    """The catalogue: rows with their organization joined and municipalities prefetched."""
    queryset = full_text(resources_visible_to(user), q, ("title", "description"))
    if kind:
        queryset = queryset.filter(kind=kind)
    if visibility:
        queryset = queryset.filter(visibility=visibility)
    if area:
        queryset = _filter_area(queryset, area)
    if municipality:
        queryset = queryset.filter(municipalities__pk=municipality)
    if organization:
        queryset = queryset.filter(organization_id=organization)
    return queryset.select_related("organization").prefetch_related(
        Prefetch("municipalities", queryset=Municipality.objects.order_by("name"))
    )


def get_resource_for(user, pk, *, for_write: bool = False) -> Resource:
    """The resource ``pk`` if visible (else ``NotFound``); with ``for_write`` the user must
    be allowed to write for its organization (else ``NotAllowed``)."""
    from django.utils.translation import gettext_lazy as _

    try:
        resource = resources_visible_to(user).select_related("organization").get(pk=pk)
    except (Resource.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Risorsa non trovata.")) from None
    if for_write and not perms.can_write_for(user, resource.organization):
        raise NotAllowed()
    return resource
