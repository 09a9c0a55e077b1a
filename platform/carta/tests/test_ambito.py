"""The Ambito's identity, configured once (carta.ambito) and shown where the law wants it:
the footer, the privacy notice, the emails, ``GET /api/v1/ambito/``, the production check."""

import datetime
import re

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.test import override_settings

from carta import ambito, checks
from carta.services import notify
from carta.tests.test_settings import PROD_ENV, run_carta
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

IDENTITY = {
    "CARTA_AMBITO_NAME": "Ambito Territoriale Sociale n. 7 Alto Aterno",
    "CARTA_AMBITO_IPA_CODE": "ats_7aa",
    "CARTA_AMBITO_ADDRESS": "Piazza del Municipio 1, 67021 Barisciano (AQ)",
    "CARTA_AMBITO_PEC": "ambito7@pec.example.it",
    "CARTA_AMBITO_WEBSITE": "https://www.ambito7.example.it",
    "CARTA_DPO_NAME": "Studio Rossi, avv. Maria Rossi",
    "CARTA_DPO_EMAIL": "rpd@ambito7.example.it",
    "CARTA_DPO_PEC": "rpd@pec.example.it",
}


def _footer(response) -> str:
    html = response.content.decode()
    return html[html.index('<footer class="it-footer"') : html.index("</footer>")]


def _header(response) -> str:
    html = response.content.decode()
    return html[html.index('<header class="it-header-wrapper"') : html.index("</header>")]


def test_identity_reads_every_setting_through_one_accessor(settings):
    for name, value in IDENTITY.items():
        setattr(settings, name, value)
    settings.CARTA_AMBITO_LOGO = "/static/ambito/logo.svg"
    the_ambito = ambito.identity()
    assert the_ambito.name == "Ambito Territoriale Sociale n. 7 Alto Aterno"
    assert (the_ambito.ipa_code, the_ambito.pec) == ("ats_7aa", "ambito7@pec.example.it")
    assert the_ambito.address == "Piazza del Municipio 1, 67021 Barisciano (AQ)"
    assert the_ambito.logo_url == "/static/ambito/logo.svg"
    assert the_ambito.dpo_contact == "rpd@ambito7.example.it"
    assert the_ambito.logo_alt == "Logo di Ambito Territoriale Sociale n. 7 Alto Aterno"
    with pytest.raises(AttributeError):
        the_ambito.name = "altro"  # frozen: configured in settings, nowhere else


def test_footer_shows_the_address_pec_ipa_code_and_site(client, settings):
    for name, value in IDENTITY.items():
        setattr(settings, name, value)
    footer = _footer(client.get("/"))
    assert "Ambito Territoriale Sociale n. 7 Alto Aterno" in footer
    assert "Piazza del Municipio 1, 67021 Barisciano (AQ)" in footer
    assert 'PEC: <a href="mailto:ambito7@pec.example.it">ambito7@pec.example.it</a>' in footer
    assert "Codice IPA: ats_7aa" in footer
    assert '<a href="https://www.ambito7.example.it">Sito istituzionale dell\'Ambito</a>' in footer


def test_footer_leaves_out_what_is_not_configured(client, settings):
    settings.CARTA_AMBITO_IPA_CODE = ""
    settings.CARTA_AMBITO_PEC = ""
    settings.CARTA_AMBITO_ADDRESS = ""
    settings.CARTA_AMBITO_WEBSITE = ""
    footer = _footer(client.get("/"))
    assert "Codice IPA" not in footer and "PEC:" not in footer
    assert "Sito istituzionale" not in footer
    assert "<address" not in footer  # no empty block either


def test_without_a_logo_header_and_footer_show_the_pa_icon(client, settings):
    settings.CARTA_AMBITO_LOGO = ""
    response = client.get("/")
    for part in (_header(response), _footer(response)):
        assert "#it-pa" in part
        assert "carta-ambito-logo" not in part


def test_a_configured_logo_replaces_the_icon_beside_the_name(client, settings):
    settings.CARTA_AMBITO_LOGO = "https://www.ambito7.example.it/stemma.png"
    response = client.get("/")
    for part in (_header(response), _footer(response)):
        assert "#it-pa" not in part
        # In the same link as the Ambito's name: an empty alternative text, so that the
        # name is read once (WCAG H2).
        assert re.search(
            r'<img class="icon carta-ambito-logo" '
            r'src="https://www.ambito7.example.it/stemma.png" alt="">\s*'
            r'<div class="it-brand-text">\s*<div class="it-brand-title">',
            part,
        )


