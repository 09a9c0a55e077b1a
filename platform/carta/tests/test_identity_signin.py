"""The sign-in with SPID/CIE through OpenID Connect, against a real provider.

The test identity provider (devtools/testidp) runs in its own process on loopback; Carta's
side is allauth's openid_connect client with PKCE, reached through Django's test client.
The browser's part (following the redirects) is played by ``requests`` at the provider
and by the test client at Carta; allauth itself talks to the provider over HTTP (discovery,
token, keys, userinfo), as in production.
"""

import re
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.test import Client, override_settings
from django.utils import timezone

from carta.models import Identity, User
from carta.permissions import may_take_part
from devtools.testidp.fixture import running_idp
from devtools.testidp.identities import DEFAULT_PASSWORD, SPID_L1
from devtools.testidp.identities import Identity as IdpIdentity
from tests.factories.core import UserFactory

CLIENT_ID = "carta-prova"
CLIENT_SECRET = "segreto-di-prova"  # noqa: S105
CALLBACKS = [
    "http://testserver/accounts/oidc/spid/login/callback/",
    "http://testserver/accounts/oidc/cie/login/callback/",
]
EXTRA = [
    IdpIdentity(
        username="livello.uno",
        password=DEFAULT_PASSWORD,
        given_name="Lia",
        family_name="Uno",
        email="livello.uno@example.org",
        fiscal_number="RSSMRA80A01H501U",
        acr=SPID_L1,
    ),
    IdpIdentity(
        username="mario.altro",
        password=DEFAULT_PASSWORD,
        given_name="Mario",
        family_name="Rossi",
        email="mario.altro@example.org",
        fiscal_number="RSSMRA80A01H501U",
    ),
]


@pytest.fixture(scope="module")
def idp():
    from devtools.testidp.identities import DEFAULT_IDENTITIES

    with running_idp(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uris=CALLBACKS,
        identities=[*DEFAULT_IDENTITIES, *EXTRA],
    ) as provider:
        yield provider


def gateway(provider_id, name, issuer):
    return {
        "provider_id": provider_id,
        "name": name,
        "client_id": CLIENT_ID,
        "secret": CLIENT_SECRET,
        "settings": {
            "server_url": issuer,
            "scope": ["openid", "profile", "email"],
            "token_auth_method": "client_secret_basic",
            "fiscal_code_claim": "fiscalNumber",
            "level_claim": "acr",
        },
    }


@pytest.fixture
def gateways(idp, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                gateway("spid", "SPID", idp.issuer),
                gateway("cie", "CIE", idp.issuer),
            ],
        }
    }
    return idp


def sign_in(client, issuer, username, *, provider="spid", process=None):
    """Press the button on Carta's page, sign in at the provider, come back: Carta's last
    answer (the test client's response to the callback)."""
    data = {"process": process} if process else {}
    start = client.post(f"/accounts/oidc/{provider}/login/", data)
    assert start.status_code == 302, start.content
    authorize = start["Location"]
    assert authorize.startswith(issuer)
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"]  # PKCE
    browser = requests.Session()
    to_login = browser.get(authorize, allow_redirects=False, timeout=10)
    login_url = urljoin(issuer, to_login.headers["Location"])
    page = browser.get(login_url, timeout=10)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    logged_in = browser.post(
        login_url,
        data={
            "csrfmiddlewaretoken": csrf,
            "username": username,
            "password": DEFAULT_PASSWORD,
            "next": parse_qs(urlsplit(login_url).query)["next"][0],
        },
        allow_redirects=False,
        timeout=10,
    )
    back = browser.get(
        urljoin(issuer, logged_in.headers["Location"]), allow_redirects=False, timeout=10
    )
    callback = back.headers["Location"]
    assert callback.startswith("http://testserver/accounts/oidc/")
    parts = urlsplit(callback)
    return client.get(parts.path + "?" + parts.query)


