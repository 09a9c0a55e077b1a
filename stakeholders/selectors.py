"""Reads of the stakeholders app, already filtered by who is asking.

Every list costs a fixed number of queries whatever the number of rows and permission
rows: visibility is one ``WHERE`` with ``Exists`` subqueries (``stakeholders.permissions``),
and related rows come by ``select_related`` / ``prefetch_related``. The ``get_*_for``
helpers fetch and authorize: ``NotFound`` for what the user may not see, ``NotAllowed``
for what the user sees but may not act on.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from carta.errors import InvalidInput, NotAllowed, NotFound
from carta.models import Municipality
from carta.permissions import is_staff_member
from carta.search import full_text
from stakeholders import pact
from stakeholders import permissions as perms
from stakeholders.models import (
    Invitation,
    Membership,
    Organization,
    OrganizationStatus,
    PactAcceptance,
    Resource,
)


def organization_from_input(value, *, field: str = "organization") -> Organization | None:
    """The organization a request names by its id, for the API and the forms of every app:
    None when the value is blank, ``InvalidInput`` (400, naming ``field``) when the id is
    malformed or unknown. Whether the caller may act for it is the service's question."""
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


# How many organizations a form's search field offers at once (``organizations_to_choose``).
CHOICES_SHOWN = 10


def organizations_to_choose(q: str, *, exclude=()) -> tuple[list[Organization], bool]:
    """The verified organizations a form may name (a partner to invite, a provider of a
    service) whose codice fiscale is ``q`` or whose name holds it: at most
    ``CHOICES_SHOWN`` in name order, and whether there are more. For the search field
    that stands in for a list of every organization of the network (thousands of
    options): one query through the trigram index on the name; none for fewer than two
    letters. A profile a moderator hid is not offered."""
    q = " ".join((q or "").split())[:200]
    if len(q) < 2:
        return [], False
    rows = list(
        Organization.objects.filter(status=OrganizationStatus.VERIFIED, hidden_at__isnull=True)
        .filter(Q(tax_code=q.upper()) | Q(legal_name__icontains=q))
        .exclude(pk__in=[int(pk) for pk in exclude if str(pk).isdigit()])
        .only("pk", "legal_name", "tax_code")
        .order_by("legal_name", "pk")[: CHOICES_SHOWN + 1]
    )
    return rows[:CHOICES_SHOWN], len(rows) > CHOICES_SHOWN


def organization_named(text: str, *, field: str = "organization", exclude=()) -> Organization:
    """The one verified organization ``text`` names, typed in a form's search field and
    sent without choosing a suggestion (no JavaScript, or the exact name typed in full):
    its codice fiscale, its whole name, or a part of the name only it has.
    ``InvalidInput`` naming ``field`` when none or several match; the form then offers
    the matches to choose from (``organizations_to_choose``)."""
    q = " ".join((text or "").split())
    if not q:
        raise InvalidInput(_("Indica l'organizzazione."), field=field)
    rows, more = organizations_to_choose(q, exclude=exclude)
    exact = [o for o in rows if o.tax_code == q.upper() or o.legal_name.casefold() == q.casefold()]
    if len(exact) == 1:
        return exact[0]
    if len(rows) == 1 and not more:
        return rows[0]
    if not rows:
        raise InvalidInput(
            _("Nessuna organizzazione verificata corrisponde a «%(text)s».") % {"text": q},
            field=field,
        )
    raise InvalidInput(
        _("Più organizzazioni corrispondono a «%(text)s»: scegli quella giusta.") % {"text": q},
        field=field,
    )


def _filter_area(queryset: QuerySet, area: str) -> QuerySet:
    if connection.vendor == "postgresql":
        return queryset.filter(areas__contains=[area])
    # SQLite has no JSON containment: the stored list is matched as text, quotes included,
    # which is exact because area values are fixed identifiers.
    return queryset.alias(areas_text=Cast("areas", TextField())).filter(
        areas_text__contains=f'"{area}"'
    )