def test_identity_block_for_printed_documents_renders_without_a_request(settings):
    """The include the Carta's PDF uses: no context processor there, the identity is passed."""
    for name, value in IDENTITY.items():
        setattr(settings, name, value)
    settings.CARTA_AMBITO_LOGO = "/static/ambito/logo.svg"
    html = render_to_string(
        "includes/ambito_identity.html", {"ambito": ambito.identity(), "dpo": True}
    )
    assert (
        '<img class="carta-ambito-logo" src="/static/ambito/logo.svg" '
        'alt="Logo di Ambito Territoriale Sociale n. 7 Alto Aterno">'
    ) in html
    assert '<p class="carta-ambito-name">Ambito Territoriale Sociale n. 7 Alto Aterno</p>' in html
    assert "Codice IPA: ats_7aa" in html
    assert (
        "Responsabile della protezione dei dati: Studio Rossi, avv. Maria Rossi, "
        '<a href="mailto:rpd@ambito7.example.it">rpd@ambito7.example.it</a>'
    ) in html


def test_privacy_notice_names_the_controller_and_the_dpo(client, settings):
    for name, value in IDENTITY.items():
        setattr(settings, name, value)
    html = client.get("/privacy/").content.decode()
    assert "Il titolare del trattamento è Ambito Territoriale Sociale n. 7 Alto Aterno" in html
    assert "Piazza del Municipio 1, 67021 Barisciano (AQ)" in html
    assert 'PEC: <a href="mailto:ambito7@pec.example.it">' in html
    dpo = html[html.index('id="privacy-dpo"') : html.index("Quali dati trattiamo")]
    assert "Responsabile della protezione dei dati (RPD) Studio Rossi, avv. Maria Rossi" in dpo
    assert '<a href="mailto:rpd@ambito7.example.it">rpd@ambito7.example.it</a>' in dpo
    assert '<a href="mailto:rpd@pec.example.it">rpd@pec.example.it</a>' in dpo


def test_privacy_notice_without_a_dpo_points_to_the_institutional_site(client, settings):
    settings.CARTA_DPO_EMAIL = ""
    settings.CARTA_DPO_PEC = ""
    html = client.get("/privacy/").content.decode()
    dpo = html[html.index('id="privacy-dpo"') : html.index("Quali dati trattiamo")]
    assert "recapiti pubblicati sul sito istituzionale dell'Ambito" in dpo
    assert "mailto:" not in dpo


