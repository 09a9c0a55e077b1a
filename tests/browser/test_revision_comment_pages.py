"""A busy section in the browser: the revision page shows its most recent threads; a
commented passage whose comments are older opens the section's page that holds them, and
a link to an older comment (as notifications and the moderation queue give) lands on it."""

import pytest
from playwright.sync_api import expect

from consultations.charter.models import RevisionStatus
from consultations.charter.services import post_comment
from consultations.charter.views import SECTION_THREADS
from tests.browser.conftest import login
from tests.factories import CommentFactory, UserFactory, carta_revision

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BODY = "Gli sportelli sono aperti dal lunedì al venerdì, dalle 9 alle 13."
QUOTE = "dal lunedì al venerdì"


def test_older_comments_are_reached_from_their_passage_and_their_link(page):
    carta_revision(1, RevisionStatus.ADOPTED, sections=2, services=1)
    draft = carta_revision(2, RevisionStatus.IN_CONSULTATION, sections=2, services=1)
    section = draft.sections.get(key="sezione-1")
    section.body = BODY
    section.save(update_fields=["body"])
    oldest = post_comment(
        actor=UserFactory(username="cittadina_attenta"),
        revision=draft,
        section_key="sezione-1",
        body="Serve anche il sabato mattina.",
        quote=QUOTE,
    )
    for n in range(SECTION_THREADS + 2):
        CommentFactory(revision=draft, section_key="sezione-1", body=f"Altro commento {n}")

    page.goto(draft.get_absolute_url())
    block = page.locator("#sezione-sezione-1")
    expect(block.locator(f"#commento-{oldest.pk}")).to_have_count(0)
    expect(block.get_by_text(f"Qui sotto i {SECTION_THREADS} commenti più recenti")).to_be_visible()
    # The passage is still marked: activating it opens the page that holds its comment.
    block.locator(f'mark.carta-passage[data-comments="{oldest.pk}"]').first.click()
    expect(page).to_have_url(
        f"{draft.get_absolute_url()}?commento={oldest.pk}#commento-{oldest.pk}"
    )
    expect(page.locator(f"#commento-{oldest.pk}")).to_contain_text("Serve anche il sabato")
    expect(page.get_by_text("Commenti da 1 a")).to_be_visible()

    # A link to it with the anchor only (an older URL, a notification) finds it too.
    page.goto(f"{draft.get_absolute_url()}#commento-{oldest.pk}")
    expect(page).to_have_url(
        f"{draft.get_absolute_url()}?commento={oldest.pk}#commento-{oldest.pk}"
    )
    expect(page.locator(f"#commento-{oldest.pk}")).to_be_visible()


@pytest.mark.parametrize("width", [1280, 375])
def test_a_comments_forms_come_when_asked_and_work(new_page, citizen, password, width):
    """The links under a comment load their form in place (htmx), with the focus in it;
    the reply is published; the section's comment form comes the same way."""
    carta_revision(1, RevisionStatus.ADOPTED, sections=2, services=1)
    draft = carta_revision(2, RevisionStatus.IN_CONSULTATION, sections=2, services=1)
    comment = CommentFactory(revision=draft, section_key="sezione-1", body="Serve il sabato.")
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    login(page, citizen.username, password)
    page.goto(draft.get_absolute_url())
    thread = page.locator(f"#commento-{comment.pk}")
    expect(thread.locator("form")).to_have_count(0)
    thread.get_by_role("link", name="Rispondi").click()
    answer = thread.get_by_label("La tua risposta")
    expect(answer).to_be_focused()
    expect(page).to_have_url(draft.get_absolute_url())  # in place, not a new page
    answer.fill("Anche la domenica, se possibile.")
    thread.get_by_role("button", name="Invia la risposta").click()
    expect(page.locator(".alert-success")).to_contain_text("il commento è stato pubblicato")
    expect(page.locator(f"#commento-{comment.pk}")).to_contain_text("Anche la domenica")

    section = page.locator("#sezione-sezione-2")
    section.get_by_role("link", name="Commenta questa sezione").click()
    text = section.get_by_label("Il tuo commento")
    expect(text).to_be_focused()
    text.fill("Un commento scritto dal modulo caricato a richiesta.")
    section.get_by_role("button", name="Pubblica il commento").click()
    expect(page.locator("#sezione-sezione-2")).to_contain_text("caricato a richiesta")


def test_without_javascript_a_forms_link_opens_the_page_with_it(new_page, citizen, password):
    carta_revision(1, RevisionStatus.ADOPTED, sections=2, services=1)
    draft = carta_revision(2, RevisionStatus.IN_CONSULTATION, sections=2, services=1)
    comment = CommentFactory(revision=draft, section_key="sezione-1", body="Serve il sabato.")
    page = new_page()
    login(page, citizen.username, password)
    page.route("**/htmx.min.js", lambda route: route.abort())  # no htmx: plain links
    page.goto(draft.get_absolute_url())
    page.locator(f"#commento-{comment.pk}").get_by_role("link", name="Rispondi").click()
    expect(page).to_have_url(
        f"{draft.get_absolute_url()}?rispondi={comment.pk}#rispondi-{comment.pk}"
    )
    answer = page.locator(f"#commento-{comment.pk}").get_by_label("La tua risposta")
    expect(answer).to_be_visible()
    answer.fill("Risposta senza JavaScript.")
    page.get_by_role("button", name="Invia la risposta").click()
    expect(page.locator(f"#commento-{comment.pk}")).to_contain_text("Risposta senza JavaScript")
