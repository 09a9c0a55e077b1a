"""Two editors adopt at the same moment: exactly one revision ends in force."""

import pytest

from consultations.charter import services
from consultations.charter.models import Revision, RevisionStatus
from tests.concurrency import run_together
from tests.factories import UserFactory, carta_revision


def _race(revision_ids, editor):
    """Adopt the revisions ``revision_ids`` at the same instant, one thread each."""

    def adopt(pk):
        def call():
            services.adopt_revision(actor=editor, revision=Revision.objects.get(pk=pk))
            return "adopted"

        return call

    return run_together([adopt(pk) for pk in revision_ids])


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
