"""A busy section in the browser: the revision page shows its most recent threads; a
commented passage whose comments are older opens the section's page that holds them, and
a link to an older comment (as notifications and the moderation queue give) lands on it."""

import pytest
from playwright.sync_api import expect

from consultations.charter.models import RevisionStatus
from consultations.charter.services import post_comment
from consultations.charter.views import SECTION_THREADS
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
