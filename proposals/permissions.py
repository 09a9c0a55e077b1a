"""Who may do what with proposals: the one place that answers it.

Staff roles are global permissions given to groups by a data migration:
``proposals.moderate_proposal`` (moderators: check and publish submitted proposals) and
``proposals.evaluate_proposal`` (Carta editors: evaluate published ones). Rights in an
organization's name come from ``stakeholders.permissions``: who writes for it (authors),
who represents it (accepts invitations, endorses in its name), who comments in its name.
Rights that depend on the proposal's state are computed from ``proposals.states``.

The table of who may do what is ``docs/permissions-proposals.md``; the permission-matrix
test checks these predicates against it.
"""

from __future__ import annotations

from carta.permissions import is_administrator
from proposals.models import PartnershipStatus, Proposal
from proposals.states import EDITABLE_STATES, TRANSITIONS, Role
from stakeholders import permissions as org_perms
from stakeholders.models import Organization, OrganizationStatus

MODERATE = "proposals.moderate_proposal"
EVALUATE = "proposals.evaluate_proposal"


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_moderator(user) -> bool:
    """Check submitted proposals (one query for the user's permissions, then cached)."""
    return _authenticated(user) and user.has_perm(MODERATE)


def is_evaluator(user) -> bool:
    return _authenticated(user) and user.has_perm(EVALUATE)


def writable_organization_ids(user) -> set[int]:
    """Organizations the user writes for (representative or editor): one query."""
    if not _authenticated(user):
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


def is_author(user, proposal: Proposal) -> bool:
    """Writes for the lead organization or for an accepted partner (two queries)."""
    if is_administrator(user):
        return True
    return bool(writable_organization_ids(user) & author_organization_ids(proposal))


def is_lead_author(user, proposal: Proposal) -> bool:
    return org_perms.can_write_for(user, proposal.organization)


def roles_of(user, proposal: Proposal) -> frozenset[Role]:
    """The lifecycle roles the user holds on this proposal."""
    roles = set()
    if is_author(user, proposal):
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


def can_transition(user, proposal: Proposal, action: str) -> bool:
    """Whether the user may take ``action`` now, from the proposal's current state."""
    allowed = TRANSITIONS[action].sources.get(proposal.state)
    return bool(allowed and roles_of(user, proposal) & allowed)


def can_edit(user, proposal: Proposal) -> bool:
    """Authors, while the proposal is with them."""
    return proposal.state in EDITABLE_STATES and is_author(user, proposal)


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
    if not _authenticated(user):
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
    return _authenticated(user)
