"""The pact under concurrency (PostgreSQL): the organization's row lock and the unique
history row decide, so that simultaneous renewals record exactly one acceptance and a
renewal asked while one is given never leaves a stale request behind."""

import pytest

from carta.models import Notification
from consultations.charter.models import RevisionStatus
from stakeholders import services
from stakeholders.models import Membership, Organization, PactAcceptance
from tests.concurrency import run_together
from tests.factories import MembershipFactory, OrganizationFactory, RevisionFactory

SIMULTANEOUS = 12


def _done(call):
    """``call``, reported as "done" when it returns (whatever it returns)."""

    def run():
        call()
        return "done"

    return run


@pytest.fixture
def behind(transactional_db):
    RevisionFactory(number=1, status=RevisionStatus.SUPERSEDED)
    RevisionFactory(number=2, status=RevisionStatus.ADOPTED)
    organization = OrganizationFactory(pact_revision_number=1)
    reps = [
        MembershipFactory(organization=organization, role="representative").user for _ in range(3)
    ]
    return organization, reps


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_renewals_record_one_acceptance(behind):
    organization, reps = behind

    def renew(user):
        return _done(
            lambda: services.accept_pact(
                actor=user, organization=Organization.objects.get(pk=organization.pk)
            )
        )

    outcomes = run_together([renew(reps[n % len(reps)]) for n in range(SIMULTANEOUS)])
    assert outcomes.count("done") == 1, outcomes
    assert outcomes.count("pact_current") == SIMULTANEOUS - 1, outcomes
    assert PactAcceptance.objects.filter(organization=organization, revision_number=2).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_ask_once(behind):
    organization, reps = behind
    outcomes = run_together(
        [
            _done(lambda: services.request_pact_renewal(revision_number=2))
            for _ in range(SIMULTANEOUS)
        ]
    )
    assert outcomes == ["done"] * SIMULTANEOUS, outcomes
    assert Notification.objects.filter(kind="organization.pact_renewal_requested").count() == len(
        reps
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_renewal_given_while_asked_leaves_no_stale_request(behind):
    organization, reps = behind
    outcomes = run_together(
        [
            _done(lambda: services.request_pact_renewal(revision_number=2)),
            _done(
                lambda: services.accept_pact(
                    actor=reps[0], organization=Organization.objects.get(pk=organization.pk)
                )
            ),
        ]
    )
    assert outcomes == ["done", "done"], outcomes
    organization.refresh_from_db()
    assert organization.pact_revision_number == 2
    assert organization.pact_renew_by is None
    assert Membership.objects.filter(organization=organization).count() == 3
