"""The results page's charts (``voting.charts``): one per question, whose bars are the
published tally (votes, or a ranking's Borda points, with their shares), the same figures
as the table beside it; none before the results are released."""

import pytest

from consultations.voting import ballots
from consultations.voting.models import QuestionKind
from tests.chart_data import cells, chart_specs
from tests.factories import ConsultationFactory, UserFactory

pytestmark = pytest.mark.django_db

QUESTIONS = [
    {"kind": QuestionKind.SINGLE, "text": "Quale servizio?", "options": ["Uno", "Due", "Tre"]},
    {"kind": QuestionKind.RANKING, "text": "Ordina i servizi", "options": ["A", "B", "C"]},
    {"kind": QuestionKind.YES_NO, "text": "Approvi l'orario?"},
]


def page_of(client, consultation):
    response = client.get(f"/consultazioni/{consultation.pk}/risultati/")
    assert response.status_code == 200
    return response, response.content.decode()


def vote(consultation, single, ranking, yes_no):
    for answer_single, order, answer_yes_no in zip(single, ranking, yes_no, strict=True):
        answers = {}
        for question in consultation.questions.prefetch_related("options"):
            ids = [o.pk for o in question.options.order_by("position")]
            if question.kind == QuestionKind.SINGLE:
                answers[str(question.pk)] = ids[answer_single]
            elif question.kind == QuestionKind.RANKING:
                answers[str(question.pk)] = [ids[i] for i in order]
            else:
                answers[str(question.pk)] = answer_yes_no
        ballots.cast_ballot(actor=UserFactory(), consultation=consultation, answers=answers)


def test_each_question_has_a_chart_of_its_tally_equal_to_its_table(client):
    consultation = ConsultationFactory(questions=QUESTIONS)
    vote(
        consultation,
        single=[0, 0, 1],
        ranking=[[0, 1, 2], [0, 2, 1], [1, 0, 2]],
        yes_no=["yes", "no", "yes"],
    )
    response, page = page_of(client, consultation)
    specs = chart_specs(page)
    entry = response.context["results"]["electorates"][0]
    assert len(specs) == len(entry["questions"]) == 3
    for question in entry["questions"]:
        spec = specs[f"chart-citizens-{question['id']}"]
        bars = spec["series"][0]
        options = question["options"]
        assert spec["keys"] == [o["key"] for o in options]
        assert bars["values"] == [o["count"] for o in options]
        assert spec["horizontal"] and spec["axes"]["min"] == 0
        for option, display in zip(options, bars["display"], strict=True):
            key = f"citizens-{question['id']}-{option['key']}"
            count, share = cells(page, "data-count", key), cells(page, "data-percent", key)
            # The table's cells and the bar's words say the same figures.
            assert display == f"{count} ({share}%)"
        assert spec["summary"].startswith(f"Grafico a barre. {question['text']}")
    single, ranking, yes_no = entry["questions"]
    assert specs[f"chart-citizens-{single['id']}"]["series"][0]["display"] == [
        "2 (66,7%)",
        "1 (33,3%)",
        "0 (0,0%)",
    ]
    # Borda points: A 2+2+1 = 5, B 1+0+2 = 3, C 0+1+0 = 1 of 9; A first for Schulze.
    chart = specs[f"chart-citizens-{ranking['id']}"]
    assert chart["labels"] == ["1° A", "2° B", "3° C"]
    assert chart["series"][0]["values"] == [5, 3, 1]
    assert chart["series"][0]["display"] == ["5 (55,6%)", "3 (33,3%)", "1 (11,1%)"]
    assert chart["axes"]["value"] == "Punti Borda"
    assert specs[f"chart-citizens-{yes_no['id']}"]["labels"] == ["Sì", "No", "Astensione"]
    # The charts are drawn by the vendored Chart.js and carta/js/charts.js.
    assert "/static/vendor/chartjs/chart.umd.min.js" in page
    assert "/static/carta/js/charts.js" in page


def test_no_chart_before_the_results_are_released(client):
    consultation = ConsultationFactory(questions=QUESTIONS[:1], secrecy="secret")
    vote(consultation, single=[0], ranking=[[0, 1, 2]], yes_no=["yes"])
    _response, page = page_of(client, consultation)
    assert "I risultati saranno pubblicati alla chiusura della consultazione." in page
    assert chart_specs(page) == {}
    assert "data-carta-chart" not in page
