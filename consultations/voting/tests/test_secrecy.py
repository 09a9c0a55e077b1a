"""Secret ballots: nothing links a ballot to its voter; receipts; the bulletin and recount."""

import datetime
import itertools
import json

import pytest
from django.db import connection, models
from django.utils import timezone

from consultations.voting import ballots, notices, results, selectors
from consultations.voting.models import Ballot, Consultation, TallyCounter, VoterRecord
from consultations.voting.tally import BALLOTS, question_results, recount
from tests.factories import ConsultationFactory, UserFactory

# The complete list of what a secret ballot may hold. Adding a field to ``Ballot`` fails
# this test on purpose: think about whether it links the ballot to its voter.
ALLOWED_FIELDS = {"id", "consultation", "electorate", "answers", "receipt_hash"}


def test_the_ballot_table_holds_nothing_that_links_or_orders_it_against_the_register():
    fields = {f.name: f for f in Ballot._meta.get_fields() if f.concrete}
    assert set(fields) == ALLOWED_FIELDS
    # A random key, not a sequence: no insertion order to match against the register.
    assert isinstance(fields["id"], models.UUIDField) and fields["id"].default.__name__ == "uuid4"
    assert not any(isinstance(f, models.AutoField | models.BigAutoField) for f in fields.values())
    # No timestamp of any kind.
    assert not any(isinstance(f, models.DateField | models.TimeField) for f in fields.values())
    # The only relation is to the consultation, never to a person or an organization.
    relations = {name for name, f in fields.items() if f.is_relation}
    assert relations == {"consultation"}
    assert fields["consultation"].related_model is Consultation
    # The default order says nothing about arrival.
    assert list(Ballot._meta.ordering) == ["receipt_hash"]
    assert not Ballot._meta.get_latest_by
    # Nothing points at a ballot either (the register has no link to it).
    assert not [f for f in Ballot._meta.get_fields() if f.auto_created and not f.concrete]


def _close(consultation):
    consultation.closes_at = timezone.now() - datetime.timedelta(seconds=1)
    consultation.opens_at = consultation.closes_at - datetime.timedelta(days=2)
    consultation.save()


@pytest.fixture
def voted(secret_consultation, answers_for):
    """Twelve secret ballots with varied answers, then closed."""
    c = secret_consultation
    receipts = []
    questions = list(c.questions.prefetch_related("options"))
    for index in range(12):
        answers = answers_for(c)
        yes_no = next(q for q in questions if q.kind == "yes_no")
        scale = next(q for q in questions if q.kind == "scale")
        ranking = next(q for q in questions if q.kind == "ranking")
        answers[str(yes_no.pk)] = ["yes", "no", "abstain"][index % 3]
        answers[str(scale.pk)] = 1 + index % 5
        ids = [o.pk for o in ranking.options.all()]
        answers[str(ranking.pk)] = ids[index % 3 :] + ids[: index % 3]
        result = ballots.cast_ballot(actor=UserFactory(), consultation=c, answers=answers)
        receipts.append(result.receipt)
    _close(c)
    return c, receipts


@pytest.mark.django_db
def test_a_receipt_finds_its_ballot_and_a_wrong_one_finds_nothing(api, voted):
    consultation, receipts = voted
    response = api.get(f"/api/v1/consultations/{consultation.pk}/receipts/{receipts[0]}/")
    assert response.status_code == 200
    body = response.json()
    assert body["receipt_hash"] == Ballot.hash_receipt(receipts[0]) and body["published"] is True
    assert (
        api.get(f"/api/v1/consultations/{consultation.pk}/receipts/nonesiste/").status_code == 404
    )


@pytest.mark.django_db
def test_the_bulletin_is_published_only_after_closing(
    api_as, secret_consultation, answers_for, citizen
):
    ballots.cast_ballot(
        actor=citizen, consultation=secret_consultation, answers=answers_for(secret_consultation)
    )
    # Not yet, for anyone: signing in would not help.
    for caller in (None, citizen):
        response = api_as(caller).get(f"/api/v1/consultations/{secret_consultation.pk}/ballots/")
        assert response.status_code == 409 and response.json()["code"] == "not_published"


@pytest.mark.django_db
def test_the_bulletin_lists_every_ballot_by_receipt_hash_in_a_hash_chain(api, voted):
    consultation, receipts = voted
    body = api.get(f"/api/v1/consultations/{consultation.pk}/ballots/").json()
    hashes = [entry["receipt_hash"] for entry in body["ballots"]]
    assert hashes == sorted(hashes) == sorted(Ballot.hash_receipt(r) for r in receipts)
    previous = body["start"]
    for entry in body["ballots"]:
        content = {k: v for k, v in entry.items() if k != "chain"}
        previous = results.chain_next(previous, content)
        assert entry["chain"] == previous
    assert body["head"] == previous == body["published_head"]


@pytest.mark.django_db
def test_changing_one_ballot_changes_the_head_of_the_chain(voted):
    consultation, _receipts = voted
    head = results.bulletin(consultation)["head"]
    ballot = Ballot.objects.filter(consultation=consultation).first()
    key = next(iter(ballot.answers))
    ballot.answers[key] = "manomesso"
    ballot.save()
    tampered = results.bulletin(Consultation.objects.get(pk=consultation.pk))
    assert tampered["head"] != head
    assert tampered["published_head"] == head  # the head fixed at publication shows it


