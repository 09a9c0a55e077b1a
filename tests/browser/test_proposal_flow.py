"""A proposal's life through the pages: an organization's editor writes and submits it,
a moderator publishes it from the moderation queue, a citizen comments on it, and an
anonymous visitor reads the comment."""

import pytest
from playwright.sync_api import expect

from proposals.models import Proposal, ProposalComment, ProposalTransition
from proposals.states import ProposalState
from tests.browser.conftest import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Sabato insieme al centro diurno"
COMMENT = "Mia madre ci andrebbe volentieri: servirebbe anche il trasporto da Collepietro."


def test_a_proposal_is_submitted_published_and_commented(
    new_page, org_a, editor_a, moderator, citizen, password
):
    # The editor of organization A writes a proposal...
    author = new_page()
    login(author, editor_a.username, password)
    author.goto("/proposte/")
    author.get_by_role("link", name="Scrivi una proposta").first.click()
    expect(author.get_by_role("heading", name="Scrivi una proposta")).to_be_visible()
    author.get_by_label("A nome di").select_option(label=org_a.legal_name)
    author.get_by_label("Titolo").fill(TITLE)
    author.get_by_label("Sintesi").fill("Apertura del centro diurno anche il sabato mattina.")
    author.get_by_label("Descrizione del progetto").fill(
        "## Attività\n\n- laboratorio di memoria\n- pranzo condiviso"
    )
    author.get_by_label("Area di intervento").select_option("elderly")
    author.get_by_label("Destinatari").fill("Persone anziane e le loro famiglie")
    author.get_by_label("Stima del costo (euro)").fill("8500")
    author.get_by_role("button", name="Salva").click()
    expect(author.get_by_text("La bozza è stata salvata")).to_be_visible()
    expect(author.get_by_role("heading", level=1)).to_have_text(TITLE)
    # The Markdown body is rendered.
    expect(author.get_by_role("heading", name="Attività")).to_be_visible()

    proposal = Proposal.objects.get(title=TITLE)
    assert proposal.state == ProposalState.DRAFT
    assert proposal.organization == org_a
    assert proposal.budget_estimate == 8500

    # ... and submits it.
    author.get_by_role("link", name="Presenta", exact=True).click()
    author.get_by_role("button", name="Conferma").click()
    expect(author.get_by_text("la proposta è ora nello stato «Presentata»")).to_be_visible()
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SUBMITTED
    assert proposal.submitted_at is not None

    # A draft or submitted proposal is not public.
    visitor = new_page()
    visitor.goto("/proposte/")
    expect(visitor.get_by_role("link", name=TITLE)).to_have_count(0)

    # A moderator publishes it from the moderation queue.
    staff = new_page()
    login(staff, moderator.username, password)
    staff.goto("/proposte/moderazione/")
    staff.get_by_role("link", name=TITLE).click()
    staff.get_by_role("link", name="Pubblica", exact=True).click()
    staff.get_by_label("Motivazione").fill("Completa e conforme.")
    staff.get_by_role("button", name="Conferma").click()
    expect(staff.get_by_text("la proposta è ora nello stato «Pubblicata»")).to_be_visible()
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.PUBLISHED
    assert proposal.published_at is not None
    steps = list(
        ProposalTransition.objects.filter(proposal=proposal)
        .order_by("created_at")
        .values_list("to_state", "actor__username")
    )
    assert steps == [
        (ProposalState.SUBMITTED, editor_a.username),
        (ProposalState.PUBLISHED, moderator.username),
    ]
    staff.goto("/proposte/moderazione/")
    expect(staff.get_by_text("Nessuna proposta in attesa di verifica.")).to_be_visible()

    # A citizen finds it in the public list and comments on it.
    reader = new_page()
    login(reader, citizen.username, password)
    reader.goto("/proposte/")
    reader.get_by_role("link", name=TITLE).click()
    reader.get_by_label("Il tuo commento").fill(COMMENT)
    reader.get_by_role("button", name="Pubblica il commento").click()
    expect(reader.locator("#commenti-elenco article")).to_contain_text(COMMENT)
    comment = ProposalComment.objects.get(proposal=proposal)
    assert (comment.author, comment.body, comment.organization) == (citizen, COMMENT, None)

    # An anonymous visitor reads the proposal and the comment, and cannot comment.
    visitor.goto("/proposte/")
    visitor.get_by_role("link", name=TITLE).click()
    article = visitor.locator(f"#commento-{comment.pk}")
    expect(article).to_contain_text(COMMENT)
    expect(article).to_contain_text(citizen.display_name)
    expect(visitor.get_by_label("Il tuo commento")).to_have_count(0)
