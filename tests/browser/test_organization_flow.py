"""An organization joins the network: a person registers, applies for an organization,
a moderator verifies it from the staff queue, the applicant sees it verified and it
appears in the public directory."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from carta.models import AuditEntry, User
from stakeholders.models import Membership, Organization, OrganizationStatus, Role
from stakeholders.validators import is_valid_tax_code, tax_code_check_digit
from tests.browser.conftest import login, tick

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LEGAL_NAME = "APS La Rete di Valfiorita"


def _tax_code() -> str:
    first_ten = "0123456789"
    code = first_ten + str(tax_code_check_digit(first_ten))
    assert is_valid_tax_code(code)
    return code


def test_an_organization_applies_is_verified_and_joins_the_directory(new_page, moderator, password):
    tax_code = _tax_code()

    # A person registers through the registration page.
    applicant = new_page()
    applicant.goto("/registrati/")
    applicant.get_by_label("Nome utente").fill("giulia.ferri")
    applicant.locator("#id_first_name").fill("Giulia")
    applicant.locator("#id_last_name").fill("Ferri")
    applicant.get_by_label("Indirizzo email").fill("giulia.ferri@example.org")
    applicant.locator("#id_password").fill(password)
    applicant.locator("#id_password_confirm").fill(password)
    tick(applicant.locator("#id_accept_privacy"))
    applicant.get_by_role("button", name="Crea l'account").click()
    expect(applicant.get_by_role("heading", name="Controlla la tua casella email")).to_be_visible()
    person = User.objects.get(username="giulia.ferri")

    # She signs in: until she confirms her address she may not apply.
    login(applicant, "giulia.ferri", password)
    applicant.goto("/profilo/")
    expect(applicant.get_by_text("non è ancora confermato")).to_be_visible()

    # She opens the link of the email and confirms.
    (message,) = mail.outbox
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    applicant.goto(link)
    applicant.get_by_role("button", name="Conferma l'indirizzo").click()
    applicant.goto("/profilo/")
    expect(applicant.get_by_text("è confermato")).to_be_visible()

    # ... and applies for her organization from the directory.
    applicant.goto("/organizzazioni/")
    applicant.get_by_role("link", name="Aderisci alla rete").click()
    expect(applicant.get_by_role("heading", name="Domanda di adesione alla rete")).to_be_visible()
    applicant.get_by_label("Denominazione").fill(LEGAL_NAME)
    applicant.get_by_label("Tipologia").select_option("aps")
    applicant.get_by_label("Codice fiscale o partita IVA").fill(tax_code)
    applicant.get_by_label("Numero di iscrizione al RUNTS").fill("RUNTS-40217")
    applicant.get_by_label("Indirizzo della sede").fill("Via dei Tigli 4, Valfiorita")
    tick(applicant.get_by_label("Anziani"))
    tick(applicant.get_by_label("Disabilità"))
    applicant.get_by_label("Email", exact=True).fill("info@retevalfiorita.example.org")
    applicant.get_by_label("Descrizione").fill("Volontari che accompagnano le persone anziane.")
    tick(applicant.locator("#id_accept_pact"))
    applicant.get_by_role("button", name="Invia la domanda").click()

    expect(applicant.get_by_text("la domanda di adesione è stata registrata")).to_be_visible()
    expect(applicant.get_by_role("heading", level=1)).to_have_text(LEGAL_NAME)
    expect(applicant.get_by_text("In attesa di verifica", exact=True)).to_be_visible()

    organization = Organization.objects.get(tax_code=tax_code)
    assert organization.legal_name == LEGAL_NAME
    assert organization.status == OrganizationStatus.PENDING
    assert sorted(organization.areas) == ["disability", "elderly"]
    assert organization.pact_accepted_at is not None
    membership = Membership.objects.get(organization=organization)
    assert (membership.user, membership.role) == (person, Role.REPRESENTATIVE)

    # Not yet in the public directory.
    visitor = new_page()
    visitor.goto("/organizzazioni/")
    expect(visitor.get_by_role("link", name=LEGAL_NAME)).to_have_count(0)

    # A moderator verifies it from the staff queue.
    staff = new_page()
    login(staff, moderator.username, password)
    staff.goto("/organizzazioni/")
    staff.get_by_role("link", name="Domande in attesa").click()
    card = staff.locator("article").filter(has_text=LEGAL_NAME)
    expect(card).to_contain_text(tax_code)
    card.get_by_label("Motivazione").fill("Dati e iscrizione al RUNTS controllati.")
    card.get_by_role("button", name="Verifica").click()
    expect(staff.get_by_text("La decisione è stata registrata")).to_be_visible()
    expect(staff.get_by_text("Non ci sono domande in attesa.")).to_be_visible()

    organization.refresh_from_db()
    assert organization.status == OrganizationStatus.VERIFIED
    assert organization.decided_by == moderator
    assert AuditEntry.objects.filter(verb="organization.verify", actor=moderator).exists()

    # The applicant sees it verified, and was notified.
    applicant.reload()
    expect(applicant.get_by_text("Verificata", exact=True)).to_be_visible()
    expect(applicant.get_by_text("In attesa di verifica", exact=True)).to_have_count(0)
    applicant.goto("/notifiche/")
    expect(
        applicant.get_by_role("link", name=f"La vostra organizzazione {LEGAL_NAME}")
    ).to_be_visible()

    # It is in the public directory, and a search finds it.
    visitor.goto("/organizzazioni/")
    visitor.get_by_label("Cerca", exact=True).fill("Valfiorita")
    visitor.locator("main form[role=search]").get_by_role("button", name="Cerca").click()
    expect(visitor.get_by_text("1 organizzazione trovata")).to_be_visible()
    visitor.get_by_role("link", name=LEGAL_NAME).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(LEGAL_NAME)
    expect(visitor.get_by_text(tax_code)).to_be_visible()
    areas = visitor.locator("dt:has-text('Aree di intervento') + dd")
    expect(areas).to_contain_text("Anziani")
    expect(areas).to_contain_text("Disabilità")