@pytest.mark.django_db
def test_a_recount_from_the_bulletin_equals_the_published_results(api, voted):
    consultation, _receipts = voted
    bulletin = api.get(f"/api/v1/consultations/{consultation.pk}/ballots/").json()
    questions = list(consultation.questions.prefetch_related("options"))
    recounted = recount(questions, [entry["answers"] for entry in bulletin["ballots"]])
    stored = selectors.summed_counts(consultation.pk)["citizens"]
    assert {k: v for k, v in recounted.items() if v} == {k: v for k, v in stored.items() if v}
    published = api.get(f"/api/v1/consultations/{consultation.pk}/results/").json()

    electorate = published["electorates"][0]
    assert electorate["ballots"] == recounted[BALLOTS] == 12
    for question, figures in zip(questions, electorate["questions"], strict=True):
        again = question_results(question, list(question.options.all()), recounted, 12, 50)
        assert again["options"] == figures["options"]


@pytest.mark.django_db
def test_a_public_bulletin_names_the_voters(api, citizen, answers_for):
    consultation = ConsultationFactory()
    ballots.cast_ballot(actor=citizen, consultation=consultation, answers=answers_for(consultation))
    body = api.get(f"/api/v1/consultations/{consultation.pk}/ballots/").json()
    assert body["ballots"][0]["voter"] == citizen.display_name


def _physical_order(model, column: str, consultation) -> list:
    """``column`` of ``model``'s rows in the order they lie in the table file (SQLite's
    rowid, PostgreSQL's ctid): what a copy of the database shows, whatever the ids."""
    order = "ctid" if connection.vendor == "postgresql" else "rowid"
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM {table} WHERE consultation_id = %s ORDER BY {order}",  # noqa: S608
            [consultation.pk],
        )
        return [row[0] for row in cursor.fetchall()]


def _forty_known_ballots(consultation):
    """Forty voters, each with a ballot no other voter cast; closed an hour ago."""
    questions = {q.kind: q for q in consultation.questions.prefetch_related("options")}
    single, yes_no, scale = questions["single"], questions["yes_no"], questions["scale"]
    choices = itertools.product(
        [o.pk for o in single.options.all()], ["yes", "no", "abstain"], [1, 2, 3, 4, 5]
    )
    valid = {}
    for question in questions.values():
        ids = [o.pk for o in question.options.all()]
        valid[str(question.pk)] = ids[:2] if question.kind == "multiple" else ids
    known, receipts = {}, []
    for option, answer, value in itertools.islice(choices, 40):
        answers = {
            **valid,
            str(single.pk): option,
            str(yes_no.pk): answer,
            str(scale.pk): value,
        }
        voter = UserFactory()
        receipts.append(
            ballots.cast_ballot(actor=voter, consultation=consultation, answers=answers).receipt
        )
        known[voter.pk] = answers
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=timezone.now() - datetime.timedelta(days=2),
        closes_at=timezone.now() - datetime.timedelta(hours=1),
    )
    return known, receipts


# A random order puts on average one of 40 ballots beside its voter's register row; seven
# or more happen by chance about once in 12,000 runs.
CHANCE_BOUND = 6


@pytest.mark.django_db
def test_joining_register_and_ballots_by_physical_order_recovers_no_more_than_chance(
    secret_consultation,
):
    consultation = secret_consultation
    known, receipts = _forty_known_ballots(consultation)
    closed = Consultation.objects.get(pk=consultation.pk)
    head = results.bulletin(closed)["head"]
    before = selectors.summed_counts(consultation.pk)

    notices.send_consultation_notices()  # the scheduler's run after closing

    voters = _physical_order(VoterRecord, "voter_id", consultation)
    stored = [
        answers if isinstance(answers, dict) else json.loads(answers)
        for answers in _physical_order(Ballot, "answers", consultation)
    ]
    matched = sum(known[voter] == answers for voter, answers in zip(voters, stored, strict=True))
    assert matched <= CHANCE_BOUND, f"{matched} of 40 ballots lie beside their voter"
    # Everything still verifies: every receipt, the bulletin's head, the tally.
    sealed = Consultation.objects.get(pk=consultation.pk)
    assert sealed.ballots_sealed_at is not None
    for receipt in receipts:
        assert selectors.check_receipt(sealed, receipt)["counted"] is True
    assert results.bulletin(sealed)["head"] == head == sealed.bulletin_head
    assert selectors.summed_counts(consultation.pk) == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_after_sealing_no_ballot_or_counter_shares_a_transaction_with_a_register_row(
    secret_consultation,
):
    consultation = secret_consultation
    _forty_known_ballots(consultation)

    def transactions(model) -> set:
        return {str(xmin) for xmin in _physical_order(model, "xmin", consultation)}

    register = transactions(VoterRecord)
    assert len(register) == 40
    assert transactions(Ballot) <= register  # written with the register row
    notices.send_consultation_notices()
    assert not transactions(Ballot) & register
    assert not transactions(TallyCounter) & register


@pytest.mark.django_db
def test_ballots_are_not_sealed_while_a_late_ballot_may_still_be_committing(voted):
    consultation, _receipts = voted  # closed a second ago
    notices.send_consultation_notices()
    assert Consultation.objects.get(pk=consultation.pk).ballots_sealed_at is None
    later = timezone.now() + results.SEAL_DELAY
    notices.send_consultation_notices(now=later)
    assert Consultation.objects.get(pk=consultation.pk).ballots_sealed_at == later
