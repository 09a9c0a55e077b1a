"""A comment on a draft of the Carta in consultation: a signed-in citizen comments on a
section, quoting a passage; a second browser reading the same revision is told live,
over /ws/carta/revisions/<id>/, that a comment arrived, and reads it after reloading
(the page announces new comments, it does not insert them)."""

import re

import pytest
from playwright.sync_api import expect

from consultations.charter.models import Comment, RevisionStatus
from tests.browser.conftest import login, wait_for_socket_open, watch_sockets
from tests.factories import carta_revision

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

COMMENT = "Servirebbe indicare anche gli orari del sabato mattina."
RELOAD_HINT = "Ricarica la pagina per leggerlo."
QUOTE = "il Segretariato Sociale risponde entro 2 giorni"


def test_a_section_comment_arrives_live_to_another_reader(new_page, citizen, password):
    carta_revision(1, RevisionStatus.ADOPTED, sections=3, services=1)
    draft = carta_revision(2, RevisionStatus.IN_CONSULTATION, sections=3, services=1)
    section = draft.sections.get(key="sezione-2")
    assert QUOTE in section.body

    # An anonymous reader has the draft open.
    reader = new_page()
    watch_sockets(reader)
    reader.goto(f"/carta/revisioni/{draft.pk}/")
    expect(
        reader.locator("#carta-revision").get_by_role("link", name="Accedi", exact=True)
    ).to_be_visible()
    wait_for_socket_open(reader)  # subscribed: the consumer joins before accepting
    banner = reader.locator("#carta-new-comments")
    expect(banner).to_be_hidden()
    reader.evaluate("window.__notReloaded = true")

    # A citizen finds the draft from the revisions list and comments on section 2.
    author = new_page()
    login(author, citizen.username, password)
    author.goto("/carta/revisioni/")
    author.get_by_role("link", name=draft.title).first.click()
    section_block = author.locator(f"#sezione-{section.key}")
    section_block.get_by_text("Commenta questa sezione").click()
    # The form arrives with the focus in its text, as a reader sees it: typing before the
    # focus lands would put the next field's words in the comment.
    expect(section_block.get_by_label("Il tuo commento")).to_be_focused()
    section_block.get_by_label("Il tuo commento").fill(COMMENT)
    section_block.get_by_label("Passo citato").fill(QUOTE)
    section_block.get_by_role("button", name="Pubblica il commento").click()
    expect(author.get_by_text("il commento è stato pubblicato")).to_be_visible()

    comment = Comment.objects.get(revision=draft)
    assert (comment.author, comment.section_key, comment.body) == (citizen, section.key, COMMENT)
    assert comment.quote == QUOTE
    assert comment.organization is None
    assert section.body[comment.quote_start : comment.quote_end] == QUOTE
    posted = author.locator(f"#commento-{comment.pk}")
    expect(posted).to_contain_text(COMMENT)
    expect(posted).to_contain_text(f"«{QUOTE}»")
    expect(author.locator(f"#sezione-{section.key} div[data-comments]")).to_contain_text(COMMENT)

    # The reader is told live, without reloading, in the banner and the live region.
    expect(banner).to_be_visible()
    expect(banner).to_have_text(f"Nuovo commento di {citizen.display_name}. " + RELOAD_HINT)
    expect(reader.locator("#carta-live-comments")).to_have_text(banner.inner_text())
    assert reader.evaluate("window.__notReloaded") is True
    expect(reader.get_by_text(COMMENT)).to_have_count(0)
    link = banner.get_by_role("link")
    expect(link).to_have_attribute(
        "href",
        re.compile(rf"/carta/revisioni/{draft.pk}/\?nuovo={comment.pk}#commento-{comment.pk}$"),
    )

    # Following the link loads the page again: the comment is under its section, with the
    # quoted passage.
    link.click()
    reader.wait_for_load_state()
    under_section = reader.locator(f"#sezione-{section.key} div[data-comments]")
    expect(under_section).to_contain_text(COMMENT)
    expect(under_section).to_contain_text(f"«{QUOTE}»")
    expect(reader.get_by_text("1 commento", exact=False).first).to_be_visible()
    other_section = reader.locator("#sezione-sezione-1 div[data-comments]")
    expect(other_section).to_contain_text("Nessun commento su questa sezione.")
