"""Pages: lists, detail, the voting form and its receipt, results, staff forms, notices."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from carta.models import AuditEntry, Notification
from consultations.voting import ballots
from consultations.voting.models import Ballot, Consultation, QuestionKind, VoterRecord
from consultations.voting.tests.test_builder_form import questions as builder_questions
from tests.factories import ConsultationFactory, UserFactory

pytestmark = pytest.mark.django_db


def form_data(consultation):
    data = {}
    for question in consultation.questions.prefetch_related("options"):
        ids = [str(o.pk) for o in question.options.all()]
        name = f"q{question.pk}"
        if question.kind == QuestionKind.SINGLE:
            data[name] = ids[0]
        elif question.kind == QuestionKind.MULTIPLE:
            data[name] = ids[:2]
        elif question.kind == QuestionKind.YES_NO:
            data[name] = "no"
        elif question.kind == QuestionKind.SCALE:
            data[name] = "3"
        else:
            for rank, pk in enumerate(reversed(ids), start=1):
                data[f"{name}_r{pk}"] = str(rank)
    return data


def test_list_shows_open_upcoming_and_closed(client):
    now = timezone.now()
    ConsultationFactory(title="Aperta ora")
    ConsultationFactory(
        title="Domani",
        opens_at=now + datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=2),
    )
    ConsultationFactory(
        title="Ieri",
        opens_at=now - datetime.timedelta(days=2),
        closes_at=now - datetime.timedelta(days=1),
    )
    page = client.get("/consultazioni/")
    assert [c.title for c in page.context["open"]] == ["Aperta ora"]
    assert [c.title for c in page.context["upcoming"]] == ["Domani"]
    assert [c.title for c in page.context["closed"]] == ["Ieri"]


def test_detail_shows_questions_and_the_vote_button(client_as, citizen, consultation):
    html = client_as(citizen).get(f"/consultazioni/{consultation.pk}/").content.decode()
    assert (
        "Quale servizio rafforzare?" in html and f"/consultazioni/{consultation.pk}/vota/" in html
    )


def test_the_voting_form_is_accessible_and_stores_the_ballot(client_as, citizen, consultation):
    client = client_as(citizen)
    html = client.get(f"/consultazioni/{consultation.pk}/vota/").content.decode()
    assert (
        "<fieldset" in html
        and "<legend" in html
        and 'type="radio"' in html
        and 'type="checkbox"' in html
    )
    assert "<select" in html  # ranking as numbered selects
    response = client.post(f"/consultazioni/{consultation.pk}/vota/", form_data(consultation))
    assert response.status_code == 302, response.content.decode()[:2000]
    record = VoterRecord.objects.get()
    ranking = consultation.questions.get(kind=QuestionKind.RANKING)
    assert record.answers[str(ranking.pk)] == list(reversed([o.pk for o in ranking.options.all()]))
    confirmation = client.get(response["Location"])
    assert "Grazie" in confirmation.content.decode()


def test_the_voting_form_names_the_question_at_fault(client_as, citizen, consultation):
    data = form_data(consultation)
    multiple = consultation.questions.get(kind=QuestionKind.MULTIPLE)
    data[f"q{multiple.pk}"] = [str(o.pk) for o in multiple.options.all()][:3]
    response = client_as(citizen).post(f"/consultazioni/{consultation.pk}/vota/", data)
    assert response.status_code == 400
    assert response.context["form"].errors[f"q{multiple.pk}"]
    assert not VoterRecord.objects.exists()


def test_the_receipt_is_shown_once_and_checks_out(client_as, citizen, secret_consultation):
    client = client_as(citizen)
    response = client.post(
        f"/consultazioni/{secret_consultation.pk}/vota/", form_data(secret_consultation)
    )
    page = client.get(response["Location"])
    receipt = page.context["receipt"]
    assert receipt in page.content.decode()
    assert Ballot.objects.get().receipt_hash == Ballot.hash_receipt(receipt)
    again = client.get(response["Location"])
    assert again.status_code == 302  # gone from the session
    check = client.get(
        f"/consultazioni/{secret_consultation.pk}/verifica-ricevuta/", {"token": receipt}
    )
    assert check.context["found"]["counted"] is True


def test_results_page_has_a_table_and_the_live_script(client, consultation):
    html = client.get(f"/consultazioni/{consultation.pk}/risultati/").content.decode()
    assert (
        "<table" in html
        and "live-results.js" in html
        and f"/ws/consultations/{consultation.pk}/" in html
    )


def test_staff_create_edit_and_close_early(client_as, carta_editor):
    client = client_as(carta_editor)
    now = timezone.localtime()
    response = client.post(
        "/consultazioni/nuova/",
        {
            "title": "Orari degli sportelli",
            "description": "",
            "opens_at": (now + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + datetime.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
            "electorate": "citizens",
            "identity_required": "spid_cie",
            "secrecy": "public",
            "results_visibility": "live",
            "quorum_percent": "10",
            "threshold_percent": "50",
            "azione": "salva",
            **builder_questions(
                ("single", "Quale orario?", ["Mattina", "Pomeriggio"]),
                ("yes_no", "Apertura il sabato?"),
            ),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    consultation = Consultation.objects.get(title="Orari degli sportelli")
    assert [q.kind for q in consultation.questions.all()] == ["single", "yes_no"]
    edit = client.get(f"/consultazioni/{consultation.pk}/modifica/")
    assert 'value="Quale orario?"' in edit.content.decode()
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=now - datetime.timedelta(hours=1)
    )
    closed = client.post(
        f"/consultazioni/{consultation.pk}/chiudi/", {"reason": "Quesito da riformulare"}
    )
    assert closed.status_code == 302
    consultation.refresh_from_db()
    assert consultation.is_closed and consultation.closed_early_reason == "Quesito da riformulare"
    assert AuditEntry.objects.filter(
        verb="consultation.closed_early", reason="Quesito da riformulare"
    ).exists()


def test_staff_pages_are_refused_to_others(client_as, citizen, consultation):
    client = client_as(citizen)
    assert client.get("/consultazioni/nuova/").status_code == 403
    assert client.get(f"/consultazioni/{consultation.pk}/chiudi/").status_code == 403


def test_notices_are_sent_once_on_opening_and_a_day_before_closing(citizen):
    UserFactory.create_batch(2)
    now = timezone.now()
    ConsultationFactory(
        opens_at=now - datetime.timedelta(minutes=5), closes_at=now + datetime.timedelta(hours=20)
    )
    call_command("consultation_notices", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("consultation_notices", stdout=open("/dev/null", "w"))  # noqa: SIM115
    kinds = sorted(Notification.objects.filter(recipient=citizen).values_list("kind", flat=True))
    assert kinds == ["consultation.closing", "consultation.opened"]


def test_organization_notices_go_to_those_who_may_vote_for_them(rep_a, member_a):
    ConsultationFactory(electorate="organizations")
    call_command("consultation_notices", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        rep_a.username
    }


def test_detail_stops_offering_a_vote_once_cast_when_ballots_cannot_change(
    client_as, citizen, consultation, answers_for
):
    consultation.changeable = False
    consultation.save()
    client = client_as(citizen)
    assert client.get(f"/consultazioni/{consultation.pk}/").context["may_vote"] is True
    ballots.cast_ballot(actor=citizen, consultation=consultation, answers=answers_for(consultation))
    assert client.get(f"/consultazioni/{consultation.pk}/").context["may_vote"] is False
