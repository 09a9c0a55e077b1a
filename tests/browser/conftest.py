"""Browser tests: Playwright (sync API) driving Debian's Chromium against the ASGI app.

A failing test leaves a screenshot in ``test-artifacts/``. ``axe_violations(page)``
runs axe-core (vendored from the npm registry) and returns the serious and critical
WCAG 2.1 A/AA violations of the page.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from carta import moderation
from consultations.charter.models import RevisionStatus
from consultations.voting.models import Secrecy
from feedback import services as feedback_services
from proposals.states import ProposalState
from tests.factories import (
    CommentFactory,
    ComplaintFactory,
    ConsultationFactory,
    MunicipalityFactory,
    NotificationFactory,
    ProposalCommentFactory,
    ProposalFactory,
    ResourceFactory,
    carta_revision,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def new_page(browser, request, asgi_server, transactional_db):
    """``new_page()`` opens a fresh browser context (its own cookies) on the ASGI server."""
    contexts = []

    def make(locale="it-IT"):
        context = browser.new_context(base_url=asgi_server, locale=locale)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for index, context in enumerate(contexts):
            for number, page in enumerate(context.pages):
                name = f"{request.node.name}-{index}-{number}.png".replace("/", "_")
                page.screenshot(path=str(ARTIFACTS / name), full_page=True)
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def axe_violations(page) -> list[dict]:
    # Evaluated by the driver, not added as a <script>: the pages' CSP refuses inline code.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def login(page, username, password):
    page.goto("/accedi/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    # The password form's own button (the page may also hold the SPID/CIE buttons).
    page.get_by_role("button", name="Accedi", exact=True).click()
    page.wait_for_load_state()


@pytest.fixture(scope="session")
def asgi_server(django_db_setup, django_db_blocker):
    """The real ASGI application (HTTP and websockets) served by daphne in a thread.

    Running in the test process, it shares the test database and the in-memory channel
    layer, so a service called by a test reaches the pages' websockets. Tests using it
    need ``transactional_db``.
    """
    import socket
    import threading
    import time

    from daphne.endpoints import build_endpoint_description_strings
    from daphne.server import Server

    from carta.asgi import application

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = Server(
        application=application,
        endpoints=build_endpoint_description_strings(host="127.0.0.1", port=port),
        signal_handlers=False,
        verbosity=0,
    )
    thread = threading.Thread(target=server.run, daemon=True)
    with django_db_blocker.unblock():
        thread.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"


def tick(checkbox):
    """Tick a Bootstrap Italia checkbox or radio button: its styled label lies over the
    input, where a pointer click may land on the label instead."""
    from playwright.sync_api import expect

    # A DOM click on the input itself: it toggles the input and fires the same events as
    # a person's click, whatever lies over it (and never follows a link in the label).
    if not checkbox.is_checked():
        checkbox.evaluate("el => el.click()")
    expect(checkbox).to_be_checked()


SOCKET_WATCH = """(() => {
    const Native = window.WebSocket;
    window.__socketsOpen = 0;
    window.__socketMessages = 0;
    function Watched(url, protocols) {
        const socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
        socket.addEventListener("open", () => { window.__socketsOpen += 1; });
        socket.addEventListener("message", () => { window.__socketMessages += 1; });
        return socket;
    }
    Watched.prototype = Native.prototype;
    Object.assign(Watched, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
    window.WebSocket = Watched;
})();"""


def watch_sockets(page):
    """Count the websockets the page opens and the messages they receive (call before
    ``goto``), so that a test can wait until the page is subscribed before acting
    elsewhere: the consumers join their groups before accepting the handshake."""
    page.add_init_script(SOCKET_WATCH)


def wait_for_socket_open(page, count=1):
    page.wait_for_function("n => window.__socketsOpen >= n", arg=count)


def wait_for_socket_message(page, count=1):
    page.wait_for_function("n => window.__socketMessages >= n", arg=count)


def _subscribed_channels(layer) -> set[str]:
    while True:
        try:
            return {name for members in list(layer.groups.values()) for name in list(members)}
        except RuntimeError:  # changed by the server's thread while being read
            continue


@pytest.fixture(autouse=True)
def _sockets_closed_while_the_database_is_open(transactional_db, django_db_serialized_rollback):
    """Two things every browser test needs.

    Serialized rollback: a transactional test empties every table when it ends, including
    the rows the migrations created (the staff groups and their permissions); asking for
    ``django_db_serialized_rollback`` restores them when each test starts. (It relies on
    the content types keeping their ids, so the browser tests run in a pytest process of
    their own, as ``make test`` does.)

    Set up after the database and before ``new_page``, so torn down between the two: it
    waits (briefly) until the server has handled the disconnection of the sockets the
    closed pages had open, which reaches the database, before that is locked again."""
    import time

    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if not hasattr(layer, "groups"):  # not the in-memory layer: nothing to observe
        yield
        return
    before = _subscribed_channels(layer)
    yield
    deadline = time.monotonic() + 3
    while _subscribed_channels(layer) - before and time.monotonic() < deadline:
        time.sleep(0.02)


@pytest.fixture
def demo(org_a, rep_a, moderator, citizen):
    """A small, demo-like platform: the Carta in force and a draft in consultation, a
    verified organization with a resource, a published proposal with a comment, an open
    consultation, a complaint, an evaluation, a moderation decision, notifications."""
    adopted = carta_revision(1, RevisionStatus.ADOPTED, sections=3, services=2, commitments=2)
    draft = carta_revision(2, RevisionStatus.IN_CONSULTATION, sections=3, services=2)
    first_section = draft.sections.order_by("position").first()
    CommentFactory(revision=draft, section_key=first_section.key, author=citizen)
    org_a.municipalities.set([MunicipalityFactory(name="Bussi sul Tirino")])
    resource = ResourceFactory(organization=org_a, title="Sala civica di Bussi")
    proposal = ProposalFactory(
        organization=org_a, title="Centro diurno il sabato", state=ProposalState.PUBLISHED
    )
    ProposalCommentFactory(proposal=proposal, author=citizen, body="Ottima idea.")
    hidden = ProposalCommentFactory(proposal=proposal, body="Pubblicità di un negozio.")
    moderation.hide_content(actor=moderator, target=hidden, reason="Contenuto promozionale.")
    consultation = ConsultationFactory(title="Priorità 2026", secrecy=Secrecy.PUBLIC)
    ComplaintFactory()
    service = adopted.services.order_by("position").first()
    feedback_services.submit_evaluation(
        actor=citizen,
        service=service.pk,
        access=4,
        timeliness=3,
        courtesy=5,
        clarity=4,
        overall=4,
        comment="Personale gentile.",
    )
    NotificationFactory(recipient=citizen, title="La proposta che segui è stata pubblicata")
    return {
        "organization": org_a,
        "resource": resource,
        "proposal": proposal,
        "consultation": consultation,
        "service": service,
        "draft": draft,
    }


def public_pages(demo) -> list[str]:
    """The main pages an anonymous visitor reaches, filled by ``demo``."""
    return [
        "/",
        "/accedi/",
        "/registrati/",
        "/organizzazioni/",
        f"/organizzazioni/{demo['organization'].pk}/",
        "/risorse/",
        f"/risorse/{demo['resource'].pk}/",
        "/proposte/",
        f"/proposte/{demo['proposal'].pk}/",
        "/carta/",
        "/carta/servizi/",
        f"/carta/servizi/{demo['service'].key}/",
        "/carta/revisioni/",
        f"/carta/revisioni/{demo['draft'].pk}/",
        "/consultazioni/",
        f"/consultazioni/{demo['consultation'].pk}/",
        f"/consultazioni/{demo['consultation'].pk}/risultati/",
        "/valuta-e-segnala/",
        "/valuta-e-segnala/valuta/",
        "/valuta-e-segnala/segnala/",
        "/valuta-e-segnala/segui/",
        "/valuta-e-segnala/impegni/",
        "/accessibilita/",
        "/privacy/",
        "/moderazione/registro/",
    ]
