"""What proposals show in the personal area (``carta.personal_area``) and how a proposal
is followed (``carta.follows``): the proposals the person writes, those awaiting their
action, and the changes a follower is told of."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from carta import follows, personal_area
from carta.permissions import is_signed_in
from proposals import permissions as perms
from proposals.models import Partnership, PartnershipStatus, Proposal
from proposals.states import ProposalState
from stakeholders import permissions as org_perms


def _mine(user):
    """The proposals of the organizations the person writes for, and those they created,
    that they may still see (unevaluated)."""
    writes_for = org_perms.organizations_user_can_write_for(user).values("pk")
    return perms.proposals_visible_to(user).filter(
        Q(organization__in=writes_for) | Q(created_by=user)
    )


def proposals_section(user, limit: int | None) -> dict | None:
    """The latest proposals, with their state and organization (three queries: the
    person's organizations inside the rows' query, the rows, the count)."""
    if not is_signed_in(user):
        return None
    mine = _mine(user)
    total = mine.count()
    if not total:
        return None
    rows = mine.select_related("organization").order_by("-updated_at", "-id")
    return {"proposals": list(rows[:limit] if limit else rows), "total": total}


def awaiting(user) -> list[personal_area.Awaiting]:
    """Proposals sent back for changes or still drafts, for the organizations the person
    writes for; invitations to be partners, for those they represent (two queries); for
    moderators, how many submitted proposals wait (two more)."""
    if not is_signed_in(user):
        return []
    items = []
    writes_for = org_perms.organizations_user_can_write_for(user).values("pk")
    waiting = (
        Proposal.objects.filter(
            organization__in=writes_for,
            state__in=[ProposalState.CHANGES_REQUESTED, ProposalState.DRAFT],
        )
        .only("pk", "title", "state", "organization_id")
        .order_by("-updated_at", "-id")[:20]
    )
    for proposal in waiting:
        if proposal.state == ProposalState.CHANGES_REQUESTED:
            text = _("«%(title)s»: ti sono state chieste modifiche alla proposta.")
        else:
            text = _("«%(title)s» è ancora in bozza: presentala quando è pronta.")
        items.append(
            personal_area.Awaiting(
                text % {"title": proposal.title},
                proposal.get_absolute_url(),
                proposal.organization_id,
            )
        )
    represents = org_perms.organizations_user_can(user, org_perms.MANAGE_MEMBERS).values("pk")
    invited = Partnership.objects.filter(
        organization__in=represents, status=PartnershipStatus.INVITED
    ).select_related("proposal")[:20]
    for partnership in invited:
        items.append(
            personal_area.Awaiting(
                _(
                    "La tua organizzazione è invitata come partner della proposta "
                    "«%(title)s»: rispondi all'invito."
                )
                % {"title": partnership.proposal.title},
                partnership.proposal.get_absolute_url(),
                partnership.organization_id,
            )
        )
    if perms.is_moderator(user):
        submitted = Proposal.objects.filter(state=ProposalState.SUBMITTED).count()
        if submitted:
            items.append(
                personal_area.Awaiting(
                    ngettext(
                        "%(count)s proposta presentata da controllare.",
                        "%(count)s proposte presentate da controllare.",
                        submitted,
                    )
                    % {"count": submitted},
                    reverse("proposal_moderation"),
                )
            )
    return items


def _number(pk: int) -> str:
    return _("proposta n. %(number)s") % {"number": pk}


# Lazy: a follower's notification is written in that follower's language.
_lazy_number = lazy(_number, str)


def label(proposal: Proposal) -> str:
    """A hidden proposal is named by its number only, in the language of whoever reads
    it (lazy)."""
    if proposal.is_hidden:
        return _lazy_number(proposal.pk)
    return proposal.title


# The audit verbs a follower is told of, with a sentence that quotes nothing.
FOLLOWED_VERBS = {
    "proposal.submit": gettext_lazy("La proposta è stata presentata."),
    "proposal.resubmit": gettext_lazy("La proposta è stata ripresentata con le modifiche."),
    "proposal.publish": gettext_lazy("La proposta è stata pubblicata."),
    "proposal.start_evaluation": gettext_lazy("È iniziata la valutazione della proposta."),
    "proposal.request_changes": gettext_lazy("Sono state chieste modifiche alla proposta."),
    "proposal.accept": gettext_lazy("La proposta è stata accolta."),
    "proposal.reject": gettext_lazy("La proposta è stata respinta."),
    "proposal.withdraw": gettext_lazy("La proposta è stata ritirata."),
    "proposal.updated": gettext_lazy("La proposta è stata aggiornata."),
}


def register() -> None:
    personal_area.register_section(
        "proposals",
        title=gettext_lazy("Le mie proposte"),
        template="proposals/personal_area/proposals.html",
        build=proposals_section,
        order=20,
    )
    personal_area.register_awaiting("proposals", awaiting)
    follows.register(
        Proposal,
        kind="follow.proposal",
        visible_to=perms.proposals_visible_to,
        verbs=FOLLOWED_VERBS,
        label=label,
        noun=gettext_lazy("proposta"),
    )