def organization_list(
    user,
    *,
    q: str = "",
    kind: str = "",
    area: str = "",
    municipality: int | str | None = None,
    status: str = "",
) -> QuerySet[Organization]:
    """The directory: visible organizations narrowed by text (name, description), kind,
    status, area, municipality, with municipalities prefetched.

    Costs: the page rows, one prefetch of municipalities (plus the COUNT of a paginator).
    """
    queryset = full_text(
        perms.organizations_visible_to(user),
        q,
        ("legal_name", "description"),
        vector="search_vector",
    )
    if q.strip() and not is_staff_member(user):
        # A profile a moderator hid is found by its name only, never by its hidden text.
        queryset = queryset.exclude(
            Q(hidden_at__isnull=False) & ~Q(legal_name__icontains=q.strip())
        )
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    if area:
        queryset = _filter_area(queryset, area)
    if municipality:
        queryset = queryset.filter(municipalities__pk=municipality)
    return queryset.prefetch_related(
        Prefetch("municipalities", queryset=Municipality.objects.order_by("name"))
    )


def get_organization_for(user, pk, *, check=None) -> Organization:
    """The organization ``pk`` if the user may see it (else ``NotFound``); with ``check``,
    a predicate ``(user, organization) -> bool`` that must hold (else ``NotAllowed``)."""
    try:
        organization = perms.organizations_visible_to(user).get(pk=pk)
    except (Organization.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Organizzazione non trovata.")) from None
    if check is not None and not check(user, organization):
        raise NotAllowed()
    return organization


@dataclass(frozen=True)
class PactState:
    """An organization's pact against the Carta in force, for its representatives."""

    revision_in_force: int | None
    current: bool
    signed_number: int | None
    accepted_at: datetime.datetime | None
    renew_by: datetime.datetime | None
    lapsed: bool
    changes_url: str | None


def pact_state(organization: Organization) -> PactState:
    """The organization's pact, whether it is on the revision in force, and where to read
    what changed since the revision signed (through the Carta's providers: three queries;
    one when the pact is current)."""
    in_force = pact.revision_in_force_number()
    current = perms.pact_is_current(organization, in_force)
    signed = organization.pact_revision_number if organization.pact_accepted_at else None
    return PactState(
        revision_in_force=in_force,
        current=current,
        signed_number=signed,
        accepted_at=organization.pact_accepted_at,
        renew_by=organization.pact_renew_by,
        lapsed=perms.pact_lapsed(organization),
        changes_url=None if current else pact.changes_since_url(signed),
    )


def pact_acceptances(organization: Organization) -> QuerySet[PactAcceptance]:
    """The organization's acceptances of the pact, newest first, with who accepted."""
    return organization.pact_acceptances.select_related("accepted_by").order_by(
        "-accepted_at", "-id"
    )


def members_of(organization: Organization) -> QuerySet[Membership]:
    return organization.memberships.select_related("user").order_by("role", "user__username")


def pending_invitations(organization: Organization) -> QuerySet[Invitation]:
    return organization.invitations.filter(
        accepted_at__isnull=True, declined_at__isnull=True
    ).select_related("invited_by")


def get_pending_invitation(organization: Organization, pk) -> Invitation:
    """A pending invitation of ``organization`` (one query); ``NotFound`` otherwise."""
    try:
        return pending_invitations(organization).select_related("organization").get(pk=pk)
    except (Invitation.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Invito non trovato.")) from None


def invitation_for_token(token: str, *, lock: bool = False) -> Invitation:
    """The invitation of a token, whatever its state (one query; with ``lock`` its row is
    locked for the transaction); ``NotFound`` for an unknown token."""
    queryset = Invitation.objects.select_related("organization")
    if lock:
        queryset = queryset.select_for_update()
    invitation = queryset.filter(token_hash=Invitation.hash_token(token or "")).first()
    if invitation is None:
        raise NotFound(_("Invito non trovato. Controlla il collegamento ricevuto."))
    return invitation


def earlier_applications(organization: Organization) -> QuerySet[Organization]:
    """The other applications with the organization's tax code (rejected ones, or the one
    a rejected application was followed by), oldest first, with who decided (one query).
    For staff: a rejection stays in the history of the application that corrects it."""
    return (
        Organization.objects.filter(tax_code=organization.tax_code)
        .exclude(pk=organization.pk)
        .select_related("decided_by")
        .order_by("created_at", "id")
    )


def pending_applications() -> QuerySet[Organization]:
    return Organization.objects.filter(status=OrganizationStatus.PENDING).order_by("created_at")


# --- Resources ------------------------------------------------------------------------


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
    queryset = full_text(
        perms.resources_visible_to(user), q, ("title", "description"), vector="search_vector"
    )
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
    try:
        resource = perms.resources_visible_to(user).select_related("organization").get(pk=pk)
    except (Resource.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Risorsa non trovata.")) from None
    if for_write and not perms.can_write_for(user, resource.organization):
        raise NotAllowed()
    return resource
