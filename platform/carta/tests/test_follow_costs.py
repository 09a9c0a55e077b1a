"""What telling followers costs (``carta.follows.tell_followers``): a fixed number of
queries for an object the public may see, whatever the number of followers; one more per
follower only for an object the public may not see (each follower's rights decide)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carta.follows import follow, tell_followers
from carta.models import Notification
from consultations.charter.models import RevisionStatus
from proposals.models import Proposal
from proposals.states import ProposalState
from tests.factories import ProposalFactory, RevisionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _queries_to_tell(key, pk, verb):
    with CaptureQueriesContext(connection) as queries:
        told = tell_followers(key, pk, verb)
    return told, len(queries)


def test_telling_the_followers_of_a_public_proposal_costs_the_same_for_2_or_8(org_a):
    proposal = ProposalFactory(organization=org_a, state=ProposalState.PUBLISHED)
    people = [UserFactory() for _ in range(8)]
    for person in people[:2]:
        follow(actor=person, target=proposal)
    told_2, cost_2 = _queries_to_tell("proposals.proposal", proposal.pk, "proposal.updated")
    for person in people[2:]:
        follow(actor=person, target=proposal)
    told_8, cost_8 = _queries_to_tell("proposals.proposal", proposal.pk, "proposal.updated")
    assert (told_2, told_8) == (2, 8)
    assert cost_8 == cost_2, (cost_2, cost_8)
    assert Notification.objects.filter(kind="follow.proposal").count() == 10


def test_a_hidden_proposal_is_told_only_to_who_may_still_see_it(org_a, rep_a, moderator):
    proposal = ProposalFactory(organization=org_a, state=ProposalState.PUBLISHED)
    citizen = UserFactory()
    for person in (rep_a, moderator, citizen):
        follow(actor=person, target=proposal)
    Proposal.objects.filter(pk=proposal.pk).update(hidden_at="2026-10-08T10:00:00Z")
    assert tell_followers("proposals.proposal", proposal.pk, "proposal.updated") == 2
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {rep_a.username, moderator.username}


def test_a_draft_shared_with_the_network_is_told_to_network_members_only(member_a):
    from django.utils import timezone

    draft = RevisionFactory(status=RevisionStatus.DRAFT, shared_with_network_at=timezone.now())
    outsider = UserFactory()
    follow(actor=member_a, target=draft)
    # The follow was allowed while the outsider was in the network (rights change).
    from django.contrib.contenttypes.models import ContentType

    from carta.models import Follow

    Follow.objects.create(
        user=outsider, content_type=ContentType.objects.get_for_model(draft), object_id=draft.pk
    )
    assert tell_followers("consultations.revision", draft.pk, "carta.draft_shared") == 1
    assert list(Notification.objects.values_list("recipient", flat=True)) == [member_a.pk]
