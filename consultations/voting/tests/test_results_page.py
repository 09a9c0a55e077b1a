"""The results page and the receipt check say what the published figures say: the
ranking's bars and shares (of the Borda points), approval only where a threshold applies
(a yes / no question, with ballots counted), and plainly when results are not released."""

import datetime

import pytest
from django.utils import timezone

from consultations.voting import ballots
from consultations.voting.models import Consultation, QuestionKind, Secrecy
from tests.factories import ConsultationFactory, UserFactory

pytestmark = pytest.mark.django_db

RANKING = [
    {"kind": QuestionKind.RANKING, "text": "Ordina i servizi", "options": ["A", "B", "C"]},
]
SINGLE = [
    {"kind": QuestionKind.SINGLE, "text": "Quale servizio?", "options": ["Uno", "Due"]},
]
YES_NO = [{"kind": QuestionKind.YES_NO, "text": "Approvi l'orario?"}]


def close(consultation):
    now = timezone.now()
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=now - datetime.timedelta(days=3), closes_at=now - datetime.timedelta(hours=1)
    )
    consultation.refresh_from_db()


def results(client, consultation):
    page = client.get(f"/consultazioni/{consultation.pk}/risultati/")
    assert page.status_code == 200
    return page, page.content.decode()


def test_the_ranking_has_bars_and_shares_of_the_borda_points(client):
    consultation = ConsultationFactory(questions=RANKING)
    question = consultation.questions.get()
    a, b, c = [o.pk for o in question.options.order_by("position")]
    for order in ([a, b, c], [a, c, b]):
        ballots.cast_ballot(
            actor=UserFactory(), consultation=consultation, answers={str(question.pk): order}
        )
    page, html = results(client, consultation)
    options = page.context["results"]["electorates"][0]["questions"][0]["options"]
    # Points: A 4, B 1, C 1 of 6.
    assert [(o["label"], o["count"], o["percent"]) for o in options] == [
        ("A", 4, 66.7),
        ("B", 1, 16.7),
        ("C", 1, 16.7),
    ]
    assert f'data-percent="citizens-{question.pk}-{a}">66,7<' in html
    assert "chart-citizens-" in html


def test_a_plurality_question_says_nothing_of_approval(client):
    consultation = ConsultationFactory(questions=SINGLE)
    question = consultation.questions.get()
    ballots.cast_ballot(
        actor=UserFactory(),
        consultation=consultation,
        answers={str(question.pk): question.options.first().pk},
    )
    _page, html = results(client, consultation)
    assert "Non approvata" not in html and "Approvata" not in html


def test_a_yes_no_question_says_whether_it_is_approved(client):
    consultation = ConsultationFactory(questions=YES_NO)
    question = consultation.questions.get()
    ballots.cast_ballot(
        actor=UserFactory(), consultation=consultation, answers={str(question.pk): "yes"}
    )
    _page, html = results(client, consultation)
    assert "Approvata" in html and "soglia 50%" in html


def test_a_closed_secret_consultation_with_no_ballots_approves_or_rejects_nothing(client):
    consultation = ConsultationFactory(
        questions=YES_NO, secrecy=Secrecy.SECRET, results_visibility="after_close"
    )
    close(consultation)
    _page, html = results(client, consultation)
    assert "Non approvata" not in html
    assert "Nessuna scheda conteggiata" in html


def test_results_not_yet_released_are_said_plainly(client):
    consultation = ConsultationFactory(
        questions=YES_NO, secrecy=Secrecy.SECRET, results_visibility="after_close"
    )
    _page, html = results(client, consultation)
    assert "I risultati saranno pubblicati alla chiusura della consultazione." in html
    assert "Approvata" not in html


def test_the_receipt_does_not_say_counted_before_the_results_are_released(
    client_as, citizen, answers_for
):
    consultation = ConsultationFactory(secrecy=Secrecy.SECRET, results_visibility="after_close")
    receipt = ballots.cast_ballot(
        actor=citizen, consultation=consultation, answers=answers_for(consultation)
    ).receipt
    url = f"/consultazioni/{consultation.pk}/verifica-ricevuta/"
    html = client_as(citizen).get(url, {"token": receipt}).content.decode()
    assert "conteggiata" not in html
    assert "è conservata" in html
    assert "I risultati saranno pubblicati alla chiusura della consultazione." in html
    close(consultation)
    html = client_as(citizen).get(url, {"token": receipt}).content.decode()
    assert "è conservata ed è conteggiata nei risultati pubblicati" in html
