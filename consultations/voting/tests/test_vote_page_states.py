"""The voting page shows what applies to the person and the consultation's state: the
ballot, "Hai già votato" (with the time and, for a secret ballot, the receipt check),
when it opens, that it is closed, that the organization has voted; a changeable public
ballot comes pre-filled and its change is stored by ``ballots.change_ballot``."""

import datetime

import pytest
from django.utils import timezone

from carta.dates import on_date
from consultations.voting import ballots, services
from consultations.voting.models import QuestionKind, VoterRecord
from consultations.voting.tests.test_pages import form_data
from tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db

BALLOT_BUTTON = "Invia il voto"


def url(consultation):
    return f"/consultazioni/{consultation.pk}/vota/"


def when(moment):
    local = timezone.localtime(moment)
    return on_date(local, "il"), local.strftime("%-H:%M")  # "l'8 ottobre 2026", "9:05"


def test_after_voting_on_the_page_the_page_says_so_with_the_time_and_no_form(
    client_as, citizen, consultation
):
    consultation.changeable = False
    consultation.save()
    client = client_as(citizen)
    assert client.post(url(consultation), form_data(consultation)).status_code == 302
    record = VoterRecord.objects.get()
    page = client.get(url(consultation))
    html = page.content.decode()
    day, time = when(record.voted_at)
    assert page.status_code == 200
    assert f"Hai già votato {day} alle ore {time}." in html.replace("&#x27;", "'")
    assert BALLOT_BUTTON not in html and page.context["form"] is None


def test_after_voting_through_the_api_the_page_says_so(api_as, client_as, citizen, consultation):
    from consultations.voting.tests.conftest import valid_answers

    response = api_as(citizen).post(
        f"/api/v1/consultations/{consultation.pk}/ballots/",
        {"answers": valid_answers(consultation)},
        format="json",
    )
    assert response.status_code == 201, response.content
    html = client_as(citizen).get(url(consultation)).content.decode()
    assert "Hai già votato" in html and BALLOT_BUTTON not in html


def test_a_secret_ballot_cast_points_to_the_receipt_check(
    client_as, citizen, secret_consultation, answers_for
):
    ballots.cast_ballot(
        actor=citizen, consultation=secret_consultation, answers=answers_for(secret_consultation)
    )
    html = client_as(citizen).get(url(secret_consultation)).content.decode()
    assert "Hai già votato" in html and BALLOT_BUTTON not in html
    assert f"/consultazioni/{secret_consultation.pk}/verifica-ricevuta/" in html


def test_before_opening_the_page_says_when_it_opens(client_as, citizen):
    opens = timezone.make_aware(datetime.datetime(2030, 10, 9, 9, 30))
    consultation = ConsultationFactory(opens_at=opens, closes_at=opens + datetime.timedelta(days=7))
    page = client_as(citizen).get(url(consultation))
    html = page.content.decode()
    assert page.status_code == 200
    assert "La consultazione apre il 9 ottobre 2030 alle ore 9:30." in html
    assert BALLOT_BUTTON not in html
    # Submitting anyway is refused the same way, and nothing is stored.
    response = client_as(citizen).post(url(consultation), form_data(consultation))
    assert response.status_code == 409
    assert "La consultazione apre il 9 ottobre 2030" in response.content.decode()
    assert not VoterRecord.objects.exists()


def test_the_eighth_of_the_month_takes_the_elided_article(client_as, citizen):
    opens = timezone.make_aware(datetime.datetime(2030, 10, 8, 9, 0))
    consultation = ConsultationFactory(opens_at=opens, closes_at=opens + datetime.timedelta(days=7))
    html = client_as(citizen).get(url(consultation)).content.decode()
    assert "La consultazione apre l&#x27;8 ottobre 2030 alle ore 9:00." in html


def test_after_an_early_close_the_page_says_it_is_closed(
    client_as, citizen, carta_editor, consultation
):
    services.close_consultation_early(
        actor=carta_editor, consultation=consultation, reason="Quesito da riformulare"
    )
    client = client_as(citizen)
    page = client.get(url(consultation))
    html = page.content.decode()
    assert page.status_code == 200
    assert "La consultazione è chiusa." in html and "Quesito da riformulare" in html
    assert BALLOT_BUTTON not in html
    assert f"/consultazioni/{consultation.pk}/risultati/" in html
    response = client.post(url(consultation), form_data(consultation))
    assert response.status_code == 409 and not VoterRecord.objects.exists()


