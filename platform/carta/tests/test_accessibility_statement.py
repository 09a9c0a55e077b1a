"""The AgID accessibility statement: the footer links it (the local page until the Ambito
sets its address), the page shows its date and next review, and the feedback mechanism is
the complaint form, with the response time the complaint deadline promises."""

import datetime
import re

import pytest

from carta import ambito
from carta.tests.test_settings import run_carta

pytestmark = pytest.mark.django_db

AGID = "https://form.agid.gov.it/view/7f3c2a10-aaaa-bbbb-cccc-0123456789ab"


def _small_prints(html: str) -> str:
    return html[html.index("it-footer-small-prints") : html.index("</footer>")]


def _link(html: str, element_id: str) -> tuple[str, str]:
    match = re.search(rf'<a [^>]*?href="([^"]*)" id="{element_id}">([^<]*)</a>', html)
    assert match, element_id
    return match.group(1), match.group(2)


def test_footer_links_the_agid_statement_once_configured(client, settings):
    settings.CARTA_ACCESSIBILITY_STATEMENT_URL = AGID
    html = client.get("/").content.decode()
    assert _link(_small_prints(html), "footer-accessibility-statement") == (
        AGID,
        "Dichiarazione di accessibilità",
    )
    # The local page stays reachable from the footer's contacts.
    assert '<a class="list-item" href="/accessibilita/">Accessibilità del sito</a>' in html


def test_footer_links_the_local_page_without_a_statement_url(client, settings):
    settings.CARTA_ACCESSIBILITY_STATEMENT_URL = ""
    html = client.get("/").content.decode()
    assert _link(_small_prints(html), "footer-accessibility-statement") == (
        "/accessibilita/",
        "Dichiarazione di accessibilità",
    )
    assert "Accessibilità del sito" not in html


def test_footer_feedback_link_opens_the_complaint_form(client):
    html = client.get("/privacy/").content.decode()
    assert _link(_small_prints(html), "footer-accessibility-feedback") == (
        "/valuta-e-segnala/segnala/?categoria=accessibility",
        "Segnala un problema di accessibilità",
    )
    form = client.get("/valuta-e-segnala/segnala/?categoria=accessibility").content.decode()
    assert (
        '<option value="accessibility" selected>Segnalazione sull&#x27;accessibilità</option>'
        in form
    )


def test_page_shows_the_dates_and_links_the_agid_statement(client, settings):
    settings.CARTA_ACCESSIBILITY_STATEMENT_URL = AGID
    settings.CARTA_ACCESSIBILITY_STATEMENT_DATE = datetime.date(2026, 10, 8)
    settings.CARTA_ACCESSIBILITY_REVIEW_DATE = datetime.date(2027, 10, 8)
    html = client.get("/accessibilita/").content.decode()
    dates = re.search(r'<p id="accessibility-dates">(.*?)</p>', html).group(1)
    assert dates == (
        "Data della dichiarazione: 8 ottobre 2026.<br>Prossimo riesame previsto: 8 ottobre 2027."
    )
    assert _link(html, "agid-statement") == (AGID, "Leggi la dichiarazione sul sito dell'AgID")


def test_page_in_english_writes_the_dates_in_english(client, settings):
    settings.CARTA_ACCESSIBILITY_STATEMENT_DATE = datetime.date(2026, 10, 8)
    settings.CARTA_ACCESSIBILITY_REVIEW_DATE = datetime.date(2027, 4, 1)
    html = client.get("/accessibilita/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    dates = re.search(r'<p id="accessibility-dates">(.*?)</p>', html).group(1)
    assert dates == ("Date of the statement: 8 October 2026.<br>Next review due: 1 April 2027.")


def test_page_without_dates_or_url_says_nothing_about_them(client, settings):
    settings.CARTA_ACCESSIBILITY_STATEMENT_URL = ""
    settings.CARTA_ACCESSIBILITY_STATEMENT_DATE = None
    settings.CARTA_ACCESSIBILITY_REVIEW_DATE = None
    html = client.get("/accessibilita/").content.decode()
    assert 'id="accessibility-dates"' not in html
    assert 'id="agid-statement"' not in html


def test_page_with_a_date_and_no_review_date_shows_the_date(client, settings):
    settings.CARTA_ACCESSIBILITY_STATEMENT_DATE = datetime.date(2026, 3, 1)
    settings.CARTA_ACCESSIBILITY_REVIEW_DATE = None
    html = client.get("/accessibilita/").content.decode()
    dates = re.search(r'<p id="accessibility-dates">(.*?)</p>', html).group(1)
    assert dates == "Data della dichiarazione: 1 marzo 2026."


@pytest.mark.parametrize(
    ("days", "promise"),
    [
        (20, "L'Ambito risponde entro 20 giorni dal ricevimento della segnalazione."),
        (1, "L'Ambito risponde entro 1 giorno dal ricevimento della segnalazione."),
    ],
)
def test_page_promises_the_complaint_deadline(client, settings, days, promise):
    settings.CARTA_COMPLAINT_DAYS = days
    html = client.get("/accessibilita/").content.decode()
    assert re.search(r'<p id="accessibility-response-time">(.*?)</p>', html).group(1) == promise
    assert _link(html, "accessibility-feedback") == (
        "/valuta-e-segnala/segnala/?categoria=accessibility",
        "Segnala un problema di accessibilità",
    )


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        (
            {"CARTA_ACCESSIBILITY_STATEMENT_DATE": "8 ottobre 2026"},
            "CARTA_ACCESSIBILITY_STATEMENT_DATE: expected a date as YYYY-MM-DD, got '8 ottobre",
        ),
        (
            {
                "CARTA_ACCESSIBILITY_STATEMENT_DATE": "2026-10-08",
                "CARTA_ACCESSIBILITY_REVIEW_DATE": "2026-10-01",
            },
            "CARTA_ACCESSIBILITY_REVIEW_DATE: must come after CARTA_ACCESSIBILITY_STATEMENT_DATE",
        ),
        (
            {"CARTA_ACCESSIBILITY_STATEMENT_URL": "form.agid.gov.it/view/x"},
            "CARTA_ACCESSIBILITY_STATEMENT_URL: expected an https:// address",
        ),
    ],
)
def test_bad_statement_settings_stop_start_up_naming_the_variable(environment, message):
    result = run_carta("check", extra_env=environment)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.fixture
def response_days_provider():
    """Register a provider of the answer days for one test, as the feedback app would."""
    calls = []

    def register(days):
        def provider():
            calls.append(days)
            return days

        ambito.register_response_days(provider)
        return calls

    yield register
    ambito.register_response_days(None)


def test_page_and_api_promise_the_days_the_registered_provider_gives(
    client, api, settings, response_days_provider
):
    """The complaint deadline may be set by the Carta in force, which the platform core
    cannot read: the app that can registers it (carta.ambito.register_response_days)."""
    settings.CARTA_COMPLAINT_DAYS = 30
    response_days_provider(15)
    html = client.get("/accessibilita/").content.decode()
    assert re.search(r'<p id="accessibility-response-time">(.*?)</p>', html).group(1) == (
        "L'Ambito risponde entro 15 giorni dal ricevimento della segnalazione."
    )
    assert api.get("/api/v1/ambito/").json()["accessibility"]["response_days"] == 15


def test_other_pages_do_not_ask_the_provider(client, response_days_provider):
    calls = response_days_provider(15)
    client.get("/")
    client.get("/privacy/")
    assert calls == []
