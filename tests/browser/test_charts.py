"""The charts in Chromium (Chart.js, carta/js/charts.js): the results page draws one per
question with the tally's figures and follows the live tally without reloading; the
commitments dashboard draws each commitment against its target and fits 1280 and 375
pixels without the page scrolling sideways; axe finds nothing serious; every badge the
main pages show reaches 4.5:1 as rendered (getComputedStyle, the second proof beside
tests/test_contrast.py)."""

from __future__ import annotations

import threading

import pytest
from playwright.sync_api import expect

from consultations.voting import ballots
from consultations.voting.models import QuestionKind, Secrecy
from feedback import periods
from feedback import services as feedback_services
from tests.browser.conftest import (
    axe_violations,
    login,
    public_pages,
    wait_for_socket_message,
    watch_sockets,
)
from tests.factories import ConsultationFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

QUESTIONS = [
    {
        "kind": QuestionKind.SINGLE,
        "text": "Quale servizio rafforzare?",
        "options": ["Assistenza domiciliare", "Centro diurno", "Trasporto sociale"],
    },
    {"kind": QuestionKind.RANKING, "text": "Ordina i servizi", "options": ["A", "B", "C"]},
]

# What a chart holds once drawn: its bars, the words beside them, its label.
CHART = """(id) => {
    const chart = window.CartaCharts.charts[id];
    if (!chart) { return null; }
    const canvas = chart.canvas;
    return {values: chart.data.datasets[0].data, display: chart.$cartaSpec.series[0].display,
            label: canvas.getAttribute("aria-label"), role: canvas.getAttribute("role"),
            width: canvas.clientWidth, height: canvas.clientHeight};
}"""

# Every badge's text colour against the first opaque background under it.
BADGE_CONTRAST = """() => {
    function rgba(text) {
        const m = text.match(/rgba?\\(([^)]+)\\)/);
        const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
        return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    }
    function lum(c) {
        const f = (v) => {
            v /= 255;
            return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
        };
        return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
    }
    function ground(node) {
        for (let n = node; n; n = n.parentElement) {
            const c = rgba(getComputedStyle(n).backgroundColor);
            if (c[3] > 0) { return c; }
        }
        return [255, 255, 255, 1];
    }
    const shown = Array.from(document.querySelectorAll(".badge")).filter((b) => b.offsetParent);
    return shown.map((b) => {
        const fg = rgba(getComputedStyle(b).color), bg = ground(b);
        const a = lum(fg) + 0.05, z = lum(bg) + 0.05;
        return {text: b.textContent.trim(), classes: b.className,
                ratio: Math.round(Math.max(a, z) / Math.min(a, z) * 100) / 100};
    });
}"""


def _vote(consultation, single_choice: str, order: list[str]):
    """A ballot cast through the service, from a thread of its own: Playwright's loop runs
    in the test's thread, where the broadcast after the commit cannot run. A failure in
    the thread fails the test here, not as a timeout later."""
    failed: list[BaseException] = []
    thread = threading.Thread(target=_cast, args=(consultation, single_choice, order, failed))
    thread.start()
    thread.join()
    if failed:
        raise failed[0]


def _cast(consultation, single_choice: str, order: list[str], failed: list[BaseException]):
    from django.db import connection

    answers = {}
    for question in consultation.questions.prefetch_related("options"):
        by_label = {o.label: o.pk for o in question.options.all()}
        if question.kind == QuestionKind.SINGLE:
            answers[str(question.pk)] = by_label[single_choice]
        else:
            answers[str(question.pk)] = [by_label[label] for label in order]
    try:
        ballots.cast_ballot(actor=UserFactory(), consultation=consultation, answers=answers)
    except BaseException as error:  # noqa: BLE001 - handed to the test's thread
        failed.append(error)
    finally:
        connection.close()


