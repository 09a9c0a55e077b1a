"""Who may do what with consultations: the one place that answers it.

Managing consultations (create, edit before opening, close early) is the global
permission ``voting.manage_consultation``, which a data migration gives the Carta
editors' group (the Ufficio di Piano staff who run revisions and their consultations);
administrators hold every permission. Moderators and complaint officers do not run
votes. Voting rights depend on state and are computed, never stored:

* as a citizen, when the electorate includes citizens: a signed-in, active person who may
  take part (``carta.permissions.check_may_take_part``: a verified email or a SPID/CIE
  identity); where the consultation requires SPID/CIE (``identity_required``), only with a
  linked identity, and where it has an eligibility list, only if the identity's fiscal
  code is on it;
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
from carta.identity import eligibility_hash, identity_of
from carta.permissions import check_may_take_part, is_signed_in
from consultations.voting.models import Consultation, Electorate, EligibleVoter, Secrecy
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


def can_put_revision_to_vote(user) -> bool:
    """Create a vote on a revision of the Carta in consultation, with questions prepared
    from it: whoever manages consultations (``voting.manage_consultation``: the Carta
    editors' group, which a data migration gives it, and administrators), since they are
    the ones who then edit the prepared questions in the consultation builder."""
    return can_manage(user)


def consultations_visible_to(user) -> QuerySet[Consultation]:
    """Consultations the user may see: all of them, upcoming ones included, because the
    Ambito announces them (unevaluated; one query when evaluated)."""
    return Consultation.objects.all()


def can_view(user, consultation_id: int) -> bool:
    """Whether the user may see this consultation (``consultations_visible_to``; one
    query). False for one that does not exist."""
    return consultations_visible_to(user).filter(pk=consultation_id).exists()


def organizations_voting_for(user) -> QuerySet[Organization]:
    """Verified organizations in whose name the user may vote, a lapsed pact excluded
    (``stakeholders.permissions.pact_allows_voting``; one query when evaluated)."""
    return org_perms.organizations_user_can(user, org_perms.VOTE).filter(
        org_perms.pact_allows_voting(), status=OrganizationStatus.VERIFIED
    )


def citizen_refusal(user, consultation: Consultation) -> NotAllowed | None:
    """Why ``user`` may not vote here as a citizen, or ``None`` if they may.

    The codes: ``permission_denied`` (no citizens' electorate, or a visitor: the API
    answers 401 to the latter), ``verification_required`` (neither a verified email nor an
    identity), ``identity_required`` (SPID/CIE required, none linked), ``not_eligible``
    (the identity's fiscal code is not on the eligibility list).
    Queries: one (``may_take_part``); for SPID/CIE one more (the identity, once per user
    object) and one more where an eligibility list applies.
    """
    if Electorate.CITIZENS not in consultation.voter_kinds:
        return NotAllowed(_("Questa consultazione non è aperta al voto dei cittadini."))
    try:
        check_may_take_part(user, sign_in_message=_("Accedi per votare."))
    except NotAllowed as refusal:
        return refusal
    if not consultation.requires_identity:
        return None
    identity = identity_of(user)
    if identity is None:
        return NotAllowed(
            _("Per votare in questa consultazione accedi con SPID o CIE."),
            code="identity_required",
        )
    if consultation.has_eligibility_list and not is_on_eligibility_list(
        consultation, identity.fiscal_code
    ):
        return NotAllowed(
            _(
                "Il tuo codice fiscale non risulta nell'elenco degli aventi diritto a questa "
                "consultazione."
            ),
            code="not_eligible",
        )
    return None


def is_on_eligibility_list(consultation: Consultation, fiscal_code: str) -> bool:
    """Whether the list holds this code's digest (one query)."""
    return EligibleVoter.objects.filter(
        consultation=consultation, key=eligibility_hash(fiscal_code)
    ).exists()


def may_vote_as_citizen(user, consultation: Consultation) -> bool:
    """The page's predicate: ``citizen_refusal`` is ``None`` (its queries)."""
    return citizen_refusal(user, consultation) is None


def may_vote_for(user, consultation: Consultation, organization: Organization) -> bool:
    return (
        is_signed_in(user)
        and Electorate.ORGANIZATIONS in consultation.voter_kinds
        and organizations_voting_for(user).filter(pk=organization.pk).exists()
    )


def check_may_vote(user, consultation: Consultation, organization: Organization | None) -> str:
    """The electorate the ballot counts in; ``NotAllowed`` (403) when the user has no right
    (as a citizen: the refusal of ``citizen_refusal``, with its code)."""
    if organization is None:
        refusal = citizen_refusal(user, consultation)
        if refusal is not None:
            raise refusal
        return Electorate.CITIZENS
    if Electorate.ORGANIZATIONS not in consultation.voter_kinds:
        raise NotAllowed(_("Questa consultazione non è aperta al voto delle organizzazioni."))
    if not may_vote_for(user, consultation, organization):
        refusal = org_perms.pact_vote_refusal(organization) if is_signed_in(user) else None
        raise NotAllowed(refusal or _("Non puoi votare a nome di questa organizzazione."))
    return Electorate.ORGANIZATIONS


def may_change_ballot(consultation: Consultation) -> bool:
    """Whether a ballot cast here may be changed until closing: the rule "modificabile
    fino alla chiusura", which holds for public ballots only (a secret ballot is not
    linked to its voter, so there is nothing to find and change). Asked by
    ``ballots.change_ballot`` and by the voting page alike. No query."""
    return consultation.changeable and consultation.secrecy != Secrecy.SECRET


def organization_voters():
    """People who may cast a verified organization's ballot, a lapsed pact excluded (one
    query when evaluated)."""
    rows = OrganizationUserObjectPermission.objects.filter(
        org_perms.pact_allows_voting("content_object__"),
        permission__codename=org_perms.VOTE,
        content_object__status=OrganizationStatus.VERIFIED,
    )
    return get_user_model().objects.filter(pk__in=rows.values("user_id"), is_active=True)
