"""Two endorsements at once by the same person: the database stores one."""

import threading

import pytest
from django.db import connection

from carta.errors import Conflict
from proposals import services
from proposals.models import Endorsement
from proposals.states import ProposalState
from tests.factories import ProposalFactory, UserFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_endorsements_store_one():
    proposal = ProposalFactory(state=ProposalState.PUBLISHED)
    person = UserFactory()
    barrier = threading.Barrier(2)
    outcomes = []

    def endorse():
        try:
            barrier.wait()
            services.endorse_proposal(actor=person, proposal=proposal)
            outcomes.append("stored")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=endorse) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "stored"]
    assert Endorsement.objects.filter(proposal=proposal, user=person).count() == 1
