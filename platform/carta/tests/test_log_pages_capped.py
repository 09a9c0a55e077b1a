"""The audit log and the public moderation log grow with every action: their pages count
at most ``COUNT_LIMIT`` rows, say "di oltre N" past it, and cost the same queries."""

import re

import pytest

from carta import pages
from carta.services import record_audit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_audit_log_says_more_than_past_the_limit_in_the_same_queries(
    client_as, admin, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(pages, "COUNT_LIMIT", 60)
    actor = UserFactory()
    for n in range(30):
        record_audit(actor=actor, verb="test.short", changes={"n": n})
    client = client_as(admin)
    short = text_of(client.get("/registro/"))
    assert re.search(r"Voci da 1 a \d+ di \d+, dalla più recente", short)
    with django_assert_max_num_queries(20) as first:
        client.get("/registro/")
    short_cost = len(first.captured_queries)
    for n in range(200):
        record_audit(actor=actor, verb="test.long", changes={"n": n})
    long = text_of(client.get("/registro/"))
    # Two pages of 50 past the first are counted at most: 150 rows, "more than" that.
    assert "Voci da 1 a 50 di oltre 150, dalla più recente" in long
    with django_assert_max_num_queries(short_cost):
        client.get("/registro/")


def test_the_moderation_log_says_more_than_past_the_limit(client, moderator, monkeypatch):
    from carta import moderation
    from proposals.states import ProposalState
    from tests.factories import ProposalCommentFactory, ProposalFactory

    monkeypatch.setattr(pages, "COUNT_LIMIT", 5)
    proposal = ProposalFactory(state=ProposalState.PUBLISHED)
    for n in range(7):
        comment = ProposalCommentFactory(proposal=proposal, body=f"Commento {n}")
        moderation.hide_content(actor=moderator, target=comment, reason="Fuori tema.")
    page = text_of(client.get("/moderazione/registro/"))
    assert "Decisioni da 1 a 7 di 7, dalla più recente" in page
