"""Moderators hide (and restore) a proposal's comment from the proposal's page, with a
public reason, whether or not anyone flagged it (``carta.moderation.hide_content``)."""

import pytest
from django.urls import reverse

from carta.models import Flag, ModerationEntry, Notification
from proposals.states import ProposalState
from tests.factories import ProposalCommentFactory

pytestmark = pytest.mark.django_db


def _post(client, action, comment, reason):
    return client.post(
        reverse("moderation_action", args=[action]),
        {
            "target_type": "proposals.proposalcomment",
            "target_id": comment.pk,
            "reason": reason,
            "next": comment.proposal.get_absolute_url(),
        },
    )


def test_moderator_hides_an_unflagged_comment_from_the_page(
    client_as, moderator, citizen, make_proposal
):
    proposal = make_proposal(ProposalState.PUBLISHED)
    comment = ProposalCommentFactory(proposal=proposal, author=citizen, body="Offese a un vicino")
    assert not Flag.objects.exists()
    page = client_as(moderator).get(proposal.get_absolute_url()).content.decode()
    assert f'id="modera-{comment.pk}"' in page and "Nascondi (moderazione)" in page
    # Citizens see no such button.
    assert (
        f'id="modera-{comment.pk}"'
        not in client_as(citizen).get(proposal.get_absolute_url()).content.decode()
    )

    response = _post(client_as(moderator), "nascondi", comment, "Linguaggio offensivo")
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_by == moderator
    assert comment.hidden_reason == "Linguaggio offensivo"
    entry = ModerationEntry.objects.get()
    assert (entry.action, entry.reason) == ("hidden", "Linguaggio offensivo")
    assert Notification.objects.filter(recipient=citizen, kind="moderation.hidden").exists()
    public = client_as(None).get(proposal.get_absolute_url()).content.decode()
    assert "Offese a un vicino" not in public and "Linguaggio offensivo" in public

    # The same place offers to restore it.
    page = client_as(moderator).get(proposal.get_absolute_url()).content.decode()
    assert "Ripristina" in page
    _post(client_as(moderator), "ripristina", comment, "Frainteso: era una citazione")
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert "Offese a un vicino" in client_as(None).get(proposal.get_absolute_url()).content.decode()


def test_a_citizen_cannot_hide_a_comment(client_as, citizen, make_proposal):
    comment = ProposalCommentFactory(proposal=make_proposal(ProposalState.PUBLISHED))
    _post(client_as(citizen), "nascondi", comment, "Non mi piace")
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert not ModerationEntry.objects.exists()
