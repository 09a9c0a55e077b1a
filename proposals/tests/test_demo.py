"""The demo loader makes proposals in every state, and a second run changes nothing."""

import io

import pytest

from carta import demo as core_demo
from proposals import demo
from proposals.models import Proposal, ProposalComment, ProposalVersion
from proposals.states import ProposalState
from stakeholders import demo as stakeholders_demo


@pytest.mark.django_db
def test_demo_covers_every_state_and_is_idempotent():
    ctx = core_demo.DemoContext(stdout=io.StringIO())
    core_demo.load(ctx)
    stakeholders_demo.load(ctx)
    demo.load(ctx)
    counts = (Proposal.objects.count(), ProposalComment.objects.count())
    assert counts[0] >= 35
    assert set(Proposal.objects.values_list("state", flat=True)) == set(ProposalState.values)
    assert ProposalVersion.objects.filter(number=2).exists()
    assert Proposal.objects.filter(hidden_at__isnull=False).exists()
    assert ProposalComment.objects.filter(hidden_at__isnull=False).exists()
    demo.load(core_demo.DemoContext(stdout=io.StringIO()))
    assert (Proposal.objects.count(), ProposalComment.objects.count()) == counts
