"""Evaluation codes end to end (issue 18, item 20): the complaint office issues codes for
a service and reads them on the printable page; from a connection that has already sent
an evaluation, the page explains the limit in plain words and a citizen evaluates with a
code; a second use of the same code is refused beside the field, the answers kept; the
dashboard counts the evaluation as verified."""

import pytest
from playwright.sync_api import expect

from consultations.charter.models import RevisionStatus
from feedback.models import Evaluation, EvaluationCode
from tests.browser.conftest import login, tick
from tests.factories import UserFactory, carta_revision

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RATINGS = ("access", "timeliness", "courtesy", "clarity", "overall")


def _fill_evaluation(page, service, comment, code=""):
    page.goto(f"/valuta-e-segnala/valuta/?servizio={service.pk}")
    for index, name in enumerate(RATINGS):
        tick(page.locator(f"#id_{name}_{3 + index % 2}"))
    page.get_by_label("Commento (facoltativo)").fill(comment)
    if code:
        page.get_by_label("Codice di valutazione (facoltativo)").fill(code)
    page.get_by_role("button", name="Invia la valutazione").click()


def test_an_office_issues_codes_and_a_citizen_evaluates_once_with_one(new_page, password):
    carta_revision(1, RevisionStatus.ADOPTED, sections=1, services=2)
    service = Evaluation.service.field.related_model.objects.get(key="servizio-1")
    officer = UserFactory(username="sportello_sad", groups=["complaint_officers"])

    office = new_page()
    login(office, officer.username, password)
    office.goto("/valuta-e-segnala/codici-di-valutazione/")
    office.get_by_label("Servizio").select_option(str(service.pk))
    office.get_by_label("Quanti codici").fill("2")
    office.get_by_role("button", name="Emetti i codici").click()
    expect(office.get_by_role("heading", level=1)).to_contain_text("2 codici di valutazione")
    codes = office.locator(".eval-code-value").all_inner_texts()
    assert len(codes) == 2 and all(code.startswith("VAL-") for code in codes)
    expect(office.locator(".eval-code").first).to_contain_text(service.title)
    assert EvaluationCode.objects.filter(service_key=service.key).count() == 2

    # From this connection an evaluation was already sent: the limit, in plain words.
    citizen = new_page()
    _fill_evaluation(citizen, service, "Prima valutazione")
    expect(citizen.get_by_text("Grazie per la tua valutazione")).to_be_visible()
    _fill_evaluation(citizen, service, "Dal computer dello sportello")
    expect(citizen.get_by_text("Da questo collegamento è già stata inviata").first).to_be_visible()
    expect(citizen.get_by_text("Troppi tentativi")).to_have_count(0)
    expect(citizen.get_by_label("Commento (facoltativo)")).to_have_value(
        "Dal computer dello sportello"
    )

    # With a code it goes through, counted as verified.
    citizen.get_by_label("Codice di valutazione (facoltativo)").fill(codes[0].lower())
    citizen.get_by_role("button", name="Invia la valutazione").click()
    expect(citizen.get_by_text("contata tra quelle verificate")).to_be_visible()
    evaluation = Evaluation.objects.get(verified=True)
    assert evaluation.comment == "Dal computer dello sportello"
    assert evaluation.code.used_at is not None

    # The same code a second time: refused beside the field, the answers kept.
    other = new_page()
    _fill_evaluation(other, service, "Ci riprovo con lo stesso codice", code=codes[0])
    code_field = other.get_by_label("Codice di valutazione (facoltativo)")
    expect(other.get_by_text("Questo codice è già stato usato").first).to_be_visible()
    expect(code_field).to_have_value(codes[0])
    expect(other.get_by_label("Commento (facoltativo)")).to_have_value(
        "Ci riprovo con lo stesso codice"
    )
    assert Evaluation.objects.filter(verified=True).count() == 1
    assert Evaluation.objects.count() == 2

    # The dashboard counts it apart.
    citizen.goto("/valuta-e-segnala/impegni/")
    counts = citizen.locator("#valutazioni-verificate")
    expect(counts.locator(".eval-verified-total")).to_have_text("1")
    expect(counts.locator(".eval-open-total")).to_have_text("1")