def test_the_results_charts_show_the_tally_and_follow_it_live(page):
    consultation = ConsultationFactory(
        title="Priorità dei servizi", secrecy=Secrecy.PUBLIC, questions=QUESTIONS
    )
    single = consultation.questions.get(kind=QuestionKind.SINGLE)
    ranking = consultation.questions.get(kind=QuestionKind.RANKING)
    _vote(consultation, "Centro diurno", ["B", "A", "C"])
    watch_sockets(page)
    page.goto(f"/consultazioni/{consultation.pk}/risultati/")
    wait_for_socket_message(page)
    page.evaluate("window.__notReloaded = true")
    chart_id = f"chart-citizens-{single.pk}"
    expect(page.locator(f"#{chart_id}")).to_be_visible()
    drawn = page.evaluate(CHART, chart_id)
    assert drawn["values"] == [0, 1, 0]
    assert drawn["display"] == ["0 (0,0%)", "1 (100,0%)", "0 (0,0%)"]
    assert drawn["role"] == "img" and drawn["label"].startswith("Grafico a barre.")
    assert drawn["width"] > 200 and drawn["height"] > 100
    # The table beside it says the same.
    centro = single.options.get(label="Centro diurno")
    expect(page.locator(f'[data-count="citizens-{single.pk}-{centro.pk}"]')).to_have_text("1")
    ranked = page.evaluate(CHART, f"chart-citizens-{ranking.pk}")
    assert ranked["values"] == [2, 1, 0]  # Borda: B 2, A 1, C 0

    # A second ballot for the same answers moves the bars in place, without a reload.
    _vote(consultation, "Centro diurno", ["B", "A", "C"])
    assert consultation.register.count() == 2
    # The push reaches the page (a second message), then the chart follows it.
    wait_for_socket_message(page, 2)
    page.wait_for_function(
        "(id) => window.CartaCharts.charts[id].data.datasets[0].data[1] === 2", arg=chart_id
    )
    drawn = page.evaluate(CHART, chart_id)
    assert drawn["display"] == ["0 (0,0%)", "2 (100,0%)", "0 (0,0%)"]
    expect(page.locator(f'[data-count="citizens-{single.pk}-{centro.pk}"]')).to_have_text("2")
    assert page.evaluate("window.__notReloaded") is True
    assert axe_violations(page) == []


@pytest.fixture
def measured(demo, complaint_officer):
    """The demo's Carta with its commitments measured over the dashboard's four quarters:
    the commitments, and for each key measured its commitment and the offset of its
    values (target + offset - 2, - 1, + 0, + 1)."""
    from consultations.charter.models import QualityCommitment, RevisionStatus

    quarters = periods.recent_quarters(4)
    commitments = QualityCommitment.objects.filter(
        service__revision__status=RevisionStatus.ADOPTED
    ).order_by("pk")
    # Measurements are kept by commitment key, which the demo's services share.
    by_key = {c.key: c for c in reversed(commitments)}
    measured = []
    for index, commitment in enumerate(by_key.values()):
        measured.append((commitment, index))
        for number, period in enumerate(quarters):
            feedback_services.record_measurement(
                actor=complaint_officer,
                commitment=commitment,
                period=period,
                value=str(commitment.target_value + index + number - 2),
            )
    return commitments, measured


@pytest.mark.parametrize("width", [1280, 375])
def test_the_dashboard_fits_the_screen_with_its_charts(new_page, measured, width):
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/valuta-e-segnala/impegni/")
    charts = page.locator("[data-carta-chart]")
    expect(charts.first).to_be_visible()
    drawn = page.evaluate("Object.keys(window.CartaCharts.charts)")
    commitments, values = measured
    assert len(drawn) == charts.count() >= len(commitments) + 1
    commitment, offset = values[0]
    chart_id = f"chart-commitment-{commitment.service.key}-{commitment.key}"
    assert chart_id in drawn
    info = page.evaluate(
        """(id) => { const c = window.CartaCharts.charts[id];
            return {values: c.data.datasets[0].data, target: c.$cartaSpec.target.value,
                    targetPixel: Math.round(c.scales.y.getPixelForValue(c.$cartaSpec.target.value)),
                    width: c.canvas.clientWidth}; }""",
        chart_id,
    )
    target = float(commitment.target_value)
    assert info["target"] == target
    assert info["values"] == [target + offset + n - 2 for n in range(4)]
    assert 0 < info["width"] <= width
    # No sideways scroll of the page: wide tables scroll inside their own container.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []


def test_the_staff_dashboard_fits_375_pixels_with_its_form(
    new_page, measured, complaint_officer, password
):
    page = new_page()
    page.set_viewport_size({"width": 375, "height": 800})
    login(page, complaint_officer.username, password)
    page.goto("/valuta-e-segnala/impegni/dettaglio/")
    expect(page.get_by_role("heading", name="Registra una misurazione")).to_be_visible()
    expect(page.locator("[data-carta-chart]").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []


def test_every_badge_on_the_main_pages_reaches_4_5_to_1_as_rendered(page, demo):
    seen = 0
    for path in public_pages(demo):
        page.goto(path)
        for badge in page.evaluate(BADGE_CONTRAST):
            seen += 1
            assert badge["ratio"] >= 4.5, f"{path}: {badge}"
    assert seen > 0
