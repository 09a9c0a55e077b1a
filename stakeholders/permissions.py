"""Who may do what with organizations and resources: the one place for guardian calls.

A person's role in an organization (``Membership.role``) is mirrored as guardian object
permissions on that organization, granted and revoked only here (``grant_role``,
``revoke_role``). Staff rights are global: deciding on applications is the permission
``stakeholders.decide_organization``, which a data migration gives the moderators group;
administrators (superusers) hold every permission. Rights that depend on state (the
organization is verified, suspended) are computed from the state, never stored.

The table of who may do what is ``docs/permissions-stakeholders.md``; the permission-matrix
test checks these predicates against it.
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from guardian.shortcuts import assign_perm, get_perms, remove_perm

from carta.dates import on_date
from carta.permissions import is_administrator, is_signed_in, is_staff_member
from stakeholders.models import (
    Membership,
    Organization,
    OrganizationGroupObjectPermission,
    OrganizationStatus,
    OrganizationUserObjectPermission,
    Resource,
    Role,
    Visibility,
)

APP = "stakeholders"

DECIDE = f"{APP}.decide_organization"
MANAGE_MEMBERS = "manage_members"
CHANGE_PROFILE = "change_profile"
VOTE = "vote_for_organization"
WRITE = "write_for_organization"
COMMENT = "comment_for_organization"
VIEW_INTERNAL = "view_internal"

OBJECT_PERMISSIONS = (MANAGE_MEMBERS, CHANGE_PROFILE, VOTE, WRITE, COMMENT, VIEW_INTERNAL)

# The role -> object permissions table, declared once. ``VOTE`` is also given to any
# member whose ``can_vote`` flag is set.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.REPRESENTATIVE: frozenset(OBJECT_PERMISSIONS),
    Role.EDITOR: frozenset({WRITE, COMMENT, VIEW_INTERNAL}),
    Role.MEMBER: frozenset({COMMENT, VIEW_INTERNAL}),
}

# While an organization is pending its members may prepare its profile and resources;
# once rejected or suspended nobody writes in its name.
ACTIVE_STATUSES = frozenset({OrganizationStatus.PENDING, OrganizationStatus.VERIFIED})


def _qualified(codename: str) -> str:
    return f"{APP}.{codename}"


def permissions_for(membership: Membership) -> frozenset[str]:
    perms = set(ROLE_PERMISSIONS[membership.role])
    if membership.can_vote:
        perms.add(VOTE)
    return frozenset(perms)


# --- Grants (called by services only) -------------------------------------------------


def grant_role(membership: Membership) -> None:
    """Make the member's object permissions on the organization match the membership."""
    wanted = permissions_for(membership)
    held = set(get_perms(membership.user, membership.organization)) & set(OBJECT_PERMISSIONS)
    for codename in wanted - held:
        assign_perm(_qualified(codename), membership.user, membership.organization)
    for codename in held - wanted:
        remove_perm(_qualified(codename), membership.user, membership.organization)


def revoke_role(user, organization: Organization) -> None:
    """Take away every object permission the user holds on the organization."""
    OrganizationUserObjectPermission.objects.filter(user=user, content_object=organization).delete()


# --- Predicates -----------------------------------------------------------------------


def has_org_perm(user, codename: str, organization: Organization) -> bool:
    """Object permission check (two queries at most; administrators pass with none)."""
    if not is_signed_in(user):
        return False
    return user.has_perm(_qualified(codename), organization)


def can_decide(user) -> bool:
    """Verify, reject, suspend or reinstate organizations (moderators, administrators)."""
    return is_signed_in(user) and user.has_perm(DECIDE)


def is_member(user, organization: Organization) -> bool:
    return _memberships_of(user).filter(organization=organization).exists()


def can_view_members(user, organization: Organization) -> bool:
    return is_staff_member(user) or has_org_perm(user, VIEW_INTERNAL, organization)


def can_change_profile(user, organization: Organization) -> bool:
    if is_administrator(user):
        return True
    return organization.status in ACTIVE_STATUSES and has_org_perm(
        user, CHANGE_PROFILE, organization
    )


def can_manage_members(user, organization: Organization) -> bool:
    if is_administrator(user):
        return True
    return organization.status in ACTIVE_STATUSES and has_org_perm(
        user, MANAGE_MEMBERS, organization
    )


def can_write_for(user, organization: Organization) -> bool:
    """Write resources (and later proposals) in the organization's name."""
    if is_administrator(user):
        return True
    return organization.status in ACTIVE_STATUSES and has_org_perm(user, WRITE, organization)


def can_comment_for(user, organization: Organization) -> bool:
    return organization.status == OrganizationStatus.VERIFIED and has_org_perm(
        user, COMMENT, organization
    )


def can_apply(user) -> bool:
    return is_signed_in(user)


def is_network_member(user) -> bool:
    """Member of at least one verified organization (sees network-only resources)."""
    return _memberships_of(user).filter(organization__status=OrganizationStatus.VERIFIED).exists()


def is_representative(user, organization: Organization) -> bool:
    """Holds the representative's role in the organization (one query)."""
    return (
        _memberships_of(user).filter(organization=organization, role=Role.REPRESENTATIVE).exists()
    )


# --- The pact -------------------------------------------------------------------------
# The pact binds the organization: only its representatives accept or renew it, not an
# administrator in its place. Whether it is on the revision in force is computed against
# ``stakeholders.pact`` (the Carta's provider); the renewal's deadline is stored when the
# renewal is asked (``services.request_pact_renewal``), so that a lapsed pact is a plain
# ``WHERE`` on the organization.


def can_accept_pact(user, organization: Organization) -> bool:
    """Accept or renew the organization's pact: its representatives (one query)."""
    return is_representative(user, organization)


