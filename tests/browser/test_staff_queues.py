"""Staff queues through the pages (issue 18): a moderator dismisses one flag and hides a
flagged comment from the moderation queue; a complaint officer filters the complaint queue
by overdue and reads the days overdue."""

import pytest
from playwright.sync_api import expect

from carta import moderation
from carta.models import Flag, ModerationEntry
from feedback.models import ComplaintStatus
from proposals.states import ProposalState
from tests.browser.conftest import login, tick
from tests.factories import (
    ComplaintFactory,
    ProposalCommentFactory,
    ProposalFactory,
    UserFactory,
    overdue_complaint,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

KEPT = "Non sono d'accordo con il progetto, costa troppo."
HIDDEN = "Il tesoriere ruba, lo sanno tutti in paese."


def test_a_moderator_dismisses_a_flag_and_hides_a_comment_from_the_queue(
    new_page, org_a, moderator, citizen, password
):
    proposal = ProposalFactory(organization=org_a, state=ProposalState.PUBLISHED)
    kept = ProposalCommentFactory(proposal=proposal, author=citizen, body=KEPT)
    hidden = ProposalCommentFactory(proposal=proposal, author=citizen, body=HIDDEN)
    reporter = UserFactory(username="segnalante")
    kept_flag = moderation.flag_content(actor=reporter, target=kept, reason="Non mi piace")
    hidden_flag = moderation.flag_content(actor=reporter, target=hidden, reason="Diffamatorio")

    page = new_page()
    login(page, moderator.username, password)
    page.goto("/proposte/moderazione/")
    kept_row = page.locator(f"#segnalazione-{kept_flag.pk}")
    expect(kept_row).to_contain_text(f"Commento n. {kept.pk} alla proposta n. {proposal.pk}")
    expect(kept_row).to_contain_text(KEPT)
    expect(kept_row.get_by_role("link")).to_have_attribute(
        "href", f"/proposte/{proposal.pk}/#commento-{kept.pk}"
    )

    kept_row.get_by_label("Motivo per cui la segnalazione è respinta").fill(
        "Un'opinione, non un abuso"
    )
    kept_row.get_by_role("button", name="Respingi la segnalazione").click()
    expect(page.get_by_text("La segnalazione è stata respinta")).to_be_visible()
    expect(page.locator(f"#segnalazione-{kept_flag.pk}")).to_have_count(0)

    hidden_row = page.locator(f"#segnalazione-{hidden_flag.pk}")
    hidden_row.get_by_label("Motivo pubblico").fill("Accuse a una persona")
    hidden_row.get_by_role("button", name="Nascondi").click()
    expect(page.get_by_text("Il contenuto è stato nascosto.")).to_be_visible()
    expect(page.get_by_text("Nessuna segnalazione aperta.")).to_be_visible()

    kept_flag.refresh_from_db()
    hidden_flag.refresh_from_db()
    assert kept_flag.status == Flag.Status.DISMISSED
    assert kept_flag.resolution == "Un'opinione, non un abuso"
    assert hidden_flag.status == Flag.Status.UPHELD
    hidden.refresh_from_db()
    kept.refresh_from_db()
    assert hidden.is_hidden and not kept.is_hidden
    assert list(ModerationEntry.objects.values_list("object_label", flat=True)) == [
        f"Commento n. {hidden.pk} alla proposta n. {proposal.pk}"
    ]

    # The public page keeps the dismissed comment and shows the reason for the hidden one.
    reader = new_page()
    reader.goto(f"/proposte/{proposal.pk}/")
    expect(reader.get_by_text(KEPT)).to_be_visible()
    expect(reader.get_by_text(HIDDEN)).to_have_count(0)


def test_an_officer_filters_the_queue_by_overdue_and_reads_the_days(
    new_page, complaint_officer, password
):
    late = overdue_complaint(description="Aspetto ancora il rimborso del trasporto.")
    ComplaintFactory(description="Lo sportello apre tardi.")
    ComplaintFactory(status=ComplaintStatus.ANSWERED, answer="Fatto.")

    page = new_page()
    login(page, complaint_officer.username, password)
    page.goto("/valuta-e-segnala/ufficio-reclami/")
    listing = page.get_by_role("table", name="Elenco delle segnalazioni")
    expect(listing.locator("tbody tr")).to_have_count(3)

    tick(page.get_by_label("Solo quelle oltre il termine"))
    page.get_by_role("button", name="Filtra").click()
    rows = listing.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"n. {late.reference}")
    expect(rows.first).to_contain_text("Aspetto ancora il rimborso")
    expect(rows.first.locator(".days-left")).to_have_text("oltre il termine da 15 giorni")
    assert "overdue=on" in page.url

    rows.first.get_by_role("link", name=f"n. {late.reference}").click()
    expect(page.locator(".alert-danger .days-left")).to_have_text("Oltre il termine da 15 giorni.")
