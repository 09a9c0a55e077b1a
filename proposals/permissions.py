"""Who may do what with proposals: the one place that answers it.

Staff roles are global permissions given to groups by a data migration:
``proposals.moderate_proposal`` (moderators: check and publish submitted proposals) and
``proposals.evaluate_proposal`` (Carta editors: evaluate published ones). Rights in an
organization's name come from ``stakeholders.permissions``: who writes for it (authors),
who represents it (accepts invitations, endorses in its name), who comments in its name.
Rights that depend on the proposal's state are computed from ``proposals.states``.

Visibility is one ``WHERE`` (``proposals_visible_to``):

* published, under evaluation, accepted, and rejected after publication: everyone;
* submitted: also staff of the Ambito;
* draft, withdrawn, changes requested, rejected before publication: only members of the
  lead organization and of accepted partners, plus the representatives of invited
  partners (they must read it to decide);
* hidden by moderation: only members of those organizations and moderators.

Administrators see everything. The check is ``Exists`` subqueries, so a list filtered by
it costs no query per row; ``can_view`` asks the same queryset about one proposal.

The table of who may do what is ``docs/permissions-proposals.md``; the permission-matrix
test checks these predicates against it.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from carta.permissions import is_administrator, is_signed_in, is_staff_member
from proposals.models import Partnership, PartnershipStatus, Proposal, ProposalComment
from proposals.states import EDITABLE_STATES, PUBLIC_STATES, TRANSITIONS, ProposalState, Role
from stakeholders import permissions as org_perms
from stakeholders.models import Membership, Organization, OrganizationStatus
from stakeholders.models import Role as OrganizationRole

MODERATE = "proposals.moderate_proposal"
EVALUATE = "proposals.evaluate_proposal"
S = ProposalState


def is_moderator(user) -> bool:
    """Check submitted proposals (one query for the user's permissions, then cached)."""
    return is_signed_in(user) and user.has_perm(MODERATE)


def is_evaluator(user) -> bool:
    return is_signed_in(user) and user.has_perm(EVALUATE)


# --- Visibility -----------------------------------------------------------------------


def _public() -> Q:
    return Q(state__in=PUBLIC_STATES) | Q(state=S.REJECTED, published_at__isnull=False)


def _insider(user) -> Q:
    """The user belongs to the lead organization or an accepted partner, or represents an
    invited partner."""
    memberships = Membership.objects.filter(user=user)
    lead = Exists(memberships.filter(organization=OuterRef("organization")))
    partner = Exists(
        Partnership.objects.filter(
            proposal=OuterRef("pk"),
            status=PartnershipStatus.ACCEPTED,
            organization__in=memberships.values("organization"),
        )
    )
    invited = Exists(
        Partnership.objects.filter(
            proposal=OuterRef("pk"),
            status=PartnershipStatus.INVITED,
            organization__in=memberships.filter(role=OrganizationRole.REPRESENTATIVE).values(
                "organization"
            ),
        )
    )
    return Q(lead) | Q(partner) | Q(invited)


def proposals_visible_to(user) -> QuerySet[Proposal]:
    """Every proposal ``user`` may see, hidden ones included for moderators and insiders.
    Costs the staff checks only (one query each at most, cached on the user)."""
    queryset = Proposal.objects.all()
    if is_administrator(user):
        return queryset
    not_hidden = Q(hidden_at__isnull=True)
    if not is_signed_in(user):
        return queryset.filter(_public() & not_hidden)
    seen_by_staff = _public() | Q(state=S.SUBMITTED)
    if is_moderator(user):
        visible = seen_by_staff
    elif is_staff_member(user):
        visible = seen_by_staff & not_hidden
    else:
        visible = _public() & not_hidden
    return queryset.filter(visible | _insider(user))


def can_view(user, proposal: Proposal) -> bool:
    """One query."""
    return proposals_visible_to(user).filter(pk=proposal.pk).exists()


def comments_visible_to(user) -> QuerySet[ProposalComment]:
    """Comments of the proposals ``user`` may see; hidden ones only for moderators and
    their author (the flagging service looks objects up here)."""
    queryset = ProposalComment.objects.filter(proposal__in=proposals_visible_to(user))
    if is_moderator(user):
        return queryset
    shown = Q(hidden_at__isnull=True)
    if is_signed_in(user):
        shown |= Q(author=user)
    return queryset.filter(shown)


def can_read_comment(user, comment: ProposalComment) -> bool:
    """Whether the text of ``comment`` (of a proposal ``user`` already sees) is shown to
    them: the rule of ``comments_visible_to`` for an object in memory, without a query."""
    if not comment.is_hidden or is_moderator(user):
        return True
    return is_signed_in(user) and comment.author_id == user.pk


def can_read_full_history(user, proposal: Proposal) -> bool:
    """Every version of the text, also those before publication (which may hold what a
    moderator sent back): members of the lead organization and of accepted partners, and
    staff. Everyone else reads the versions from publication onward. One query at most
    (none if the partnerships are prefetched and the staff check cached)."""
    if is_staff_member(user):
        return True
    return (
        is_signed_in(user)
        and Membership.objects.filter(
            user=user, organization_id__in=author_organization_ids(proposal)
        ).exists()
    )


def can_redact_version(user) -> bool:
    """Erase the text of a version, with a public reason: moderators."""
    return is_moderator(user)


# --- Roles ----------------------------------------------------------------------------


def writable_organization_ids(user) -> set[int]:
    """Organizations the user writes for (representative or editor): one query."""
    if not is_signed_in(user):
        return set()
    return set(org_perms.organizations_user_can_write_for(user).values_list("pk", flat=True))


def author_organization_ids(proposal: Proposal) -> set[int]:
    """The lead organization and the accepted partners (one query, none if prefetched)."""
    ids = {proposal.organization_id}
    ids.update(
        p.organization_id
        for p in proposal.partnerships.all()
        if p.status == PartnershipStatus.ACCEPTED
    )
    return ids


def is_author(user, proposal: Proposal, *, writable: set[int] | None = None) -> bool:
    """Writes for the lead organization or for an accepted partner (two queries; one
    when ``writable``, the user's ``writable_organization_ids``, is already known)."""
    if is_administrator(user):
        return True
    if writable is None:
        writable = writable_organization_ids(user)
    return bool(writable & author_organization_ids(proposal))


def is_lead_author(user, proposal: Proposal, *, writable: set[int] | None = None) -> bool:
    """Writes for the lead organization. ``writable``, the organizations the user writes
    for (``writable_organization_ids``) when the caller has read them already: no query."""
    if writable is not None:
        return is_administrator(user) or proposal.organization_id in writable
    return org_perms.can_write_for(user, proposal.organization)


def roles_of(user, proposal: Proposal, *, writable: set[int] | None = None) -> frozenset[Role]:
    """The lifecycle roles the user holds on this proposal (``writable``: as for
    ``is_author``)."""
    roles = set()
    if is_author(user, proposal, writable=writable):
        roles.add(Role.AUTHORS)
    if is_moderator(user):
        roles.add(Role.MODERATORS)
    if is_evaluator(user):
        roles.add(Role.EVALUATORS)
    return frozenset(roles)


def may_attempt(user, proposal: Proposal, action: str) -> bool:
    """Whether the user holds a role that takes ``action`` from some state. A user who
    may attempt it but not from the current state is told the state (409)."""
    return bool(roles_of(user, proposal) & TRANSITIONS[action].roles)


def can_transition(
    user, proposal: Proposal, action: str, *, roles: frozenset[Role] | None = None
) -> bool:
    """Whether the user may take ``action`` now, from the proposal's current state
    (``roles``: the user's ``roles_of`` this proposal, when already known)."""
    allowed = TRANSITIONS[action].sources.get(proposal.state)
    if not allowed:
        return False
    return bool((roles_of(user, proposal) if roles is None else roles) & allowed)


def can_edit(user, proposal: Proposal, *, roles: frozenset[Role] | None = None) -> bool:
    """Authors, while the proposal is with them (``roles``: as for ``can_transition``)."""
    if proposal.state not in EDITABLE_STATES:
        return False
    return Role.AUTHORS in roles if roles is not None else is_author(user, proposal)


def can_create_for(user, organization: Organization) -> bool:
    return org_perms.can_write_for(user, organization)


def can_represent(user, organization: Organization) -> bool:
    """Speaks for the organization: accepts invitations and endorses in its name."""
    if is_administrator(user):
        return True
    return organization.status == OrganizationStatus.VERIFIED and org_perms.has_org_perm(
        user, org_perms.MANAGE_MEMBERS, organization
    )


def represented_organization_ids(user) -> set[int]:
    """Verified organizations the user represents (one query)."""
    if not is_signed_in(user):
        return set()
    return set(
        org_perms.organizations_user_can(user, org_perms.MANAGE_MEMBERS)
        .filter(status=OrganizationStatus.VERIFIED)
        .values_list("pk", flat=True)
    )


def can_comment_as(user, organization: Organization) -> bool:
    return org_perms.can_comment_for(user, organization)


def can_request_partnership_for(user, organization: Organization) -> bool:
    return org_perms.can_write_for(user, organization)


def can_participate(user) -> bool:
    """Comment, endorse, flag: any signed-in person."""
    return is_signed_in(user)
