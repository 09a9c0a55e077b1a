"""Casting ballots: every question kind, the window, the electorates, one ballot each."""

import datetime

import pytest
from django.core.handlers.asgi import ASGIHandler
from django.utils import timezone
from knox.models import AuthToken

from carta.asgi import application
from consultations.voting.models import Ballot, QuestionKind, TallyCounter, VoterRecord
from tests.factories import ConsultationFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def url(consultation):
    return f"/api/v1/consultations/{consultation.pk}/ballots/"


def question(consultation, kind):
    return consultation.questions.get(kind=kind)


def option_ids(q):
    return [o.pk for o in q.options.all()]


def test_a_valid_ballot_is_stored_with_every_kind_of_answer(
    api_as, citizen, consultation, answers_for
):
    answers = answers_for(consultation)
    response = api_as(citizen).post(url(consultation), {"answers": answers}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["electorate"] == "citizens" and body["receipt"] is None
    record = VoterRecord.objects.get()
    assert record.voter == citizen and record.answers == answers
    assert TallyCounter.objects.filter(key="ballots").values_list("count", flat=True)[0] == 1


VALID = {
    QuestionKind.SINGLE: lambda ids: ids[1],
    QuestionKind.MULTIPLE: lambda ids: [ids[3], ids[0]],
    QuestionKind.YES_NO: lambda ids: "abstain",
    QuestionKind.RANKING: lambda ids: list(reversed(ids)),
    QuestionKind.SCALE: lambda ids: 1,
}

INVALID = [
    (QuestionKind.SINGLE, lambda ids: 999999),
    (QuestionKind.SINGLE, lambda ids: [ids[0], ids[1]]),
    (QuestionKind.MULTIPLE, lambda ids: ids[:3]),  # the maximum is 2
    (QuestionKind.MULTIPLE, lambda ids: [ids[0], ids[0]]),
    (QuestionKind.MULTIPLE, lambda ids: [999999]),
    (QuestionKind.YES_NO, lambda ids: "forse"),
    (QuestionKind.YES_NO, lambda ids: True),
    (QuestionKind.RANKING, lambda ids: ids[:2]),  # not every option
    (QuestionKind.RANKING, lambda ids: [ids[0], ids[0], ids[1]]),  # a repeat
    (QuestionKind.RANKING, lambda ids: [*ids, 999999]),
    (QuestionKind.SCALE, lambda ids: 0),
    (QuestionKind.SCALE, lambda ids: 6),
    (QuestionKind.SCALE, lambda ids: "molto"),
    (QuestionKind.SCALE, lambda ids: None),  # missing
]


@pytest.mark.parametrize("kind", list(VALID))
def test_each_kind_accepts_a_valid_answer(api_as, citizen, consultation, answers_for, kind):
    answers = answers_for(consultation)
    q = question(consultation, kind)
    answers[str(q.pk)] = VALID[kind](option_ids(q))
    response = api_as(citizen).post(url(consultation), {"answers": answers}, format="json")
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize(("kind", "make"), INVALID)
def test_an_answer_that_does_not_fit_its_question_is_refused_naming_it(
    api_as, citizen, consultation, answers_for, kind, make
):
    answers = answers_for(consultation)
    q = question(consultation, kind)
    answers[str(q.pk)] = make(option_ids(q))
    response = api_as(citizen).post(url(consultation), {"answers": answers}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert f"answers.{q.pk}" in body["errors"]
    assert q.text in body["detail"]
    assert not VoterRecord.objects.exists() and not TallyCounter.objects.exists()


def test_an_unknown_question_is_refused(api_as, citizen, consultation, answers_for):
    answers = {**answers_for(consultation), "999999": 1}
    response = api_as(citizen).post(url(consultation), {"answers": answers}, format="json")
    assert response.status_code == 400 and "answers" in response.json()["errors"]


@pytest.mark.parametrize(
    ("opens", "closes"),
    [
        (datetime.timedelta(hours=1), datetime.timedelta(days=2)),
        (-datetime.timedelta(days=3), -datetime.timedelta(hours=1)),
    ],
    ids=["upcoming", "closed"],
)
def test_outside_the_window_the_ballot_is_refused_as_not_open(
    api_as, citizen, answers_for, opens, closes
):
    now = timezone.now()
    consultation = ConsultationFactory(opens_at=now + opens, closes_at=now + closes)
    response = api_as(citizen).post(
        url(consultation), {"answers": answers_for(consultation)}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "not_open"
    assert "non è aperta" in response.json()["detail"]


def test_a_consultation_closed_early_refuses_ballots(api_as, citizen, consultation, answers_for):
    consultation.closed_early_at = timezone.now() - datetime.timedelta(minutes=1)
    consultation.save()
    response = api_as(citizen).post(
        url(consultation), {"answers": answers_for(consultation)}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "not_open"


def test_a_second_ballot_is_rejected(api_as, citizen, consultation, answers_for):
    client = api_as(citizen)
    assert (
        client.post(
            url(consultation), {"answers": answers_for(consultation)}, format="json"
        ).status_code
        == 201
    )
    again = client.post(url(consultation), {"answers": answers_for(consultation)}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_voted"
    assert VoterRecord.objects.count() == 1
    assert TallyCounter.objects.get(key="ballots").count == 1


def test_anonymous_visitors_cannot_vote(api, consultation, answers_for):
    response = api.post(url(consultation), {"answers": answers_for(consultation)}, format="json")
    assert response.status_code == 401


def test_a_missing_consultation_is_404(api_as, citizen):
    assert (
        api_as(citizen)
        .post("/api/v1/consultations/999999/ballots/", {"answers": {}}, format="json")
        .status_code
        == 404
    )


# --- Electorates --------------------------------------------------------------------


def test_a_citizen_cannot_vote_where_only_organizations_vote(
    api_as, citizen, org_consultation, answers_for
):
    response = api_as(citizen).post(
        url(org_consultation), {"answers": answers_for(org_consultation)}, format="json"
    )
    assert response.status_code == 403


def test_the_representative_votes_for_a_verified_organization(
    api_as, rep_a, org_a, org_consultation, answers_for
):
    response = api_as(rep_a).post(
        url(org_consultation),
        {"answers": answers_for(org_consultation), "organization": org_a.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    record = VoterRecord.objects.get()
    assert record.organization == org_a and record.electorate == "organizations"


def test_a_member_without_the_voting_right_cannot_vote_for_the_organization(
    api_as, member_a, editor_a, org_a, org_consultation, answers_for
):
    for person in (member_a, editor_a):
        response = api_as(person).post(
            url(org_consultation),
            {"answers": answers_for(org_consultation), "organization": org_a.pk},
            format="json",
        )
        assert response.status_code == 403


def test_a_member_allowed_to_vote_votes_for_the_organization(
    api_as, org_a, org_consultation, answers_for
):
    delegate = MembershipFactory(organization=org_a, role="member", can_vote=True).user
    response = api_as(delegate).post(
        url(org_consultation),
        {"answers": answers_for(org_consultation), "organization": org_a.pk},
        format="json",
    )
    assert response.status_code == 201


def test_nobody_votes_for_another_organization(
    api_as, member_b, rep_a, org_b, org_consultation, answers_for
):
    response = api_as(rep_a).post(
        url(org_consultation),
        {"answers": answers_for(org_consultation), "organization": org_b.pk},
        format="json",
    )
    assert response.status_code == 403


def test_an_unverified_organization_has_no_vote(api_as, org_consultation, answers_for):
    pending = OrganizationFactory(status="pending")
    rep = MembershipFactory(organization=pending, role="representative").user
    response = api_as(rep).post(
        url(org_consultation),
        {"answers": answers_for(org_consultation), "organization": pending.pk},
        format="json",
    )
    assert response.status_code == 403


def test_an_organization_votes_once_whoever_casts_it(
    api_as, rep_a, org_a, org_consultation, answers_for
):
    second_rep = MembershipFactory(organization=org_a, role="representative").user
    body = {"answers": answers_for(org_consultation), "organization": org_a.pk}
    assert api_as(rep_a).post(url(org_consultation), body, format="json").status_code == 201
    again = api_as(second_rep).post(url(org_consultation), body, format="json")
    assert again.status_code == 409 and "organizzazione ha già votato" in again.json()["detail"]


def test_with_both_electorates_a_person_votes_as_citizen_and_for_the_organization_separately(
    api_as, rep_a, org_a, answers_for
):
    consultation = ConsultationFactory(electorate="both")
    client = api_as(rep_a)
    answers = answers_for(consultation)
    assert client.post(url(consultation), {"answers": answers}, format="json").status_code == 201
    assert (
        client.post(
            url(consultation), {"answers": answers, "organization": org_a.pk}, format="json"
        ).status_code
        == 201
    )
    counts = dict(TallyCounter.objects.filter(key="ballots").values_list("electorate", "count"))
    assert counts == {"citizens": 1, "organizations": 1}


# --- Changing a public ballot -------------------------------------------------------


def test_a_public_ballot_can_be_changed_until_closing_when_allowed(api_as, citizen, answers_for):
    consultation = ConsultationFactory(changeable=True)
    client = api_as(citizen)
    answers = answers_for(consultation)
    client.post(url(consultation), {"answers": answers}, format="json")
    yes_no = question(consultation, QuestionKind.YES_NO)
    changed = {**answers, str(yes_no.pk): "no"}
    response = client.put(url(consultation) + "mine/", {"answers": changed}, format="json")
    assert response.status_code == 200, response.json()
    results = client.get(f"/api/v1/consultations/{consultation.pk}/results/").json()
    figures = next(q for q in results["electorates"][0]["questions"] if q["id"] == yes_no.pk)
    assert {o["key"]: o["count"] for o in figures["options"]} == {"yes": 0, "no": 1, "abstain": 0}
    assert results["electorates"][0]["ballots"] == 1


def test_a_ballot_cannot_be_changed_when_the_rules_say_so(
    api_as, citizen, consultation, answers_for
):
    client = api_as(citizen)
    client.post(url(consultation), {"answers": answers_for(consultation)}, format="json")
    response = client.put(
        url(consultation) + "mine/", {"answers": answers_for(consultation)}, format="json"
    )
    assert response.status_code == 409


def test_a_secret_ballot_returns_a_receipt_and_leaves_no_answers_on_the_register(
    api_as, citizen, secret_consultation, answers_for
):
    response = api_as(citizen).post(
        url(secret_consultation), {"answers": answers_for(secret_consultation)}, format="json"
    )
    assert response.status_code == 201
    receipt = response.json()["receipt"]
    assert receipt and len(receipt) >= 32
    assert response.json()["answers"] is None
    assert VoterRecord.objects.get().answers == {}
    ballot = Ballot.objects.get()
    assert ballot.receipt_hash == Ballot.hash_receipt(receipt) and receipt not in str(
        ballot.__dict__
    )


# --- One front door -------------------------------------------------------------------


def test_the_served_application_hands_every_http_request_to_django():
    assert isinstance(application.application_mapping["http"], ASGIHandler)


def test_a_ballot_sent_with_an_api_token_is_stored_by_the_api_view(
    client, citizen, consultation, answers_for
):
    _instance, token = AuthToken.objects.create(user=citizen)
    answers = answers_for(consultation)
    response = client.post(
        url(consultation),
        {"answers": answers},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 201, response.json()
    assert VoterRecord.objects.get().answers == answers
    again = client.post(
        url(consultation),
        {"answers": answers},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert again.status_code == 409 and again.json()["code"] == "already_voted"
