"""Moderation from the pages (issue 18, item 6): a moderator hides a comment nobody
flagged, from the proposal's page and from the Carta's draft, giving the public reason;
a citizen flags a resource from its page and the moderator hides it, after which the
public gets a 404."""

import pytest
from playwright.sync_api import expect

from carta.models import Flag, ModerationEntry
from consultations.charter.models import Comment, RevisionStatus
from proposals.states import ProposalState
from tests.browser.conftest import login
from tests.factories import (
    ProposalCommentFactory,
    ProposalFactory,
    ResourceFactory,
    carta_revision,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RUDE = "Quelli del comitato sono tutti incapaci e disonesti."
REASON = "Offende persone riconoscibili"


def test_a_moderator_hides_an_unflagged_proposal_comment_from_the_page(
    new_page, org_a, moderator, citizen, password
):
    proposal = ProposalFactory(organization=org_a, state=ProposalState.PUBLISHED)
    comment = ProposalCommentFactory(proposal=proposal, author=citizen, body=RUDE)
    assert not Flag.objects.exists()

    page = new_page()
    login(page, moderator.username, password)
    page.goto(f"/proposte/{proposal.pk}/")
    block = page.locator(f"#commento-{comment.pk}")
    expect(block).to_contain_text(RUDE)
    block.get_by_text("Nascondi (moderazione)").click()
    block.get_by_label("Motivo pubblico").fill(REASON)
    block.get_by_role("button", name="Nascondi").click()
    expect(page.get_by_text("Il contenuto è stato nascosto.")).to_be_visible()

    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_by == moderator
    assert comment.hidden_reason == REASON
    entry = ModerationEntry.objects.get()
    assert (entry.action, entry.object_id, entry.reason) == ("hidden", comment.pk, REASON)

    visitor = new_page()
    visitor.goto(f"/proposte/{proposal.pk}/")
    hidden = visitor.locator(f"#commento-{comment.pk}")
    expect(hidden).to_contain_text(REASON)
    expect(hidden).not_to_contain_text(RUDE)


def test_a_moderator_hides_an_unflagged_carta_comment_from_the_draft(
    new_page, moderator, citizen, password
):
    carta_revision(1, RevisionStatus.ADOPTED, sections=2, services=1)
    draft = carta_revision(2, RevisionStatus.IN_CONSULTATION, sections=2, services=1)
    section = draft.sections.get(key="sezione-1")
    comment = Comment.objects.create(
        revision=draft, section_key=section.key, author=citizen, body=RUDE
    )

    page = new_page()
    login(page, moderator.username, password)
    page.goto(f"/carta/revisioni/{draft.pk}/")
    block = page.locator(f"#commento-{comment.pk}")
    block.get_by_text("Nascondi (moderazione)").click()
    block.get_by_label("Motivo pubblico").fill(REASON)
    block.get_by_role("button", name="Conferma").click()
    expect(page.get_by_text("Il contenuto è stato nascosto.")).to_be_visible()
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_reason == REASON


def test_a_citizen_flags_a_resource_and_a_moderator_hides_it(
    new_page, org_a, rep_a, moderator, citizen, password
):
    resource = ResourceFactory(
        organization=org_a, title="Pulmino attrezzato", description="Chiamate Mario al 333..."
    )
    url = f"/risorse/{resource.pk}/"

    page = new_page()
    login(page, citizen.username, password)
    page.goto(url)
    page.get_by_text("Segnala questa risorsa alla moderazione").click()
    page.get_by_label("Motivo della segnalazione").fill("C'è il cellulare di un privato")
    page.get_by_role("button", name="Segnala").click()
    expect(page.get_by_text("la segnalazione è stata inviata alla moderazione")).to_be_visible()
    flag = Flag.objects.get()
    assert (flag.reporter, flag.content_type.model, flag.object_id) == (
        citizen,
        "resource",
        resource.pk,
    )
    assert flag.status == "open"

    # The moderator finds it in the queue, opens the resource and hides it there.
    staff = new_page()
    login(staff, moderator.username, password)
    staff.goto("/proposte/moderazione/?contenuti=tutti")
    row = staff.locator(f"#segnalazione-{flag.pk}")
    expect(row).to_contain_text(f"Risorsa n. {resource.pk}")
    row.get_by_role("link").first.click()
    expect(staff).to_have_url(f"{staff.url.split('/risorse/')[0]}{url}")
    staff.get_by_text("Nascondi (moderazione)").click()
    staff.get_by_label("Motivo pubblico").fill("Dati personali di terzi")
    staff.get_by_role("button", name="Nascondi").click()
    expect(staff.get_by_text("Il contenuto è stato nascosto.")).to_be_visible()
    expect(staff.get_by_text("Questa risorsa è stata nascosta dalla moderazione")).to_be_visible()

    resource.refresh_from_db()
    flag.refresh_from_db()
    assert resource.is_hidden and flag.status == "upheld"
    response = page.goto(url)
    assert response.status == 404
    page.goto("/risorse/")
    expect(page.get_by_text("Pulmino attrezzato")).to_have_count(0)
