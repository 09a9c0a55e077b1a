"""Attachments through the pages (carta.attachments): an organization sends its statute
with the application and the staff who verify it download it, while a citizen who has
the address gets 404; a published proposal's budget is downloaded by a visitor; the
evidence sent with an anonymous complaint is downloaded by the complaint officer."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from carta import attachments
from carta.attachments import Attachment, Purpose
from feedback.models import Complaint
from proposals.states import ProposalState
from stakeholders.models import Organization, Role
from tests.browser.conftest import axe_violations, login, tick
from tests.factories import MembershipFactory, ProposalFactory, UserFactory, make_tax_code

pytestmark = [
    pytest.mark.usefixtures("attachment_storage"),
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _file(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_the_statute_reaches_the_staff_and_nobody_else(
    new_page, citizen, moderator, password, tmp_path
):
    applicant = new_page()
    login(applicant, citizen.username, password)
    applicant.goto("/organizzazioni/aderisci/")
    applicant.get_by_label("Denominazione").fill("APS Il Ponte di Valfiorita")
    applicant.get_by_label("Tipologia").select_option("aps")
    applicant.get_by_label("Codice fiscale o partita IVA").fill(make_tax_code(6161))
    applicant.get_by_label("Statuto o atto costitutivo").set_input_files(
        _file(tmp_path, "Statuto Il Ponte.pdf", PDF)
    )
    tick(applicant.locator("#id_accept_pact"))
    applicant.get_by_role("button", name="Invia la domanda").click()
    expect(applicant.get_by_text("la domanda di adesione è stata registrata")).to_be_visible()
    documents = applicant.locator("#allegati")
    expect(documents).to_contain_text("Documenti della domanda di adesione")
    expect(documents.get_by_role("link", name="Statuto_Il_Ponte.pdf")).to_be_visible()
    # The list and the form to add a document, as the representative sees them.
    assert axe_violations(applicant) == []

    organization = Organization.objects.get(legal_name="APS Il Ponte di Valfiorita")
    statute = Attachment.objects.get(purpose=Purpose.STATUTE)
    assert statute.object_id == organization.pk

    staff = new_page()
    login(staff, moderator.username, password)
    staff.goto(organization.get_absolute_url())
    with staff.expect_download() as download:
        staff.locator("#allegati").get_by_role("link", name="Statuto_Il_Ponte.pdf").click()
    assert download.value.suggested_filename == "Statuto_Il_Ponte.pdf"
    assert Path(download.value.path()).read_bytes() == PDF

    curious = new_page()
    login(curious, UserFactory(username="curioso").username, password)
    response = curious.request.get(statute.get_absolute_url())
    assert response.status == 404
    assert PDF not in response.body()


def test_a_published_proposals_budget_is_downloaded_by_a_visitor(new_page):
    author = MembershipFactory(role=Role.REPRESENTATIVE)
    proposal = ProposalFactory(
        organization=author.organization,
        title="Centro diurno il sabato",
        state=ProposalState.DRAFT,
    )
    attachments.add_attachment(
        actor=author.user,
        target=proposal,
        purpose=Purpose.BUDGET,
        upload=SimpleUploadedFile("piano economico.pdf", PDF),
    )
    visitor = new_page()
    attachment = Attachment.objects.get()
    assert visitor.request.get(attachment.get_absolute_url()).status == 404  # a draft

    proposal.state = ProposalState.PUBLISHED
    proposal.save(update_fields=["state"])
    visitor.goto(proposal.get_absolute_url())
    panel = visitor.locator("#allegati")
    expect(panel).to_contain_text("Piano economico")
    expect(panel.get_by_role("button", name="Allega il file")).to_have_count(0)
    with visitor.expect_download() as download:
        panel.get_by_role("link", name="piano_economico.pdf").click()
    assert Path(download.value.path()).read_bytes() == PDF


def test_complaint_evidence_is_seen_by_the_officer(new_page, complaint_officer, password, tmp_path):
    sender = new_page()
    sender.goto("/valuta-e-segnala/segnala/")
    sender.get_by_label("Tipo di segnalazione").select_option("malfunction")
    sender.get_by_label("Descrizione").fill("La rampa d'accesso della sede è bloccata.")
    sender.get_by_label("Documenti o fotografie").set_input_files(_file(tmp_path, "rampa.png", PNG))
    tick(sender.locator("#id_privacy_consent"))
    sender.get_by_role("button", name="Invia la segnalazione").click()
    expect(sender.get_by_role("heading", name="Segnalazione ricevuta")).to_be_visible()

    complaint = Complaint.objects.get()
    evidence = attachments.attachments_of(complaint).get()
    assert (evidence.original_name, evidence.mime_type) == ("rampa.png", "image/png")
    assert sender.request.get(evidence.get_absolute_url()).status == 404

    officer = new_page()
    login(officer, complaint_officer.username, password)
    officer.goto(f"/valuta-e-segnala/ufficio-reclami/{complaint.pk}/")
    panel = officer.locator("#allegati")
    expect(panel).to_contain_text("Documentazione inviata")
    with officer.expect_download() as download:
        panel.get_by_role("link", name="rampa.png").click()
    assert Path(download.value.path()).read_bytes() == PNG
