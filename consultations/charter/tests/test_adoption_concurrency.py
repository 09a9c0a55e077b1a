"""Two editors adopt at the same moment: exactly one revision ends in force."""

import threading

import pytest
from django.db import connection

from carta.errors import Conflict
from consultations.charter import services
from consultations.charter.models import Revision, RevisionStatus
from tests.factories import UserFactory, carta_revision


def _race(revision_ids, editor):
    barrier = threading.Barrier(len(revision_ids))
    outcomes = []
    lock = threading.Lock()

    def attempt(pk):
        try:
            revision = Revision.objects.get(pk=pk)
            barrier.wait(timeout=30)
            services.adopt_revision(actor=editor, revision=revision)
            outcome = "adopted"
        except Conflict as error:
            outcome = error.code
        except Exception as error:  # noqa: BLE001 - reported as the outcome
            outcome = repr(error)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=attempt, args=(pk,)) for pk in revision_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_adoptions_of_drafts_from_the_same_text_leave_one_in_force():
    # A superuser: a flush by an earlier transactional test may have removed the groups.
    editor = UserFactory(is_superuser=True)
    in_force = carta_revision(1, RevisionStatus.ADOPTED, sections=1, services=0)
    drafts = [
        carta_revision(n, RevisionStatus.IN_CONSULTATION, sections=1, services=0, based_on=in_force)
        for n in range(2, 8)
    ]
    outcomes = _race([d.pk for d in drafts], editor)
    assert outcomes.count("adopted") == 1, outcomes
    assert outcomes.count("stale_draft") == len(drafts) - 1, outcomes
    assert Revision.objects.filter(status=RevisionStatus.ADOPTED).count() == 1
    in_force.refresh_from_db()
    assert in_force.status == RevisionStatus.SUPERSEDED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_adoptions_of_the_same_revision_succeed_once():
    # A superuser: a flush by an earlier transactional test may have removed the groups.
    editor = UserFactory(is_superuser=True)
    carta_revision(1, RevisionStatus.ADOPTED, sections=1, services=0)
    draft = carta_revision(2, RevisionStatus.IN_CONSULTATION, sections=1, services=0)
    outcomes = _race([draft.pk] * 6, editor)
    assert outcomes.count("adopted") == 1, outcomes
    assert outcomes.count("already_adopted") == 5, outcomes