def pact_is_current(organization: Organization, revision_in_force: int | None) -> bool:
    """Whether the organization accepted the pact on ``revision_in_force`` (the number the
    Carta's provider gives; None when no revision is in force, and then an accepted pact
    with no number is current). No query."""
    return (
        organization.pact_accepted_at is not None
        and organization.pact_revision_number == revision_in_force
    )


def pact_to_renew(organization: Organization) -> bool:
    """A renewal was asked and not yet answered (no query)."""
    return organization.pact_renew_by is not None


def pact_lapsed(organization: Organization, *, now: datetime.datetime | None = None) -> bool:
    """The renewal's deadline has passed unanswered (no query)."""
    deadline = organization.pact_renew_by
    return deadline is not None and deadline <= (now or timezone.now())


def pact_allows_voting(prefix: str = "", *, now: datetime.datetime | None = None) -> Q:
    """The ``WHERE`` of organizations whose pact does not bar their ballots: no renewal
    pending, or its deadline still ahead. ``prefix`` reaches the organization through a
    relation (``"content_object__"``)."""
    return Q(**{f"{prefix}pact_renew_by__isnull": True}) | Q(
        **{f"{prefix}pact_renew_by__gt": now or timezone.now()}
    )


def pact_vote_refusal(organization: Organization) -> str | None:
    """Why the organization casts no ballot because of its pact, or None (no query)."""
    if not pact_lapsed(organization):
        return None
    return gettext(
        "%(name)s non può votare: il patto non è stato rinnovato entro %(date)s. Chi la "
        "rappresenta può rinnovarlo dalla pagina dell'organizzazione."
    ) % {
        "name": organization.legal_name,
        "date": on_date(timezone.localtime(organization.pact_renew_by).date(), "il"),
    }


# --- Visibility: the WHERE of what a person may see -----------------------------------
# Single objects are fetched through these querysets (``selectors.get_organization_for``,
# ``get_resource_for``), so that a list and a detail never disagree.


def _memberships_of(user) -> QuerySet[Membership]:
    if not is_signed_in(user):
        return Membership.objects.none()
    return Membership.objects.filter(user=user)


def organizations_visible_to(user) -> QuerySet[Organization]:
    """Verified organizations for everyone; also one's own for members, all for staff.

    One query for the staff check (cached on the user), none for the queryset itself.
    """
    queryset = Organization.objects.all()
    if is_staff_member(user):
        return queryset
    visible = Q(status=OrganizationStatus.VERIFIED)
    if is_signed_in(user):
        visible |= Exists(_memberships_of(user).filter(organization=OuterRef("pk")))
    return queryset.filter(visible)


def resources_visible_to(user) -> QuerySet[Resource]:
    """Public resources of verified organizations for everyone; network-only ones also for
    members of any verified organization; every resource of one's own organizations; all
    for staff. A suspended organization's resources leave public view, and so do those a
    moderator hid (their organization's members and staff still see them).

    One query for the staff check (cached on the user), none for the queryset itself.
    """
    queryset = Resource.objects.all()
    if is_staff_member(user):
        return queryset
    verified = Q(organization__status=OrganizationStatus.VERIFIED, hidden_at__isnull=True)
    visible = verified & Q(visibility=Visibility.PUBLIC)
    if is_signed_in(user):
        in_network = Exists(
            _memberships_of(user).filter(organization__status=OrganizationStatus.VERIFIED)
        )
        own = Exists(_memberships_of(user).filter(organization=OuterRef("organization")))
        visible |= (verified & Q(visibility=Visibility.NETWORK) & in_network) | own
    return queryset.filter(visible)


def can_read_hidden_profile(user, organization: Organization) -> bool:
    """The text of a profile a moderator hid: staff and the organization's members, who
    may correct it (no query when the profile is not hidden; one or two otherwise)."""
    if not organization.is_hidden:
        return True
    return is_staff_member(user) or is_member(user, organization)


def hidden_profile_reader(user):
    """``can_read_hidden_profile`` for many organizations (a list): ``reader(organization)``
    reads the staff check and the person's organizations once, at the first hidden
    profile, so that a page costs the same whatever the number of hidden profiles on it."""
    member_of: set[int] | None = None

    def reader(organization: Organization) -> bool:
        nonlocal member_of
        if not organization.is_hidden or is_staff_member(user):
            return True
        if member_of is None:
            member_of = set(_memberships_of(user).values_list("organization_id", flat=True))
        return organization.pk in member_of

    return reader


# --- Lists ----------------------------------------------------------------------------


def organizations_user_can(user, codename: str) -> QuerySet[Organization]:
    """The organizations on which the user holds the object permission (one query).

    Administrators get only the organizations they belong to here: this answers "in whose
    name may I act", not "what may I administer".
    """
    if not is_signed_in(user):
        return Organization.objects.none()
    # guardian's get_objects_for_user asks "id IN (the person's) OR id IN (the groups')",
    # which PostgreSQL answers by reading every organization (38 ms at 100,000); the
    # UNION of the two id lists is read first instead (2 ms). Same tables, same rows.
    kind = ContentType.objects.get_for_model(Organization)
    held = OrganizationUserObjectPermission.objects.filter(
        user=user, permission__codename=codename, permission__content_type=kind
    ).values("content_object_id")
    through_groups = OrganizationGroupObjectPermission.objects.filter(
        group__user=user, permission__codename=codename, permission__content_type=kind
    ).values("content_object_id")
    return Organization.objects.filter(pk__in=held.union(through_groups))


def organizations_user_can_write_for(user) -> QuerySet[Organization]:
    return organizations_user_can(user, WRITE).filter(status__in=ACTIVE_STATUSES)