def messages_of(client, response):
    page = client.get(response["Location"])
    return page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_first_sign_in_creates_the_account_and_its_identity(gateways):
    client = Client()
    response = sign_in(client, gateways.issuer, "mario.rossi")
    assert response.status_code == 302
    identity = Identity.objects.get()
    assert identity.fiscal_code == "RSSMRA80A01H501U"
    assert (identity.provider, identity.level) == ("spid", 2)
    user = identity.user
    assert (user.first_name, user.last_name, user.email) == (
        "Mario",
        "Rossi",
        "mario.rossi@example.org",
    )
    assert not user.has_usable_password()
    assert may_take_part(user)
    profile = client.get("/profilo/").content.decode()
    assert "RSSMRA80A01H501U" in profile


@pytest.mark.django_db(transaction=True)
def test_the_same_person_through_cie_or_another_subject_reaches_the_same_account(gateways):
    sign_in(Client(), gateways.issuer, "mario.rossi")
    sign_in(Client(), gateways.issuer, "mario.rossi", provider="cie")
    # Another username at the provider (another subject) with the same fiscal code.
    sign_in(Client(), gateways.issuer, "mario.altro")
    assert User.objects.count() == 1
    assert Identity.objects.count() == 1
    assert SocialAccount.objects.filter(user=Identity.objects.get().user).count() == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("codice.errato", "Il codice fiscale comunicato dal servizio di identità non è valido"),
        ("senza.codice", "non ha comunicato il codice fiscale"),
        ("livello.uno", "Per accedere serve almeno il livello 2 di SPID"),
    ],
)
def test_an_identity_that_cannot_be_trusted_creates_nothing(gateways, username, message):
    client = Client()
    response = sign_in(client, gateways.issuer, username)
    assert response.status_code == 302
    assert response["Location"] == "/accedi/"
    assert message in messages_of(client, response)
    assert not User.objects.exists()
    assert not Identity.objects.exists()
    assert not SocialAccount.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_password_account_links_its_identity_from_the_profile(gateways):
    person = UserFactory(verified=False, email="mario.privato@example.org")
    client = Client()
    client.force_login(person)
    assert not may_take_part(person)
    response = sign_in(client, gateways.issuer, "mario.rossi", process="connect")
    assert response.status_code == 302
    assert Identity.objects.get().user == person
    assert may_take_part(person)
    assert User.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_identity_linked_to_one_account_is_refused_to_another(gateways):
    sign_in(Client(), gateways.issuer, "mario.rossi")
    other = UserFactory()
    client = Client()
    client.force_login(other)
    response = sign_in(client, gateways.issuer, "mario.altro", process="connect")
    assert "già collegata a un altro account" in messages_of(client, response)
    assert Identity.objects.get().user != other
    assert not SocialAccount.objects.filter(user=other).exists()


@pytest.mark.django_db(transaction=True)
def test_a_first_sign_in_whose_email_has_an_account_is_not_merged(gateways):
    UserFactory(email="mario.rossi@example.org")
    client = Client()
    response = sign_in(client, gateways.issuer, "mario.rossi")
    assert "Accedi con la password e collega" in messages_of(client, response)
    assert User.objects.count() == 1
    assert not Identity.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_provider_is_a_clear_message_and_password_login_still_works(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            # A loopback port nothing listens on.
            "APPS": [gateway("spid", "SPID", "http://127.0.0.1:9")],
        }
    }
    client = Client()
    response = client.post("/accounts/oidc/spid/login/")
    assert response.status_code == 302
    assert response["Location"] == "/accedi/"
    assert "non è riuscito" in messages_of(client, response)
    person = UserFactory()
    from tests.factories.core import PASSWORD

    signed_in = client.post("/accedi/", {"username": person.username, "password": PASSWORD})
    assert signed_in.status_code == 302


@pytest.mark.django_db
def test_the_login_page_shows_a_button_per_configured_gateway(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {"APPS": [gateway("spid", "SPID", "http://127.0.0.1:9")]}
    }
    page = Client().get("/accedi/").content.decode()
    assert "Entra con SPID" in page
    assert 'action="/accounts/oidc/spid/login/"' in page
    assert "Entra con CIE" not in page


