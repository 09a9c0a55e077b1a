"""Every persona's main pages fit the screen: at 1280 px (desktop) and 375 px (phone) no page
is wider than the viewport (wide tables scroll inside their own container), and axe-core
finds no serious or critical violation on the staff's and organizations' pages (the public
and the citizen's pages are audited by test_accessibility.py).

One browser context per persona and width; every page that overflows is reported at once,
with the elements that stick out, and a screenshot of it is left in ``test-artifacts/``.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.conftest import ARTIFACTS, axe_violations, login, public_pages
from tests.factories import ComplaintFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = {"desktop": (1280, 900), "phone": (375, 740)}

# The elements wider than the page, named so that the report says where to look.
OVERFLOW = """() => {
    const limit = document.documentElement.clientWidth;
    const wide = document.documentElement.scrollWidth;
    if (wide <= limit + 1) return null;
    const culprits = [];
    for (const el of document.body.querySelectorAll('*')) {
        const box = el.getBoundingClientRect();
        if (box.right > limit + 1 && box.width > 0) {
            let scrolls = false;
            for (let p = el.parentElement; p; p = p.parentElement) {
                const style = getComputedStyle(p);
                if (['auto', 'scroll', 'hidden'].includes(style.overflowX)) {
                    scrolls = true;
                    break;
                }
            }
            if (!scrolls) culprits.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                + (el.className && typeof el.className === 'string'
                   ? '.' + el.className.trim().split(/\\s+/).join('.') : ''));
        }
        if (culprits.length >= 5) break;
    }
    return {scrollWidth: wide, clientWidth: limit, culprits};
}"""


def _persona_pages(demo, complaint) -> dict[str, list[str]]:
    organization = demo["organization"]
    return {
        "rep_a": [
            "/profilo/",
            f"/organizzazioni/{organization.pk}/",
            f"/organizzazioni/{organization.pk}/modifica/",
            reverse("proposal_create"),
            f"/proposte/{demo['proposal'].pk}/",
            f"/proposte/{demo['proposal'].pk}/modifica/",
            reverse("resource_create"),
            f"/carta/revisioni/{demo['draft'].pk}/",
        ],
        "moderator": [
            reverse("organization_queue"),
            reverse("proposal_moderation"),
            "/moderazione/registro/",
            f"/proposte/{demo['proposal'].pk}/",
        ],
        "carta_editor": [
            reverse("carta_revisions"),
            f"/carta/revisioni/{demo['draft'].pk}/",
            f"/carta/revisioni/{demo['draft'].pk}/modifica/",
            f"/carta/revisioni/{demo['draft'].pk}/confronto/",
            f"/carta/revisioni/{demo['draft'].pk}/resoconto/",
            reverse("proposal_evaluation"),
            reverse("consultation_create"),
        ],
        "complaint_officer": [
            reverse("feedback_queue"),
            f"/valuta-e-segnala/ufficio-reclami/{complaint.pk}/",
            reverse("feedback_dashboard_staff"),
            reverse("feedback_dashboard"),
        ],
    }


def _walk(page, paths, name, *, audit: bool) -> tuple[dict, dict]:
    too_wide, violations = {}, {}
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.ok, (
            f"{name} {path}: {response and response.status}"
        )
        found = page.evaluate(OVERFLOW)
        if found:
            too_wide[path] = found
            ARTIFACTS.mkdir(exist_ok=True)
            shot = f"too-wide-{name}-{path.strip('/').replace('/', '_') or 'home'}.png"
            page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
        if audit:
            serious = axe_violations(page)
            if serious:
                violations[path] = [f"[{v['impact']}] {v['id']} {v['nodes']}" for v in serious]
    return too_wide, violations


@pytest.mark.parametrize("width", list(WIDTHS))
def test_no_page_is_wider_than_the_screen(
    browser, asgi_server, demo, width, rep_a, moderator, carta_editor, complaint_officer, password
):
    complaint = ComplaintFactory()
    people = {
        "rep_a": rep_a,
        "moderator": moderator,
        "carta_editor": carta_editor,
        "complaint_officer": complaint_officer,
    }
    too_wide, violations = {}, {}
    viewport_width, height = WIDTHS[width]
    personas = {"anonymous": public_pages(demo), **_persona_pages(demo, complaint)}
    for name, paths in personas.items():
        context = browser.new_context(
            base_url=asgi_server,
            locale="it-IT",
            viewport={"width": viewport_width, "height": height},
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        try:
            if name != "anonymous":
                login(page, people[name].username, password)
            wide, serious = _walk(
                page, paths, f"{width}-{name}", audit=name != "anonymous" and width == "desktop"
            )
        finally:
            context.close()
        too_wide.update({f"{name} {path}": found for path, found in wide.items()})
        violations.update({f"{name} {path}": found for path, found in serious.items()})
    assert too_wide == {}, "\n".join(f"{k}: {v}" for k, v in too_wide.items())
    assert violations == {}, "\n".join(f"{k}: {v}" for k, v in violations.items())
