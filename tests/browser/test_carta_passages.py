"""Passages of the Carta in the browser, on a desktop (1280 px) and a phone (375 px): a
citizen selects a passage across bold text and a link, presses "Commenta questo
passaggio", sends the comment with the quote filled in; the passage is then highlighted,
and activating it (click or keyboard) shows its comments only. A quote that is not in the
section comes back with the typed text, the form open and the error next to the field.
Screenshots of each step are kept in ``test-artifacts/`` to be looked at."""

import pytest
from playwright.sync_api import expect

from consultations.charter.models import Comment, RevisionStatus
from tests.browser.conftest import ARTIFACTS, axe_violations, login
from tests.factories import CommentFactory, carta_revision

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BODY = (
    "Il **Segretariato Sociale** risponde entro [2 giorni](https://example.org/tempi) "
    "lavorativi a ogni richiesta.\n\nGli sportelli sono aperti dal lunedì al venerdì."
)
SELECTED = "Sociale risponde entro 2 giorni lavorativi"
COMMENT = "Due giorni sono pochi per le richieste più complesse."

# Selects, in the section's text, from "Sociale" (inside the bold) to "lavorativi" (after
# the link), as a mouse drag would: a Range set on the page's own text nodes.
SELECT = """([key, from, to]) => {
    const body = document.querySelector('.carta-section-body[data-section="' + key + '"]');
    const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    const nodes = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n);
    const start = nodes.find(n => n.data.includes(from));
    const end = nodes.find(n => n.data.includes(to));
    const range = document.createRange();
    range.setStart(start, start.data.indexOf(from));
    range.setEnd(end, end.data.indexOf(to) + to.length);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
}"""


def _draft():
    carta_revision(1, RevisionStatus.ADOPTED, sections=2, services=1)
    draft = carta_revision(2, RevisionStatus.IN_CONSULTATION, sections=2, services=1)
    section = draft.sections.get(key="sezione-2")
    section.body = BODY
    section.save(update_fields=["body"])
    return draft


def _shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"carta-passages-{name}.png"))


def _watch_csp(page):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


@pytest.mark.parametrize("width", [1280, 375])
def test_select_a_passage_comment_on_it_and_find_its_comments(new_page, citizen, password, width):
    draft = _draft()
    other = CommentFactory(revision=draft, section_key="sezione-2", body="Un altro commento.")
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    csp = _watch_csp(page)
    login(page, citizen.username, password)
    page.goto(f"/carta/revisioni/{draft.pk}/")
    section = page.locator("#sezione-sezione-2")
    section.locator(".carta-section-body").scroll_into_view_if_needed()

    page.evaluate(SELECT, ["sezione-2", "Sociale", "lavorativi"])
    menu = section.locator(".carta-passage-menu")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("button", name="Proponi una modifica")).to_be_visible()
    _shot(page, f"{width}-1-selected")
    menu.get_by_role("button", name="Commenta questo passaggio").click()

    quote = section.get_by_label("Passo citato")
    expect(quote).to_have_value(SELECTED)
    expect(section.get_by_label("Il tuo commento")).to_be_focused()
    section.get_by_label("Il tuo commento").fill(COMMENT)
    _shot(page, f"{width}-2-form")
    section.get_by_role("button", name="Pubblica il commento").click()
    expect(page.get_by_text("il commento è stato pubblicato")).to_be_visible()

    comment = Comment.objects.get(body=COMMENT)
    assert comment.quote == SELECTED
    # Anchored where the words are in the Markdown, formatting included.
    assert BODY[comment.quote_start : comment.quote_end] == (
        "Sociale** risponde entro [2 giorni](https://example.org/tempi) lavorativi"
    )

    marks = section.locator(f'mark.carta-passage[data-comments="{comment.pk}"]')
    expect(marks.first).to_be_visible()
    assert marks.count() >= 3  # inside the bold, the plain text, the link's text
    assert "".join(marks.all_text_contents()).replace(" ", "") == SELECTED.replace(" ", "")
    marks.first.scroll_into_view_if_needed()
    _shot(page, f"{width}-3-highlighted")

    marks.nth(1).click()
    comments = section.locator('[data-comments="sezione-2"]')
    expect(comments.locator(f"#commento-{comment.pk}")).to_be_visible()
    expect(comments.locator(f"#commento-{other.pk}")).to_be_hidden()
    status = section.locator(".carta-passage-filter")
    expect(status).to_contain_text("Commenti su questo passaggio: 1.")
    _shot(page, f"{width}-4-its-comments")
    status.get_by_role("button", name="Mostra tutti i commenti").click()
    expect(comments.locator(f"#commento-{other.pk}")).to_be_visible()

    # The keyboard: the highlight is a button in the tab order.
    first = section.locator(f"#passaggio-{comment.pk}")
    first.focus()
    page.keyboard.press("Enter")
    expect(comments.locator(f"#commento-{other.pk}")).to_be_hidden()
    expect(section.locator("#commenti-sezione-2")).to_be_focused()

    assert csp == []
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", [1280, 375])
def test_a_wrong_quote_keeps_the_text_and_shows_the_error_next_to_the_field(
    new_page, citizen, password, width
):
    draft = _draft()
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    login(page, citizen.username, password)
    page.goto(f"/carta/revisioni/{draft.pk}/")
    section = page.locator("#sezione-sezione-2")
    section.get_by_text("Commenta questa sezione").click()
    expect(section.get_by_label("Il tuo commento")).to_be_focused()  # the form is in
    section.get_by_label("Il tuo commento").fill(COMMENT)
    section.get_by_label("Passo citato").fill("risponde entro 3 giorni")
    section.get_by_role("button", name="Pubblica il commento").click()

    section = page.locator("#sezione-sezione-2")
    quote = section.get_by_label("Passo citato")
    error = section.locator("#citazione-sezione-2-errore")
    expect(error).to_be_visible()
    expect(error).to_have_text("Il passo citato non si trova nel testo della sezione.")
    expect(quote).to_have_value("risponde entro 3 giorni")
    expect(quote).to_have_class("form-control is-invalid")
    expect(quote).to_have_attribute(
        "aria-describedby", "citazione-sezione-2-aiuto citazione-sezione-2-errore"
    )
    expect(quote).to_be_focused()  # the page opens on the field at fault
    expect(section.get_by_label("Il tuo commento")).to_have_value(COMMENT)
    expect(section.locator("#commenta-sezione-2")).to_have_attribute("open", "")
    _shot(page, f"{width}-5-wrong-quote")
    assert not Comment.objects.filter(body=COMMENT).exists()

    # Corrected by selecting the passage instead: the same form, now filled.
    page.evaluate(SELECT, ["sezione-2", "risponde", "giorni"])
    section.get_by_role("button", name="Commenta questo passaggio").click()
    expect(quote).to_have_value("risponde entro 2 giorni")
    section.get_by_role("button", name="Pubblica il commento").click()
    expect(page.get_by_text("il commento è stato pubblicato")).to_be_visible()
    assert Comment.objects.get(body=COMMENT).quote == "risponde entro 2 giorni"


