"""Proposals and their comments are flaggable through the core moderation service."""

from __future__ import annotations

from django.utils.translation import gettext

from carta import moderation


def _proposal_authors(proposal) -> list:
    from stakeholders.models import Membership, Role

    people = [
        m.user
        for m in Membership.objects.filter(
            organization_id=proposal.organization_id,
            role__in=[Role.REPRESENTATIVE, Role.EDITOR],
        ).select_related("user")
    ]
    if proposal.created_by is not None and proposal.created_by not in people:
        people.append(proposal.created_by)
    return people


def _comment_authors(comment) -> list:
    return [comment.author] if comment.author is not None else []


# The public log names what was hidden by number, never by its text: hiding must not
# republish it (nor the title of a proposal that may be hidden later).
def _proposal_label(proposal) -> str:
    return gettext("Proposta n. %(id)s") % {"id": proposal.pk}


def _comment_label(comment) -> str:
    return gettext("Commento n. %(id)s alla proposta n. %(proposal)s") % {
        "id": comment.pk,
        "proposal": comment.proposal_id,
    }


def register_models() -> None:
    from proposals import permissions
    from proposals.models import Proposal, ProposalComment

    moderation.register(
        Proposal,
        visible_to=permissions.proposals_visible_to,
        authors_of=_proposal_authors,
        url_of=lambda proposal: proposal.get_absolute_url(),
        label_of=_proposal_label,
    )
    moderation.register(
        ProposalComment,
        visible_to=permissions.comments_visible_to,
        authors_of=_comment_authors,
        url_of=lambda comment: comment.get_absolute_url(),
        label_of=_comment_label,
    )
