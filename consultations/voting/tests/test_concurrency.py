"""One voter, one ballot, under concurrency: the register's unique constraints decide."""

import threading

import pytest
from django.db import connection

from carta.errors import Conflict
from carta.identity import person_key
from carta.models import Identity
from consultations.voting import ballots
from consultations.voting.models import Ballot, Consultation, TallyCounter, VoterRecord
from tests.factories import ConsultationFactory, UserFactory, give_identity

SIMULTANEOUS = 60


def _race(consultation_id, voter, answers, organization=None, voters=None):
    barrier = threading.Barrier(SIMULTANEOUS)
    outcomes = []
    lock = threading.Lock()

    def attempt(actor):
        try:
            consultation = Consultation.objects.get(pk=consultation_id)
            barrier.wait(timeout=30)
            try:
                ballots.cast_ballot(
                    actor=actor,
                    consultation=consultation,
                    answers=answers,
                    organization=organization,
                )
                outcome = "stored"
            except Conflict as error:
                outcome = error.code
        except Exception as error:  # noqa: BLE001 - reported as the outcome
            outcome = repr(error)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    actors = voters or [voter]
    threads = [
        threading.Thread(target=attempt, args=(actors[n % len(actors)],))
        for n in range(SIMULTANEOUS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_ballots_of_one_citizen_store_exactly_one(answers_for):
    consultation = ConsultationFactory(secrecy="secret")
    voter = UserFactory()
    outcomes = _race(consultation.pk, voter, answers_for(consultation))
    assert outcomes.count("stored") == 1, outcomes
    assert outcomes.count("already_voted") == SIMULTANEOUS - 1, outcomes
    assert VoterRecord.objects.filter(consultation=consultation).count() == 1
    assert Ballot.objects.filter(consultation=consultation).count() == 1
    assert sum(TallyCounter.objects.filter(key="ballots").values_list("count", flat=True)) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_ballots_for_one_organization_store_exactly_one(answers_for, org_a, rep_a):
    consultation = ConsultationFactory(electorate="organizations")
    outcomes = _race(consultation.pk, rep_a, answers_for(consultation), organization=org_a)
    assert outcomes.count("stored") == 1, outcomes
    assert outcomes.count("already_voted") == SIMULTANEOUS - 1, outcomes
    assert VoterRecord.objects.filter(consultation=consultation).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_voters_at_once_are_all_counted(answers_for):
    consultation = ConsultationFactory()
    voters = UserFactory.create_batch(40)
    answers = answers_for(consultation)
    errors = []

    def vote(person):
        try:
            ballots.cast_ballot(
                actor=person,
                consultation=Consultation.objects.get(pk=consultation.pk),
                answers=answers,
            )
        except Exception as error:  # noqa: BLE001
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=(p,)) for p in voters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(TallyCounter.objects.filter(key="ballots").values_list("count", flat=True)) == 40


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_ballots_of_two_accounts_of_one_person_store_exactly_one(answers_for):
    """Two accounts of the same person (by fiscal code) vote at once, 30 attempts each. The
    database allows one identity per fiscal code, so the second account carries the same
    identity in memory only: what a second account of the same person would hold after the
    first one's identity moved to it. Only the register's per-person constraint can tell
    them apart; it lets exactly one ballot in."""
    consultation = ConsultationFactory(identity_required="spid_cie", secrecy="secret")
    first, second = UserFactory(), UserFactory()
    identity = give_identity(first, "RSSMRA80A01H501U")
    second.identity = Identity(
        user=second,
        fiscal_code=identity.fiscal_code,
        provider="cie",
        level=2,
        verified_at=identity.verified_at,
    )
    outcomes = _race(consultation.pk, None, answers_for(consultation), voters=[first, second])
    assert outcomes.count("stored") == 1, outcomes
    assert outcomes.count("already_voted") == SIMULTANEOUS - 1, outcomes
    record = VoterRecord.objects.get(consultation=consultation)
    assert record.person_key == person_key("RSSMRA80A01H501U")
    assert Ballot.objects.filter(consultation=consultation).count() == 1
    assert sum(TallyCounter.objects.filter(key="ballots").values_list("count", flat=True)) == 1
