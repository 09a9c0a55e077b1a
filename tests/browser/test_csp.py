"""The Content-Security-Policy breaks nothing: Chromium loads the main pages (anonymous,
signed in, the API documentation) and reports no violation, while the pages' scripts,
fonts and websockets work under it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, public_pages, wait_for_socket_open, watch_sockets

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Every violation the page reports, from its first script on.
RECORD_VIOLATIONS = """(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (event) => {
        window.__cspViolations.push(
            `${event.effectiveDirective} refused ${event.blockedURI || "inline"}` +
            ` (${event.sourceFile || ""}:${event.lineNumber || ""})`
        );
    });
})();"""


def _recorder(page) -> list[str]:
    """Violations seen by the page's listener and by the console (which also reports the
    ones refused before any listener could run)."""
    found: list[str] = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            found.append(f"console: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return found


def _visit(page, found, paths):
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        assert "content-security-policy" in response.headers  # Playwright lowers names
        page.wait_for_load_state("networkidle")
        found.extend(f"{path}: {v}" for v in page.evaluate("window.__cspViolations"))


def test_the_main_pages_report_no_violation(page, demo):
    found = _recorder(page)
    _visit(page, found, [*public_pages(demo), "/api/docs/"])
    assert found == [], "\n".join(found)


def test_the_signed_in_pages_and_their_websockets_work_under_the_policy(
    page, demo, citizen, password
):
    found = _recorder(page)
    watch_sockets(page)
    login(page, citizen.username, password)
    consultation = demo["consultation"]
    _visit(page, found, ["/profilo/", "/notifiche/", f"/consultazioni/{consultation.pk}/vota/"])
    # The revision page opens two sockets (notifications and comments): connect-src 'self'
    # lets ws: to the site through.
    _visit(page, found, [f"/carta/revisioni/{demo['draft'].pk}/"])
    wait_for_socket_open(page, 2)
    # The fonts come from carta.css now, not from an injected style.
    assert page.evaluate("document.fonts.check('16px \"Titillium Web\"')")
    assert page.evaluate(
        "getComputedStyle(document.body).fontFamily.startsWith('\"Titillium Web\"')"
    )
    assert found == [], "\n".join(found)
