"""One's own data through the pages: a citizen who commented on the Carta opens "I miei
dati" from the profile, reads the comment there, downloads the same data as JSON, then
erases the account; the comment stays on the revision, signed "utente cancellato"."""

import json

import pytest
from playwright.sync_api import expect

from consultations.charter.models import RevisionStatus
from tests.browser.conftest import axe_violations, login, tick
from tests.factories import CommentFactory, carta_revision

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

COMMENT = "Chiederei di indicare gli orari dello sportello anche il sabato."


def test_a_person_reads_downloads_and_erases_their_data(new_page, citizen, password):
    draft = carta_revision(1, RevisionStatus.IN_CONSULTATION, sections=2, services=1)
    CommentFactory(revision=draft, section_key="sezione-1", author=citizen, body=COMMENT)

    page = new_page()
    login(page, citizen.username, password)
    page.goto("/profilo/")
    page.get_by_role("link", name="Vedi e scarica i tuoi dati").click()
    expect(page.get_by_role("heading", name="I miei dati", exact=True)).to_be_visible()
    section = page.locator("#dati-carta_comments")
    expect(section.get_by_role("heading", name="Commenti alla Carta")).to_be_visible()
    expect(section.get_by_role("cell", name=COMMENT)).to_be_visible()
    expect(page.locator("#dati-account")).to_contain_text(citizen.email)
    assert axe_violations(page) == []

    with page.expect_download() as info:
        page.get_by_role("link", name="Scarica in JSON").click()
    download = info.value
    assert download.suggested_filename == f"carta-dati-{citizen.pk}.json"
    with open(download.path(), encoding="utf-8") as file:
        data = json.load(file)
    assert [c["body"] for c in data["carta_comments"]] == [COMMENT]
    assert data["account"]["email"] == citizen.email

    page.goto("/profilo/cancella-account/")
    page.get_by_label("La tua password").fill(password)
    tick(page.get_by_label("Ho capito: l'account sarà cancellato e non potrà essere recuperato"))
    page.get_by_role("button", name="Cancella definitivamente l'account").click()
    expect(page.get_by_text("Il tuo account è stato cancellato.")).to_be_visible()

    page.goto(f"/carta/revisioni/{draft.pk}/")
    comment = page.locator("article", has_text=COMMENT).first
    expect(comment).to_contain_text("utente cancellato")
    expect(comment).not_to_contain_text(citizen.last_name)
