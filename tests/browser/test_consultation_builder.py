"""The consultation builder in a browser: an officer of the Carta builds a consultation of
two questions with the form (no mini-language), moves one up, previews the ballot, saves
and the consultation opens; a citizen sees the same ballot. On a phone's width (375 px)
the builder fits the screen; nothing breaks the Content-Security-Policy."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consultations.voting.models import Consultation
from proposals.states import ProposalState
from tests.browser.conftest import axe_violations, login, tick
from tests.factories import ProposalFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _csp_watch(page) -> list[str]:
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return found


def _question(page, number):
    return page.locator("fieldset[data-builder-question]").nth(number - 1)


def _build(page, proposal):
    page.goto("/consultazioni/nuova/")
    expect(page.get_by_role("heading", name="Nuova consultazione")).to_be_visible()
    page.locator("#id_title").fill("Priorità dei servizi 2027")
    now = timezone.now()
    page.locator("#id_opens_at").fill(_local(now + datetime.timedelta(days=1)))
    page.locator("#id_closes_at").fill(_local(now + datetime.timedelta(days=8)))
    page.get_by_label("Identità richiesta per votare").select_option("email")

    first = _question(page, 1)
    first.get_by_label("Testo della domanda").fill("Approvi il nuovo orario dello sportello?")
    first.get_by_label("Tipo di risposta").select_option("yes_no")
    # With JavaScript the options of a yes/no question are put away.
    expect(first.locator("[data-builder-options]")).to_be_hidden()

    page.get_by_role("button", name="Aggiungi una domanda").click()
    second = _question(page, 2)
    expect(second.get_by_label("Testo della domanda")).to_be_focused()
    second.get_by_label("Testo della domanda").fill("Quali servizi rafforzare?")
    second.get_by_label("Tipo di risposta").select_option("multiple")
    second.get_by_label("Quante opzioni si possono scegliere al massimo").fill("2")
    options = second.locator("fieldset.carta-builder-option")
    options.nth(0).get_by_label("Testo dell'opzione").fill("Centro diurno")
    options.nth(0).get_by_label("Descrizione").fill("Aperto anche il sabato")
    linked = options.nth(0).get_by_label("Proposta collegata")
    linked.fill("Centro diurno")
    # The suggestions come from the builder's search, as a datalist.
    datalist = options.nth(0).locator("datalist option")
    expect(datalist).to_have_count(1)
    assert datalist.first.get_attribute("value") == f"{proposal.pk} — Centro diurno del sabato"
    linked.fill(datalist.first.get_attribute("value"))
    options.nth(1).get_by_label("Testo dell'opzione").fill("Trasporto sociale")
    second.get_by_role("button", name="Aggiungi un'opzione").click()
    third = _question(page, 2).locator("fieldset.carta-builder-option").nth(2)
    expect(third.get_by_label("Testo dell'opzione")).to_be_focused()
    third.get_by_label("Testo dell'opzione").fill("Assistenza domiciliare")

    # The multiple-choice question goes first; what was typed stays.
    _question(page, 2).get_by_role("button", name="Sposta su la domanda 2").click()
    expect(_question(page, 1).get_by_label("Testo della domanda")).to_have_value(
        "Quali servizi rafforzare?"
    )
    expect(_question(page, 2).get_by_label("Testo della domanda")).to_have_value(
        "Approvi il nuovo orario dello sportello?"
    )
    expect(page.locator("#id_title")).to_have_value("Priorità dei servizi 2027")


def test_an_officer_builds_previews_and_saves_and_a_voter_sees_the_same_ballot(
    new_page, carta_editor, citizen, password
):
    proposal = ProposalFactory(state=ProposalState.PUBLISHED, title="Centro diurno del sabato")
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    violations = _csp_watch(page)
    login(page, carta_editor.username, password)
    _build(page, proposal)

    page.get_by_role("button", name="Anteprima della scheda").click()
    preview = page.locator("#anteprima")
    expect(preview.get_by_role("heading", name="Anteprima della scheda")).to_be_visible()
    expect(preview.get_by_text("Puoi scegliere fino a 2 opzioni.")).to_be_visible()
    expect(preview.get_by_label(re.compile("^Centro diurno"))).to_be_visible()
    expect(preview.get_by_text("Aperto anche il sabato")).to_be_visible()
    expect(preview.get_by_label("Astensione")).to_be_visible()
    assert not Consultation.objects.exists()
    preview_questions = preview.locator("legend").all_inner_texts()

    page.get_by_role("button", name="Salva", exact=True).click()
    expect(page.get_by_text("Consultazione creata.")).to_be_visible()
    consultation = Consultation.objects.get()
    stored = [
        (q.kind, q.text, q.max_choices, [o.label for o in q.options.all()])
        for q in consultation.questions.all()
    ]
    assert stored == [
        (
            "multiple",
            "Quali servizi rafforzare?",
            2,
            ["Centro diurno", "Trasporto sociale", "Assistenza domiciliare"],
        ),
        ("yes_no", "Approvi il nuovo orario dello sportello?", None, []),
    ]
    assert consultation.questions.first().options.first().proposal == proposal
    subject = page.locator("#oggetto")
    expect(subject.get_by_role("link", name=f"Proposta n. {proposal.pk}")).to_have_attribute(
        "href", f"/proposte/{proposal.pk}/"
    )
    assert violations == [], violations

    # The consultation opens (its opening moved to now), and a citizen votes on it.
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    voter = new_page()
    login(voter, citizen.username, password)
    voter.goto(f"/consultazioni/{consultation.pk}/vota/")
    expect(voter.get_by_role("heading", name="La tua scheda")).to_be_visible()
    ballot = voter.locator("form[method=post]").last
    assert ballot.locator("legend").all_inner_texts() == preview_questions
    expect(
        voter.locator("#oggetto").get_by_role("link", name=re.compile("Proposta n."))
    ).to_be_visible()
    tick(voter.get_by_label(re.compile("^Centro diurno")))
    tick(voter.get_by_label("Trasporto sociale"))
    tick(voter.get_by_label("Sì", exact=True))
    voter.get_by_role("button", name="Invia il voto").click()
    expect(voter.get_by_role("heading", name="Grazie, il voto è stato registrato")).to_be_visible()


def test_on_a_phone_the_builder_fits_the_screen(new_page, carta_editor, password):
    proposal = ProposalFactory(state=ProposalState.PUBLISHED, title="Centro diurno del sabato")
    page = new_page()
    page.set_viewport_size({"width": 375, "height": 800})
    login(page, carta_editor.username, password)
    _build(page, proposal)
    page.get_by_role("button", name="Anteprima della scheda").click()
    expect(page.locator("#anteprima")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the builder is {width} px wide on a 375 px screen"
    assert axe_violations(page) == []
    # Refused data comes back next to the field, typed text kept.
    _question(page, 1).get_by_label("Quante opzioni si possono scegliere al massimo").fill("9")
    page.get_by_role("button", name="Salva", exact=True).click()
    expect(page.locator("[data-carta-error-summary]")).to_be_focused()
    expect(
        page.get_by_text("Il massimo non può superare il numero delle opzioni").last
    ).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert not Consultation.objects.exists()


def test_without_javascript_the_buttons_still_work(browser, asgi_server, carta_editor, password):
    context = browser.new_context(base_url=asgi_server, locale="it-IT", java_script_enabled=False)
    try:
        page = context.new_page()
        login(page, carta_editor.username, password)
        page.goto("/consultazioni/nuova/")
        _question(page, 1).get_by_label("Testo della domanda").fill("Prima domanda?")
        page.get_by_role("button", name="Aggiungi una domanda").click()
        expect(page.locator("fieldset[data-builder-question]")).to_have_count(2)
        expect(_question(page, 1).get_by_label("Testo della domanda")).to_have_value(
            "Prima domanda?"
        )
        _question(page, 1).get_by_role("button", name="Rimuovi la domanda 1").click()
        expect(page.locator("fieldset[data-builder-question]")).to_have_count(1)
        expect(_question(page, 1).get_by_label("Testo della domanda")).to_have_value("")
    finally:
        context.close()
