"""Hiding a proposal or a comment writes to the public moderation log a neutral label,
never the hidden text (nor the title of the proposal it belongs to)."""

import pytest

from carta import moderation
from proposals.states import ProposalState
from tests.factories import ProposalCommentFactory

S = ProposalState
pytestmark = pytest.mark.django_db

TITLE = "Sportello per Mario Rossi"
COMMENT = "Mario Rossi abita in via Roma 3"


def _public_log(api_as, client):
    api = api_as(None).get("/api/v1/moderation-log/").content.decode()
    page = client.get("/moderazione/registro/").content.decode()
    return api + page


def test_hiding_a_proposal_logs_no_title(api_as, client, moderator, make_proposal):
    proposal = make_proposal(S.PUBLISHED, title=TITLE)
    moderation.hide_content(actor=moderator, target=proposal, reason="Dati personali")
    log = _public_log(api_as, client)
    assert f"Proposta n. {proposal.pk}" in log and "Dati personali" in log
    assert "Mario Rossi" not in log


def test_hiding_a_comment_logs_neither_its_text_nor_the_proposal_title(
    api_as, client, moderator, citizen, make_proposal
):
    proposal = make_proposal(S.PUBLISHED, title=TITLE)
    comment = ProposalCommentFactory(proposal=proposal, author=citizen, body=COMMENT)
    moderation.hide_content(actor=moderator, target=comment, reason="Dati personali")
    moderation.hide_content(actor=moderator, target=proposal, reason="Dati personali")
    log = _public_log(api_as, client)
    assert f"Commento n. {comment.pk} alla proposta n. {proposal.pk}" in log
    assert "Mario Rossi" not in log and citizen.display_name not in log
