"""A complaint through the pages: an anonymous visitor files it, reads the tracking code
on the confirmation and follows it with code and email; a wrong email gets the same "not
found" answer as an unknown code."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from consultations.charter.models import RevisionStatus
from feedback import codes
from feedback.models import Complaint, ComplaintCategory, ComplaintStatus
from tests.browser.conftest import tick
from tests.factories import carta_revision

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DESCRIPTION = "Il 3 marzo lo sportello di Bussi era chiuso nell'orario indicato dalla Carta."
EMAIL = "rosa.marchetti@example.org"
NOT_FOUND = "Nessuna segnalazione corrisponde al codice e all'indirizzo email indicati."


def _track(page, code, email):
    page.goto("/valuta-e-segnala/segui/")
    page.get_by_label("Codice della segnalazione").fill(code)
    page.get_by_label("Indirizzo email indicato nella segnalazione").fill(email)
    page.locator("main form").get_by_role("button", name="Cerca").click()


def test_a_complaint_is_filed_and_followed_by_its_code(new_page):
    revision = carta_revision(status=RevisionStatus.ADOPTED, sections=1, services=2)
    service = revision.services.order_by("position").first()

    page = new_page()
    page.goto("/valuta-e-segnala/")
    page.get_by_role("link", name="Invia un reclamo o una segnalazione").click()
    page.get_by_label("Tipo di segnalazione").select_option("malfunction")
    page.get_by_label("Servizio interessato").select_option(label=service.title)
    page.get_by_label("Descrizione").fill(DESCRIPTION)
    page.get_by_label("Nome e cognome").fill("Rosa Marchetti")
    page.get_by_label("Indirizzo email").fill(EMAIL)
    tick(page.locator("#id_privacy_consent"))
    page.get_by_role("button", name="Invia la segnalazione").click()

    expect(page.get_by_role("heading", name="Segnalazione ricevuta")).to_be_visible()
    code = page.locator(".tracking-code").inner_text().strip()
    assert re.fullmatch(r"RCL-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code), code

    # Stored with the hash of the code, never the code; the code was also emailed.
    complaint = Complaint.objects.get()
    assert complaint.tracking_hash == codes.hash_code(code)
    assert code not in str(Complaint.objects.values().get())
    assert (complaint.category, complaint.status) == (
        ComplaintCategory.MALFUNCTION,
        ComplaintStatus.RECEIVED,
    )
    assert complaint.description == DESCRIPTION
    assert (complaint.service_id, complaint.service_key) == (service.pk, service.key)
    assert complaint.contact_email == EMAIL
    assert complaint.submitted_by is None
    assert any(code in message.body and EMAIL in message.to for message in mail.outbox)

    # The receipt is shown once.
    page.reload()
    expect(page.locator(".tracking-code")).to_have_count(0)

    # Followed with code and email (the code typed in lower case).
    page.goto("/valuta-e-segnala/")
    page.get_by_role("link", name="Segui la tua segnalazione").click()
    page.get_by_label("Codice della segnalazione").fill(code.lower())
    page.get_by_label("Indirizzo email indicato nella segnalazione").fill(EMAIL)
    page.locator("main form").get_by_role("button", name="Cerca").click()
    expect(page.get_by_text(f"n. {complaint.reference}")).to_be_visible()
    expect(page.get_by_text("Ricevuta", exact=True)).to_be_visible()
    expect(page.get_by_text(DESCRIPTION)).to_be_visible()

    # A wrong email and an unknown code get the same answer, and show nothing.
    _track(page, code, "qualcun.altro@example.org")
    wrong_email = page.locator(".alert-warning")
    expect(wrong_email).to_have_text(re.compile(NOT_FOUND))
    expect(page.get_by_text(DESCRIPTION)).to_have_count(0)
    wrong_email_text = wrong_email.inner_text()

    _track(page, "RCL-AAAA-BBBB-CCCC", EMAIL)
    expect(page.locator(".alert-warning")).to_have_text(wrong_email_text)
    expect(page.get_by_text(DESCRIPTION)).to_have_count(0)
