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


def _comment_label(comment) -> str:
    # The public log names the comment, never its text: hiding it must not republish it.
    return gettext("Commento n. %(id)s alla proposta «%(title)s»") % {
        "id": comment.pk,
        "title": comment.proposal.title,
    }


def register_models() -> None:
    from proposals import permissions
    from proposals.models import Proposal, ProposalComment

    moderation.register(
        Proposal,
        visible_to=permissions.proposals_visible_to,
        authors_of=_proposal_authors,
        url_of=lambda proposal: proposal.get_absolute_url(),
    )
    moderation.register(
        ProposalComment,
        visible_to=permissions.comments_visible_to,
        authors_of=_comment_authors,
        url_of=lambda comment: comment.get_absolute_url(),
        label_of=_comment_label,
    )