def test_proposing_a_change_to_a_selected_passage_selects_it_in_the_text(
    new_page, citizen, password
):
    draft = _draft()
    page = new_page()
    login(page, citizen.username, password)
    page.goto(f"/carta/revisioni/{draft.pk}/")
    section = page.locator("#sezione-sezione-2")
    page.evaluate(SELECT, ["sezione-2", "Sociale", "lavorativi"])
    section.get_by_role("button", name="Proponi una modifica").click()
    text = section.get_by_label("Testo proposto per l'intera sezione")
    expect(text).to_be_focused()
    chosen = text.evaluate("t => t.value.slice(t.selectionStart, t.selectionEnd)")
    assert chosen == "Sociale** risponde entro [2 giorni](https://example.org/tempi) lavorativi"


def test_a_passage_commented_elsewhere_arrives_live_and_is_highlighted_after_reloading(
    new_page, citizen, password
):
    from tests.browser.conftest import wait_for_socket_open, watch_sockets

    draft = _draft()
    reader = new_page()
    watch_sockets(reader)
    reader.goto(f"/carta/revisioni/{draft.pk}/")
    wait_for_socket_open(reader)
    expect(reader.locator("mark.carta-passage")).to_have_count(0)

    # Another person comments from their own browser, typing the quote.
    author = new_page()
    login(author, citizen.username, password)
    author.goto(f"/carta/revisioni/{draft.pk}/")
    section = author.locator("#sezione-sezione-2")
    section.get_by_text("Commenta questa sezione").click()
    expect(section.get_by_label("Il tuo commento")).to_be_focused()  # the form is in
    section.get_by_label("Il tuo commento").fill(COMMENT)
    section.get_by_label("Passo citato").fill("Gli sportelli  sono\naperti")
    section.get_by_role("button", name="Pubblica il commento").click()
    expect(author.get_by_text("il commento è stato pubblicato")).to_be_visible()
    comment = Comment.objects.get(body=COMMENT)
    assert comment.quote == "Gli sportelli sono aperti"

    banner = reader.locator("#carta-new-comments")
    expect(banner).to_be_visible()
    banner.get_by_role("link").click()
    reader.wait_for_load_state()
    mark = reader.locator(f"#passaggio-{comment.pk}")
    expect(mark).to_have_text("Gli sportelli sono aperti")
    mark.click()
    expect(reader.locator(f"#commento-{comment.pk}")).to_be_visible()
    expect(reader.locator('[data-filter-for="sezione-2"]')).to_contain_text(
        "Commenti su questo passaggio: 1."
    )


def test_the_section_editor_previews_markdown_and_the_diff_marks_changes_in_words(
    new_page, carta_editor, password
):
    adopted = carta_revision(1, RevisionStatus.ADOPTED, sections=2, services=1)
    draft = carta_revision(2, RevisionStatus.DRAFT, sections=2, services=1, based_on=adopted)
    page = new_page()
    csp = _watch_csp(page)
    login(page, carta_editor.username, password)
    page.goto(f"/carta/revisioni/{draft.pk}/sezioni/sezione-2/modifica/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifica la sezione «Sezione 2»")
    expect(page.get_by_label("Dentro la sezione")).to_contain_text("1. Sezione 1")
    page.get_by_label("Testo (Markdown)").fill("Il servizio è **gratuito**.\n\n- uno\n- due")
    page.get_by_role("button", name="Anteprima").click()
    preview = page.locator("#anteprima .carta-preview")
    expect(preview.locator("strong")).to_have_text("gratuito")
    expect(preview.locator("li")).to_have_count(2)
    assert page.url.endswith("/sezioni/sezione-2/modifica/")  # htmx: the page stayed
    assert axe_violations(page) == []
    page.get_by_role("button", name="Salva la sezione").click()
    expect(page.get_by_text("La sezione è stata salvata.")).to_be_visible()

    page.goto(f"/carta/revisioni/{draft.pk}/confronto/?con={adopted.pk}")
    changed = page.locator("article", has_text="Sezione 2")
    expect(changed.locator("ins.carta-ins").first).to_contain_text("inizio inserimento")
    expect(changed.locator("del.carta-del").first).to_contain_text("inizio cancellazione")
    styles = changed.locator("ins.carta-ins").first.evaluate(
        "e => getComputedStyle(e).textDecorationLine"
    )
    assert styles == "underline"
    _shot(page, "1280-6-diff")
    assert csp == []
    assert axe_violations(page) == []