def test_notification_email_is_signed_by_the_ambito(django_capture_on_commit_callbacks, settings):
    for name, value in IDENTITY.items():
        setattr(settings, name, value)
    person = UserFactory(email="persona@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[person], kind="test", title="La tua proposta è stata pubblicata")
    (message,) = mail.outbox
    assert message.subject == (
        "[Ambito Territoriale Sociale n. 7 Alto Aterno] La tua proposta è stata pubblicata"
    )
    assert message.body.endswith(
        "-- \nAmbito Territoriale Sociale n. 7 Alto Aterno\n"
        "Piazza del Municipio 1, 67021 Barisciano (AQ)\n"
        "PEC: ambito7@pec.example.it\n"
        "http://testserver"
    )


def test_password_reset_email_is_signed_by_the_ambito(client, settings):
    for name, value in IDENTITY.items():
        setattr(settings, name, value)
    UserFactory(email="persona@example.org")
    client.post("/password/recupero/", {"email": "persona@example.org"})
    (message,) = mail.outbox
    assert (
        "Cordiali saluti,\nAmbito Territoriale Sociale n. 7 Alto Aterno\n"
        "Piazza del Municipio 1, 67021 Barisciano (AQ)\nPEC: ambito7@pec.example.it\n"
    ) in message.body


def test_api_describes_the_ambito(api, settings):
    for name, value in IDENTITY.items():
        setattr(settings, name, value)
    settings.CARTA_AMBITO_LOGO = "/static/ambito/logo.svg"
    settings.CARTA_ACCESSIBILITY_STATEMENT_URL = "https://form.agid.gov.it/view/abc-123"
    settings.CARTA_ACCESSIBILITY_STATEMENT_DATE = datetime.date(2026, 10, 8)
    settings.CARTA_ACCESSIBILITY_REVIEW_DATE = None
    settings.CARTA_COMPLAINT_DAYS = 20
    body = api.get("/api/v1/ambito/").json()
    assert body == {
        "name": "Ambito Territoriale Sociale n. 7 Alto Aterno",
        "ipa_code": "ats_7aa",
        "address": "Piazza del Municipio 1, 67021 Barisciano (AQ)",
        "pec": "ambito7@pec.example.it",
        "website": "https://www.ambito7.example.it",
        "logo_url": "http://testserver/static/ambito/logo.svg",
        "privacy_email": settings.CARTA_PRIVACY_EMAIL,
        "accessibility_email": settings.CARTA_ACCESSIBILITY_EMAIL,
        "dpo": {
            "name": "Studio Rossi, avv. Maria Rossi",
            "email": "rpd@ambito7.example.it",
            "pec": "rpd@pec.example.it",
        },
        "accessibility": {
            "statement_url": "https://form.agid.gov.it/view/abc-123",
            "statement_date": "2026-10-08",
            "review_date": None,
            "page_url": "http://testserver/accessibilita/",
            "feedback_url": "http://testserver/valuta-e-segnala/segnala/?categoria=accessibility",
            "response_days": 20,
        },
    }


def test_api_answers_null_for_what_is_not_configured(api, settings):
    settings.CARTA_AMBITO_IPA_CODE = ""
    settings.CARTA_AMBITO_PEC = ""
    settings.CARTA_AMBITO_LOGO = ""
    body = api.get("/api/v1/ambito/").json()
    assert (body["ipa_code"], body["pec"], body["logo_url"]) == (None, None, None)


def test_api_route_is_in_the_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "get" in schema["paths"]["/api/v1/ambito/"]


# --- The production check --------------------------------------------------------------


@override_settings(PRODUCTION=True)
def test_production_check_names_each_missing_value(settings):
    settings.CARTA_AMBITO_IPA_CODE = ""
    settings.CARTA_AMBITO_PEC = ""
    settings.CARTA_DPO_EMAIL = ""
    settings.CARTA_DPO_PEC = ""
    settings.CARTA_ACCESSIBILITY_STATEMENT_URL = ""
    warnings = checks.production_names_the_ambito(None)
    assert [(w.id, w.msg.split(" ")[0]) for w in warnings] == [
        ("carta.W001", "CARTA_AMBITO_IPA_CODE"),
        ("carta.W002", "CARTA_AMBITO_PEC"),
        ("carta.W003", "CARTA_DPO_EMAIL"),
        ("carta.W004", "CARTA_ACCESSIBILITY_STATEMENT_URL"),
    ]
    assert all(w.is_serious() is False for w in warnings)  # warnings: nothing refuses to start


@override_settings(PRODUCTION=True)
def test_a_dpo_pec_is_enough_for_the_check(settings):
    for name, value in IDENTITY.items():
        setattr(settings, name, value)
    settings.CARTA_DPO_EMAIL = ""
    settings.CARTA_ACCESSIBILITY_STATEMENT_URL = "https://form.agid.gov.it/view/abc-123"
    assert checks.production_names_the_ambito(None) == []


def test_the_embedded_profile_is_not_checked(settings):
    settings.PRODUCTION = False
    settings.CARTA_AMBITO_IPA_CODE = ""
    assert checks.production_names_the_ambito(None) == []


def test_check_deploy_lists_what_the_production_profile_lacks():
    environment = {
        key: value
        for key, value in PROD_ENV.items()
        if not key.startswith(("CARTA_AMBITO_", "CARTA_DPO_", "CARTA_ACCESSIBILITY_"))
    }
    result = run_carta("check", "--deploy", extra_env=environment)
    # Warnings only: the command succeeds, and says what to set.
    assert result.returncode == 0, result.stderr
    for check_id, setting in [
        ("carta.W001", "CARTA_AMBITO_IPA_CODE"),
        ("carta.W002", "CARTA_AMBITO_PEC"),
        ("carta.W003", "CARTA_DPO_EMAIL"),
        ("carta.W004", "CARTA_ACCESSIBILITY_STATEMENT_URL"),
    ]:
        assert f"({check_id}) {setting} is not set" in result.stderr
    assert "carta.W00" not in run_carta("check", extra_env=environment).stderr  # --deploy only


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CARTA_AMBITO_LOGO", "http://ambito.example.it/logo.png", "CARTA_AMBITO_LOGO: expected"),
        ("CARTA_AMBITO_LOGO", "logo.png", "CARTA_AMBITO_LOGO: expected an https:// address or"),
        ("CARTA_AMBITO_WEBSITE", "www.ambito.example.it", "CARTA_AMBITO_WEBSITE: expected an"),
    ],
)
def test_a_bad_address_stops_start_up_naming_the_variable(name, value, message):
    result = run_carta("check", extra_env={name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_a_logo_on_another_site_is_allowed_by_the_content_security_policy():
    result = run_carta(
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])",
        extra_env={"CARTA_AMBITO_LOGO": "https://www.ambito7.example.it/img/stemma.png"},
    )
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip().splitlines()[-1]
        == "[\"'self'\", 'data:', 'https://www.ambito7.example.it']"
    )