@pytest.mark.django_db
def test_without_gateways_the_login_page_shows_no_button(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    page = Client().get("/accedi/").content.decode()
    assert "Entra con" not in page


@override_settings(SOCIALACCOUNT_PROVIDERS={"openid_connect": {"APPS": []}})
@pytest.mark.django_db
def test_an_unconfigured_gateway_is_a_404():
    assert Client().post("/accounts/oidc/spid/login/").status_code == 404


@pytest.mark.django_db
def test_the_pages_with_the_buttons_let_their_forms_lead_to_the_gateway(settings):
    # The button posts to Carta, which redirects to the gateway: form-action governs it.
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {"APPS": [gateway("spid", "SPID", "https://spid.example.org/oidc")]}
    }
    policy = Client().get("/accedi/")["Content-Security-Policy"]
    form_action = next(p for p in policy.split(";") if p.strip().startswith("form-action"))
    assert "https://spid.example.org" in form_action
    assert "'self'" in form_action
    home = Client().get("/")["Content-Security-Policy"]
    assert "spid.example.org" not in home


def test_the_level_is_read_from_the_id_token_where_spid_puts_it():
    from types import SimpleNamespace

    from carta.identity import _claims, _level_claim

    login = SimpleNamespace(
        account=SimpleNamespace(
            extra_data={
                "id_token": {"acr": "https://www.spid.gov.it/SpidL2", "sub": "x"},
                "userinfo": {"fiscalNumber": "TINIT-RSSMRA80A01H501U", "sub": "x"},
            }
        )
    )
    assert _level_claim(login, "acr") == "https://www.spid.gov.it/SpidL2"
    assert _claims(login)["fiscalNumber"] == "TINIT-RSSMRA80A01H501U"


@pytest.mark.django_db(transaction=True)
def test_a_provider_that_stops_answering_before_the_callback_is_a_clear_message(gateways):
    client = Client()
    start = client.post("/accounts/oidc/spid/login/")
    authorize = start["Location"]
    browser = requests.Session()
    to_login = browser.get(authorize, allow_redirects=False, timeout=10)
    login_url = urljoin(gateways.issuer, to_login.headers["Location"])
    page = browser.get(login_url, timeout=10)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    logged_in = browser.post(
        login_url,
        data={
            "csrfmiddlewaretoken": csrf,
            "username": "mario.rossi",
            "password": DEFAULT_PASSWORD,
            "next": parse_qs(urlsplit(login_url).query)["next"][0],
        },
        allow_redirects=False,
        timeout=10,
    )
    back = browser.get(
        urljoin(gateways.issuer, logged_in.headers["Location"]), allow_redirects=False, timeout=10
    )
    callback = urlsplit(back.headers["Location"])
    gateways.stop()
    try:
        response = client.get(callback.path + "?" + callback.query)
    finally:
        gateways.start()
    assert response.status_code == 302
    assert "non è riuscito" in messages_of(client, response)
    assert not User.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_first_sign_ins_of_one_person_at_once_make_one_identity(gateways, monkeypatch):
    """The other sign-in wins between this one's check and its save: the unique fiscal
    code decides, this one is asked to retry and leaves nothing behind."""
    from carta.identity import SocialAccountAdapter

    original = SocialAccountAdapter.pre_social_login
    winner = UserFactory(username="il.primo", email="primo@example.org")

    def the_other_one_wins(self, request, sociallogin):
        original(self, request, sociallogin)
        Identity.objects.create(
            user=winner,
            fiscal_code="RSSMRA80A01H501U",
            provider="spid",
            level=2,
            verified_at=timezone.now(),
        )

    monkeypatch.setattr(SocialAccountAdapter, "pre_social_login", the_other_one_wins)
    client = Client()
    response = sign_in(client, gateways.issuer, "mario.rossi")
    assert "Un altro accesso con la stessa identità è in corso" in messages_of(client, response)
    assert list(User.objects.values_list("username", flat=True)) == ["il.primo"]
    assert Identity.objects.get().user == winner
    assert not SocialAccount.objects.exists()
