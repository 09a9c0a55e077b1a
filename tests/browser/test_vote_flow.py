"""Votes through the pages: a citizen fills in the ballot of an open consultation with
live results and gets the receipt; a second browser on the results page sees turnout and
tally change without reloading (pushed over /ws/consultations/<id>/)."""

import re

import pytest
from playwright.sync_api import expect

from consultations.voting.models import Ballot, QuestionKind, Secrecy, VoterRecord
from tests.browser.conftest import login, tick, wait_for_socket_message, watch_sockets
from tests.factories import ConsultationFactory

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


def _results_page(new_page, consultation):
    """An anonymous reader on the results page, subscribed to the live tally."""
    observer = new_page()
    watch_sockets(observer)
    observer.goto(f"/consultazioni/{consultation.pk}/risultati/")
    expect(observer.get_by_text("i dati si aggiornano da soli")).to_be_visible()
    wait_for_socket_message(observer)  # the socket's first frame: subscribed
    return observer


def _vote(page, consultation):
    page.goto("/consultazioni/")
    page.get_by_role("link", name=consultation.title).first.click()
    page.get_by_role("link", name="Vota", exact=True).click()
    expect(page.get_by_role("heading", name="La tua scheda")).to_be_visible()
    tick(page.get_by_label("Centro diurno"))
    tick(page.get_by_label("Sì", exact=True))
    page.get_by_role("button", name="Invia il voto").click()
    expect(page.get_by_role("heading", name="Grazie, il voto è stato registrato")).to_be_visible()


def test_a_secret_vote_gives_a_receipt_and_turnout_updates_live(new_page, citizen, password):
    consultation = ConsultationFactory(
        title="Priorità sociali 2026", secrecy=Secrecy.SECRET, questions=QUESTIONS
    )
    observer = _results_page(new_page, consultation)
    turnout = observer.locator('[data-turnout="citizens-ballots"]')
    expect(turnout).to_have_text("0")
    percent = observer.locator('[data-turnout="citizens-percent"]')
    percent_before = percent.inner_text()
    observer.evaluate("window.__notReloaded = true")

    voter = new_page()
    login(voter, citizen.username, password)
    _vote(voter, consultation)
    receipt = voter.locator("#receipt").inner_text().strip()
    assert len(receipt) >= 20

    # Stored: the register knows who voted, the ballot does not; the receipt matches it.
    record = VoterRecord.objects.get(consultation=consultation)
    assert record.voter == citizen
    assert record.answers == {}
    ballot = Ballot.objects.get(consultation=consultation)
    assert ballot.receipt_hash == Ballot.hash_receipt(receipt)
    assert not hasattr(ballot, "voter")

    # Turnout follows without reloading; a secret tally shows nothing until closing.
    expect(turnout).to_have_text("1")
    expect(percent).not_to_have_text(percent_before)
    assert observer.evaluate("window.__notReloaded") is True
    expect(
        observer.get_by_text("I risultati saranno pubblicati alla chiusura della consultazione.")
    ).to_be_visible()

    # The receipt checks out.
    voter.get_by_role("link", name="Verifica una ricevuta").click()
    voter.get_by_label("Codice della ricevuta").fill(receipt)
    voter.get_by_role("button", name="Verifica").click()
    # Still open: the ballot is kept, and counted in the results published at closing.
    expect(voter.get_by_text("è conservata")).to_be_visible()

    # One voter, one ballot: the consultation page says so, and the voting page shows
    # that the vote is cast instead of a second form.
    voter.goto(f"/consultazioni/{consultation.pk}/")
    expect(voter.get_by_text("Hai già votato a titolo personale.")).to_be_visible()
    voter.goto(f"/consultazioni/{consultation.pk}/vota/")
    expect(voter.get_by_text("Hai già votato").first).to_be_visible()
    expect(voter.get_by_role("button", name="Invia il voto")).to_have_count(0)
    assert Ballot.objects.filter(consultation=consultation).count() == 1
    assert VoterRecord.objects.filter(consultation=consultation).count() == 1


def test_a_public_vote_moves_the_live_tally(new_page, citizen, password):
    consultation = ConsultationFactory(
        title="Orari dello sportello", secrecy=Secrecy.PUBLIC, questions=QUESTIONS
    )
    single = consultation.questions.get(kind=QuestionKind.SINGLE)
    chosen = single.options.get(label="Centro diurno")
    observer = _results_page(new_page, consultation)
    count = observer.locator(f'[data-count="citizens-{single.pk}-{chosen.pk}"]')
    expect(count).to_have_text("0")
    observer.evaluate("window.__notReloaded = true")

    voter = new_page()
    login(voter, citizen.username, password)
    _vote(voter, consultation)
    expect(voter.locator("#receipt")).to_have_count(0)  # a named vote has no receipt

    record = VoterRecord.objects.get(consultation=consultation, voter=citizen)
    assert record.answers[str(single.pk)] == chosen.pk

    expect(observer.locator('[data-turnout="citizens-ballots"]')).to_have_text("1")
    expect(count).to_have_text("1")
    # The server renders "100,0" (Italian), the live update "100" (see the report).
    expect(observer.locator(f'[data-percent="citizens-{single.pk}-{chosen.pk}"]')).to_have_text(
        re.compile(r"^100([.,]0)?$")
    )
    assert observer.evaluate("window.__notReloaded") is True