def test_a_delegate_sees_the_organization_has_voted(
    client_as, rep_a, org_a, org_consultation, answers_for
):
    org_consultation.changeable = False
    org_consultation.save()
    ballots.cast_ballot(
        actor=rep_a,
        consultation=org_consultation,
        answers=answers_for(org_consultation),
        organization=org_a,
    )
    html = client_as(rep_a).get(url(org_consultation)).content.decode()
    assert f"L&#x27;organizzazione {org_a} ha già votato" in html
    assert BALLOT_BUTTON not in html


def test_a_person_voting_both_ways_sees_what_applies_to_each(client_as, rep_a, org_a, answers_for):
    consultation = ConsultationFactory(electorate="both", changeable=False)
    ballots.cast_ballot(
        actor=rep_a,
        consultation=consultation,
        answers=answers_for(consultation),
        organization=org_a,
    )
    client = client_as(rep_a)
    page = client.get(url(consultation))
    html = page.content.decode()
    assert f"L&#x27;organizzazione {org_a} ha già votato" in html
    # Still a ballot to cast personally, and only that one.
    form = page.context["form"]
    assert form is not None and "voting_as" not in form.fields
    assert client.post(url(consultation), form_data(consultation)).status_code == 302
    assert VoterRecord.objects.filter(electorate="citizens", voter=rep_a).exists()
    html = client.get(url(consultation)).content.decode()
    assert "Hai già votato" in html and "ha già votato" in html and BALLOT_BUTTON not in html


def test_a_changeable_ballot_comes_pre_filled_and_the_change_is_stored(
    client_as, citizen, answers_for
):
    consultation = ConsultationFactory(changeable=True)
    question = consultation.questions.get(kind=QuestionKind.YES_NO)
    ballots.cast_ballot(actor=citizen, consultation=consultation, answers=answers_for(consultation))
    client = client_as(citizen)
    page = client.get(url(consultation))
    html = page.content.decode()
    assert "Puoi modificare il voto fino alla chiusura" in html
    form = page.context["form"]
    assert form[f"q{question.pk}"].value() == "yes"  # what was stored
    assert 'value="yes" checked' in html or "checked" in str(form[f"q{question.pk}"])
    data = form_data(consultation)
    data[f"q{question.pk}"] = "abstain"
    response = client.post(url(consultation), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    record = VoterRecord.objects.get()
    assert record.answers[str(question.pk)] == "abstain" and record.changed_at is not None
    assert VoterRecord.objects.count() == 1
    # The tally moved from yes to abstain (the service's difference).
    from consultations.voting.selectors import summed_counts

    counts = summed_counts(consultation.pk)["citizens"]
    assert counts[f"{question.pk}:abstain"] == 1 and counts.get(f"{question.pk}:yes", 0) == 0
    assert counts["ballots"] == 1
    confirmation = client.get(response["Location"])
    assert "modificato" in confirmation.content.decode()


def test_a_changeable_organization_ballot_is_changed_for_the_organization(
    client_as, rep_a, org_a, answers_for
):
    consultation = ConsultationFactory(electorate="organizations", changeable=True)
    question = consultation.questions.get(kind=QuestionKind.YES_NO)
    ballots.cast_ballot(
        actor=rep_a,
        consultation=consultation,
        answers=answers_for(consultation),
        organization=org_a,
    )
    client = client_as(rep_a)
    page = client.get(url(consultation))
    assert page.context["form"][f"q{question.pk}"].value() == "yes"
    data = {**form_data(consultation), f"q{question.pk}": "no"}
    assert client.post(url(consultation), data).status_code == 302
    record = VoterRecord.objects.get()
    assert record.organization == org_a and record.answers[str(question.pk)] == "no"


def test_a_secret_ballot_is_never_changeable_on_the_page(client_as, citizen, answers_for):
    # Refused by the services when created; a row that says otherwise still is not.
    consultation = ConsultationFactory(secrecy="secret", changeable=True)
    ballots.cast_ballot(actor=citizen, consultation=consultation, answers=answers_for(consultation))
    html = client_as(citizen).get(url(consultation)).content.decode()
    assert "Hai già votato" in html and BALLOT_BUTTON not in html


def test_the_consultation_page_offers_to_change_a_changeable_ballot(
    client_as, citizen, answers_for
):
    consultation = ConsultationFactory(changeable=True)
    client = client_as(citizen)
    assert ">Vota</a>" in client.get(f"/consultazioni/{consultation.pk}/").content.decode()
    ballots.cast_ballot(actor=citizen, consultation=consultation, answers=answers_for(consultation))
    page = client.get(f"/consultazioni/{consultation.pk}/")
    assert page.context["may_vote"] is True
    assert ">Modifica il voto</a>" in page.content.decode()
