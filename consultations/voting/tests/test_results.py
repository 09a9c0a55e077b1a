"""Results: counts, percentages, turnout, quorum, threshold, methods, batching, exports."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from consultations.voting import ballots, live, selectors
from consultations.voting.models import Consultation, QuestionKind
from consultations.voting.tally import schulze
from tests.factories import ConsultationFactory, UserFactory

pytestmark = pytest.mark.django_db


def results(api, consultation):
    return api.get(f"/api/v1/consultations/{consultation.pk}/results/").json()


def cast(consultation, answers, user=None):
    return ballots.cast_ballot(
        actor=user or UserFactory(), consultation=consultation, answers=answers
    )


def figures(body, question, electorate=0):
    return next(q for q in body["electorates"][electorate]["questions"] if q["id"] == question.pk)


def test_counts_percentages_turnout_quorum_and_threshold(api, answers_for):
    UserFactory.create_batch(6)  # 10 citizens in all with the 4 voters
    consultation = ConsultationFactory(quorum_percent=30, threshold_percent=60)
    yes_no = consultation.questions.get(kind=QuestionKind.YES_NO)
    for answer in ["yes", "yes", "yes", "no"]:
        cast(consultation, {**answers_for(consultation), str(yes_no.pk): answer})
    body = results(api, consultation)
    electorate = body["electorates"][0]
    assert electorate["ballots"] == 4 and electorate["eligible"] == 10
    assert electorate["turnout_percent"] == 40.0 and electorate["quorum_met"] is True
    yn = figures(body, yes_no)
    assert [(o["key"], o["count"], o["percent"]) for o in yn["options"]] == [
        ("yes", 3, 75.0),
        ("no", 1, 25.0),
        ("abstain", 0, 0.0),
    ]
    assert yn["threshold_met"] is True and yn["approved"] is True


def test_quorum_not_met_means_not_approved(api, answers_for):
    UserFactory.create_batch(9)
    consultation = ConsultationFactory(quorum_percent=50)
    cast(consultation, answers_for(consultation))
    body = results(api, consultation)
    assert body["electorates"][0]["quorum_met"] is False
    assert figures(body, consultation.questions.get(kind="yes_no"))["approved"] is False


def test_scale_gives_mean_median_and_distribution(api, answers_for):
    consultation = ConsultationFactory()
    scale = consultation.questions.get(kind=QuestionKind.SCALE)
    for value in [1, 2, 2, 5]:
        cast(consultation, {**answers_for(consultation), str(scale.pk): value})
    got = figures(results(api, consultation), scale)
    assert got["mean"] == 2.5 and got["median"] == 2.0
    assert [o["count"] for o in got["options"]] == [1, 2, 0, 0, 1]


def test_multiple_choice_counts_each_option(api, answers_for):
    consultation = ConsultationFactory()
    multiple = consultation.questions.get(kind=QuestionKind.MULTIPLE)
    ids = [o.pk for o in multiple.options.all()]
    cast(consultation, {**answers_for(consultation), str(multiple.pk): [ids[0], ids[1]]})
    cast(consultation, {**answers_for(consultation), str(multiple.pk): [ids[1]]})
    got = figures(results(api, consultation), multiple)
    assert [o["count"] for o in got["options"]] == [1, 2, 0, 0]
    assert got["options"][1]["percent"] == 100.0


def test_ranking_is_decided_by_schulze_with_borda_beside_it(api, answers_for):
    consultation = ConsultationFactory()
    ranking = consultation.questions.get(kind=QuestionKind.RANKING)
    a, b, c = [o.pk for o in ranking.options.all()]
    for order in [[a, b, c]] * 3 + [[b, c, a]] * 2 + [[c, b, a]] * 2:
        cast(consultation, {**answers_for(consultation), str(ranking.pk): order})
    got = figures(results(api, consultation), ranking)
    # B beats A 4-3 and C 5-2: the Condorcet winner, though A has the most first places.
    assert [tier[0]["key"] for tier in got["schulze"]] == [str(b), str(a), str(c)] or got[
        "schulze"
    ][0][0]["key"] == str(b)
    borda = {row["key"]: row["points"] for row in got["borda"]}
    assert borda == {str(a): 6, str(b): 9, str(c): 6}


def test_schulze_on_the_classic_example():
    # Wikipedia's 45-voter example: the winner is E, then A, C, B, D.
    a, b, c, d, e = range(5)
    rankings = (
        [[a, c, b, e, d]] * 5
        + [[a, d, e, c, b]] * 5
        + [[b, e, d, a, c]] * 8
        + [[c, a, b, e, d]] * 3
        + [[c, a, e, b, d]] * 7
        + [[c, b, a, d, e]] * 2
        + [[d, c, e, b, a]] * 7
        + [[e, b, a, d, c]] * 8
    )
    pairs = {}
    for ballot in rankings:
        for i, x in enumerate(ballot):
            for y in ballot[i + 1 :]:
                pairs[x, y] = pairs.get((x, y), 0) + 1
    assert schulze([a, b, c, d, e], pairs) == [[e], [a], [c], [b], [d]]


def test_results_after_closing_stay_hidden_until_then(api, answers_for):
    consultation = ConsultationFactory(results_visibility="after_close")
    cast(consultation, answers_for(consultation))
    body = results(api, consultation)
    assert body["tally_visible"] is False
    assert body["electorates"][0]["questions"] is None and body["electorates"][0]["ballots"] == 1


def test_the_electorate_is_frozen_at_closing(api, answers_for):
    consultation = ConsultationFactory()
    cast(consultation, answers_for(consultation))
    Consultation.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - datetime.timedelta(seconds=1),
        opens_at=timezone.now() - datetime.timedelta(days=1),
    )
    first = results(api, consultation)["electorates"][0]
    UserFactory.create_batch(5)  # registered after closing: not in the electorate
    again = results(api, consultation)["electorates"][0]
    assert again["eligible"] == first["eligible"] and again["eligible_frozen"] is True
    assert Consultation.objects.get(pk=consultation.pk).frozen_citizens == first["eligible"]


def test_a_secret_tally_withstands_the_differencing_attack(api, client, answers_for):
    """The victim votes; the attacker sees turnout move, casts the other nine ballots of a
    batch from throwaway accounts and reads every surface (API, page, CSV, websocket):
    before closing there is nothing to subtract from, only turnout."""
    consultation = ConsultationFactory(secrecy="secret", results_visibility="live")
    yes_no = consultation.questions.get(kind=QuestionKind.YES_NO)
    cast(consultation, {**answers_for(consultation), str(yes_no.pk): "yes"})  # the victim
    assert results(api, consultation)["electorates"][0]["ballots"] == 1
    for _ in range(9):  # the attacker's throwaway accounts
        cast(consultation, {**answers_for(consultation), str(yes_no.pk): "no"})

    body = results(api, consultation)
    electorate = body["electorates"][0]
    assert body["tally_visible"] is False
    assert electorate["ballots"] == 10  # turnout stays live
    assert electorate["questions"] is None and electorate["counted"] is None
    rows = list(csv.reader(io.StringIO(_csv(client, consultation))))
    assert len(rows) == 2 and rows[1][1] == "10" and rows[1][5:] == [""] * 6
    page = client.get(f"/consultazioni/{consultation.pk}/risultati/")
    assert page.context["results"] == body
    assert yes_no.text not in page.content.decode()
    event = live.payload(consultation.pk)
    assert event["results"] is None and event["turnout"][0]["ballots"] == 10

    # At closing everything is shown.
    Consultation.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    final = results(api, consultation)
    assert final["tally_visible"] is True and final["electorates"][0]["counted"] == 10
    counts = {o["key"]: o["count"] for o in figures(final, yes_no)["options"]}
    assert counts == {"yes": 1, "no": 9, "abstain": 0}


def test_a_secret_consultation_cannot_promise_live_results(api_as, carta_editor):
    now = timezone.now()
    response = api_as(carta_editor).post(
        "/api/v1/consultations/",
        {
            "title": "Voto segreto",
            "opens_at": (now + datetime.timedelta(days=1)).isoformat(),
            "closes_at": (now + datetime.timedelta(days=8)).isoformat(),
            "questions": [{"kind": "yes_no", "text": "Approvi?"}],
            "secrecy": "secret",
            "results_visibility": "live",
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["results_visibility"]
    assert not Consultation.objects.exists()


def test_separate_tallies_per_electorate(api, rep_a, org_a, answers_for):
    consultation = ConsultationFactory(electorate="both")
    cast(consultation, answers_for(consultation), user=rep_a)
    ballots.cast_ballot(
        actor=rep_a,
        consultation=consultation,
        answers=answers_for(consultation),
        organization=org_a,
    )
    cast(consultation, answers_for(consultation))
    body = results(api, consultation)
    assert [(e["electorate"], e["ballots"]) for e in body["electorates"]] == [
        ("organizations", 1),
        ("citizens", 2),
    ]


def _csv(client, consultation) -> str:
    return client.get(f"/consultazioni/{consultation.pk}/risultati.csv").content.decode()


def test_csv_and_json_exports(client, answers_for):
    consultation = ConsultationFactory()
    cast(consultation, answers_for(consultation))
    csv_text = _csv(client, consultation)
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("elettorato,votanti") and len(lines) == 1 + 3 + 4 + 3 + 3 + 5
    assert "Quale servizio rafforzare?" in csv_text
    data = client.get(f"/consultazioni/{consultation.pk}/risultati.json").json()
    assert data["electorates"][0]["ballots"] == 1


def test_the_results_csv_neutralises_cells_a_spreadsheet_would_run(client):
    consultation = ConsultationFactory(
        questions=[
            {
                "kind": QuestionKind.SINGLE,
                "text": "=1+1",
                "options": ['=HYPERLINK("http://evil.example","x")', "@SUM(A1)", "-2+3"],
            }
        ]
    )
    question = consultation.questions.get()
    cast(consultation, {str(question.pk): question.options.first().pk})
    rows = list(csv.reader(io.StringIO(_csv(client, consultation))))[1:]
    assert [row[5] for row in rows] == ["'=1+1"] * 3
    assert [row[7] for row in rows] == [
        '\'=HYPERLINK("http://evil.example","x")',
        "'@SUM(A1)",
        "'-2+3",
    ]
    assert [row[8] for row in rows] == ["1", "0", "0"]  # numbers stay numbers


def test_results_cost_a_fixed_number_of_queries(api, answers_for, django_assert_num_queries):
    consultation = ConsultationFactory()
    for _ in range(5):
        cast(consultation, answers_for(consultation))
    # consultation (with its revision), questions, options, summed counters, two COUNTs
    with django_assert_num_queries(6):
        api.get(f"/api/v1/consultations/{consultation.pk}/results/")


def test_the_list_costs_one_query_whatever_its_length(api, django_assert_num_queries):
    ConsultationFactory.create_batch(5)
    # the page's count, the page's rows
    with django_assert_num_queries(2):
        body = api.get("/api/v1/consultations/?status=open").json()
    assert body["count"] == 5


def test_the_list_page_costs_three_queries(client, django_assert_num_queries):
    ConsultationFactory.create_batch(3)
    now = timezone.now()
    ConsultationFactory.create_batch(
        3, opens_at=now - datetime.timedelta(days=3), closes_at=now - datetime.timedelta(days=1)
    )
    # open, upcoming, the closed page's count and its rows
    with django_assert_num_queries(4):
        assert client.get("/consultazioni/").status_code == 200


def test_selector_filters_by_status():
    now = timezone.now()
    upcoming = ConsultationFactory(
        opens_at=now + datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=2)
    )
    closed = ConsultationFactory(
        opens_at=now - datetime.timedelta(days=2), closes_at=now - datetime.timedelta(days=1)
    )
    current = ConsultationFactory()
    assert list(selectors.consultations_visible_to(None, status="upcoming")) == [upcoming]
    assert list(selectors.consultations_visible_to(None, status="closed")) == [closed]
    assert list(selectors.consultations_visible_to(None, status="open")) == [current]
