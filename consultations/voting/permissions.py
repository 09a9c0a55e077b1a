"""Who may do what with consultations: the one place that answers it.

Managing consultations (create, edit before opening, close early) is the global
permission ``voting.manage_consultation``, which a data migration gives the Carta
editors' group (the Ufficio di Piano staff who run revisions and their consultations);
administrators hold every permission. Moderators and complaint officers do not run
votes. Voting rights depend on state and are computed, never stored:

* as a citizen: any signed-in, active person, when the electorate includes citizens;
* for an organization: a member holding ``stakeholders.vote_for_organization`` on a
  *verified* organization (representatives by default, or members they allowed),
  when the electorate includes organizations. Administrators vote for an organization
  only if they belong to it.

The table is docs/permissions-voting.md; ``consultations/voting/tests/test_permission_matrix.py``
checks it.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from carta.errors import NotAllowed
from carta.permissions import is_signed_in
from consultations.voting.models import Consultation, Electorate
from stakeholders import permissions as org_perms
from stakeholders.models import (
    Organization,
    OrganizationStatus,
    OrganizationUserObjectPermission,
)

MANAGE = "voting.manage_consultation"


def can_manage(user) -> bool:
    """Create, edit before opening and close early (Carta editors, administrators)."""
    return is_signed_in(user) and user.has_perm(MANAGE)


def consultations_visible_to(user) -> QuerySet[Consultation]:
    """Consultations the user may see: all of them, upcoming ones included, because the
    Ambito announces them (unevaluated; one query when evaluated)."""
    return Consultation.objects.all()


def can_view(user, consultation_id: int) -> bool:
    """Whether the user may see this consultation (``consultations_visible_to``; one
    query). False for one that does not exist."""
    return consultations_visible_to(user).filter(pk=consultation_id).exists()


def organizations_voting_for(user) -> QuerySet[Organization]:
    """Verified organizations in whose name the user may vote (one query when evaluated)."""
    return org_perms.organizations_user_can(user, org_perms.VOTE).filter(
        status=OrganizationStatus.VERIFIED
    )


def may_vote_as_citizen(user, consultation: Consultation) -> bool:
    return is_signed_in(user) and Electorate.CITIZENS in consultation.voter_kinds


def may_vote_for(user, consultation: Consultation, organization: Organization) -> bool:
    return (
        is_signed_in(user)
        and Electorate.ORGANIZATIONS in consultation.voter_kinds
        and organizations_voting_for(user).filter(pk=organization.pk).exists()
    )


def check_may_vote(user, consultation: Consultation, organization: Organization | None) -> str:
    """The electorate the ballot counts in; ``NotAllowed`` (403) when the user has no right."""
    if organization is None:
        if not may_vote_as_citizen(user, consultation):
            raise NotAllowed(_("Questa consultazione non è aperta al voto dei cittadini."))
        return Electorate.CITIZENS
    if Electorate.ORGANIZATIONS not in consultation.voter_kinds:
        raise NotAllowed(_("Questa consultazione non è aperta al voto delle organizzazioni."))
    if not may_vote_for(user, consultation, organization):
        raise NotAllowed(_("Non puoi votare a nome di questa organizzazione."))
    return Electorate.ORGANIZATIONS


def organization_voters():
    """People who may cast a verified organization's ballot (one query when evaluated)."""
    rows = OrganizationUserObjectPermission.objects.filter(
        permission__codename=org_perms.VOTE,
        content_object__status=OrganizationStatus.VERIFIED,
    )
    return get_user_model().objects.filter(pk__in=rows.values("user_id"), is_active=True)
