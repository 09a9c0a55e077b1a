"""Secret ballots: nothing links a ballot to its voter; receipts; the bulletin and recount."""

import datetime

import pytest
from django.db import models
from django.utils import timezone

from consultations.voting import ballots, results, selectors
from consultations.voting.models import Ballot, Consultation
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
    api, secret_consultation, answers_for, citizen
):
    ballots.cast_ballot(
        actor=citizen, consultation=secret_consultation, answers=answers_for(secret_consultation)
    )
    response = api.get(f"/api/v1/consultations/{secret_consultation.pk}/ballots/")
    assert response.status_code == 403


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
