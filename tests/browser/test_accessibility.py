"""Accessibility of every main page: axe-core (WCAG 2.1 A and AA) finds no serious or
critical violation, for an anonymous visitor and for a signed-in citizen; plus the
language switch, which renders the home page in English.

The pages are filled with demo-like data made with the factories (conftest's ``demo``).
Each test walks a list of pages in one browser context and reports every violation at
once.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, login, public_pages

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _audit(page, paths) -> dict[str, list[dict]]:
    found = {}
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    return found


def _report(found) -> str:
    lines = []
    for path, violations in found.items():
        for v in violations:
            lines.append(f"{path}: [{v['impact']}] {v['id']} — {v['help']} — {v['nodes']}")
    return "\n".join(lines)


def test_public_pages_have_no_serious_violation(page, demo):
    found = _audit(page, public_pages(demo))
    assert not found, _report(found)


def test_pages_of_a_signed_in_citizen_have_no_serious_violation(page, demo, citizen, password):
    login(page, citizen.username, password)
    consultation = demo["consultation"]
    paths = [
        "/profilo/",
        "/notifiche/",
        f"/consultazioni/{consultation.pk}/vota/",
        *public_pages(demo),
    ]
    paths.remove("/accedi/")
    paths.remove("/registrati/")
    found = _audit(page, paths)
    assert not found, _report(found)


def test_forms_with_errors_have_no_serious_violation(page, demo):
    page.goto("/valuta-e-segnala/segnala/")
    page.get_by_role("button", name="Invia la segnalazione").click()
    expect(page.locator(".carta-field-invalid").first).to_be_visible()
    found = {"/valuta-e-segnala/segnala/ (errori)": axe_violations(page)}
    page.goto("/valuta-e-segnala/segui/")
    page.get_by_label("Codice della segnalazione").fill("RCL-AAAA-BBBB-CCCC")
    page.get_by_label("Indirizzo email indicato nella segnalazione").fill("x@example.org")
    page.locator("main form").get_by_role("button", name="Cerca").click()
    expect(page.locator(".alert-warning")).to_be_visible()
    found["/valuta-e-segnala/segui/ (non trovata)"] = axe_violations(page)
    page.goto("/registrati/")
    page.get_by_role("button", name="Crea l'account").click()
    expect(page.locator(".carta-field-invalid").first).to_be_visible()
    found["/registrati/ (errori)"] = axe_violations(page)
    found = {path: violations for path, violations in found.items() if violations}
    assert not found, _report(found)


def test_the_language_switch_renders_the_home_page_in_english(page):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "it")
    page.get_by_role("button", name="Lingua attiva: IT").click()
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Charter of Services and Social Citizenship"
    )
    expect(page.get_by_role("heading", name="Highlights")).to_be_visible()
    expect(page.get_by_role("button", name="Lingua attiva: IT")).to_have_count(0)
    assert axe_violations(page) == []


def test_pages_of_organizations_and_staff_have_no_serious_violation(
    new_page, demo, editor_a, moderator, complaint_officer, citizen, password
):
    from feedback.models import Complaint

    complaint = Complaint.objects.first()
    organization = demo["organization"]
    by_persona = [
        (citizen, ["/organizzazioni/aderisci/"]),
        (editor_a, ["/proposte/nuova/", f"/organizzazioni/{organization.pk}/"]),
        (
            moderator,
            ["/organizzazioni/in-attesa/", "/proposte/moderazione/", "/moderazione/registro/"],
        ),
        (
            complaint_officer,
            [
                "/valuta-e-segnala/ufficio-reclami/",
                f"/valuta-e-segnala/ufficio-reclami/{complaint.pk}/",
            ],
        ),
    ]
    found = {}
    for persona, paths in by_persona:
        page = new_page()
        login(page, persona.username, password)
        found.update({f"{path} ({persona.username})": v for path, v in _audit(page, paths).items()})
    assert not found, _report(found)
