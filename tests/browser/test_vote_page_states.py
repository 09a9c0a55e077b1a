"""The voting page follows the consultation's state and the person's ballot: after voting
it says so (no ballot form); a changeable ballot comes back pre-filled and its change is
stored; before opening it says when it opens; after closing, that it is closed."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consultations.voting.models import IdentityRequirement, QuestionKind, VoterRecord
from tests.browser.conftest import login, tick
from tests.factories import ConsultationFactory, give_identity

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

QUESTIONS = [
    {
        "kind": QuestionKind.SINGLE,
        "text": "Quale servizio rafforzare?",
        "options": ["Assistenza domiciliare", "Centro diurno", "Trasporto sociale"],
    },
    {"kind": QuestionKind.YES_NO, "text": "Approvi il nuovo orario dello sportello?"},
]


def _vote(page, consultation):
    page.goto(f"/consultazioni/{consultation.pk}/vota/")
    expect(page.get_by_role("heading", name="La tua scheda")).to_be_visible()
    tick(page.get_by_label("Centro diurno"))
    tick(page.get_by_label("Sì", exact=True))
    page.get_by_role("button", name="Invia il voto").click()
    expect(page.get_by_role("heading", name="Grazie, il voto è stato registrato")).to_be_visible()


def test_after_voting_the_page_says_so_instead_of_the_form(page, citizen, password):
    consultation = ConsultationFactory(title="Orari dello sportello", questions=QUESTIONS)
    login(page, citizen.username, password)
    _vote(page, consultation)

    page.goto(f"/consultazioni/{consultation.pk}/vota/")
    expect(page.get_by_role("heading", name="Il tuo voto")).to_be_visible()
    expect(page.get_by_text("Hai già votato")).to_be_visible()
    expect(page.get_by_role("button", name="Invia il voto")).to_have_count(0)
    expect(page.get_by_label("Centro diurno")).to_have_count(0)
    assert VoterRecord.objects.filter(consultation=consultation).count() == 1


def test_a_changeable_ballot_comes_back_pre_filled_and_the_change_is_stored(
    page, citizen, password
):
    give_identity(citizen)
    consultation = ConsultationFactory(
        title="Priorità 2027",
        questions=QUESTIONS,
        changeable=True,
        identity_required=IdentityRequirement.SPID_CIE,
    )
    single = consultation.questions.get(kind=QuestionKind.SINGLE)
    yes_no = consultation.questions.get(kind=QuestionKind.YES_NO)
    login(page, citizen.username, password)
    _vote(page, consultation)

    page.goto(f"/consultazioni/{consultation.pk}/vota/")
    expect(page.get_by_text("Puoi modificare il voto fino alla chiusura")).to_be_visible()
    expect(page.get_by_label("Centro diurno")).to_be_checked()
    expect(page.get_by_label("Sì", exact=True)).to_be_checked()
    tick(page.get_by_label("Trasporto sociale"))
    tick(page.get_by_label("No", exact=True))
    page.get_by_role("button", name="Salva il voto modificato").click()
    expect(page.get_by_role("heading", name="Grazie, il voto è stato modificato")).to_be_visible()

    record = VoterRecord.objects.get(consultation=consultation)
    chosen = single.options.get(label="Trasporto sociale")
    assert record.answers == {str(single.pk): chosen.pk, str(yes_no.pk): "no"}
    assert record.changed_at is not None

    # Back again: the change is what the page shows.
    page.goto(f"/consultazioni/{consultation.pk}/vota/")
    expect(page.get_by_label("Trasporto sociale")).to_be_checked()
    expect(page.get_by_text("Il voto è stato modificato")).to_be_visible()


def test_a_consultation_not_yet_open_says_when_it_opens(page, citizen, password):
    opens = timezone.make_aware(datetime.datetime(2031, 3, 9, 10, 0))
    consultation = ConsultationFactory(
        questions=QUESTIONS, opens_at=opens, closes_at=opens + datetime.timedelta(days=7)
    )
    login(page, citizen.username, password)
    page.goto(f"/consultazioni/{consultation.pk}/vota/")
    expect(
        page.get_by_text("La consultazione apre il 9 marzo 2031 alle ore 10:00.")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Invia il voto")).to_have_count(0)


def test_a_closed_consultation_says_it_is_closed(page, citizen, password):
    now = timezone.now()
    consultation = ConsultationFactory(
        questions=QUESTIONS,
        opens_at=now - datetime.timedelta(days=8),
        closes_at=now - datetime.timedelta(days=1),
    )
    login(page, citizen.username, password)
    page.goto(f"/consultazioni/{consultation.pk}/vota/")
    expect(page.get_by_text("La consultazione è chiusa.")).to_be_visible()
    expect(page.get_by_role("button", name="Invia il voto")).to_have_count(0)
    page.get_by_role("link", name="Vedi i risultati").click()
    expect(page).to_have_url(re.compile(rf"/consultazioni/{consultation.pk}/risultati/$"))
