"""The test identity provider (devtools/testidp): a real OpenID Connect provider in its own process.

Each test drives it over HTTP with ``requests`` as a client would (authorization code with
PKCE S256), and checks what the sign-in with SPID/CIE relies on: the discovery document, the
ID token's signature and claims, the userinfo response, and the refusals.
"""

import base64
import hashlib
import json
import re
import secrets
from urllib.parse import parse_qs, urljoin, urlsplit

import jwt
import pytest
import requests

from carta.fiscalcode import check_character
from devtools.testidp.fixture import IdpStartError, running_idp
from devtools.testidp.identities import (
    DEFAULT_IDENTITIES,
    DEFAULT_PASSWORD,
    SPID_L2,
    SPID_L3,
    Identity,
    identities_from_json,
)

CLIENT_ID = "carta-test"
CLIENT_SECRET = "segreto-di-prova"  # noqa: S105
REDIRECT_URI = "http://127.0.0.1:8000/accounts/oidc/spid/login/callback/"
TITLE = "Provider di identità di prova (non SPID reale)"


@pytest.fixture(scope="module")
def idp():
    with running_idp(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uris=[REDIRECT_URI]
    ) as idp:
        yield idp


@pytest.fixture(scope="module")
def config(idp):
    # allauth's openid_connect provider turns server_url into this URL (wk_server_url).
    response = requests.get(idp.issuer + "/.well-known/openid-configuration", timeout=10)
    response.raise_for_status()
    return response.json()


def pkce_pair():
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    return verifier, challenge


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def open_login_page(session, config, params):
    """GET the authorization endpoint: the provider answers with its login page."""
    response = session.get(
        config["authorization_endpoint"], params=params, allow_redirects=False, timeout=10
    )
    assert response.status_code == 302
    login_url = urljoin(config["issuer"], response.headers["Location"])
    assert urlsplit(login_url).path == "/login/"
    page = session.get(login_url, timeout=10)
    assert page.status_code == 200
    return login_url, page


def submit_login(session, login_url, page, *, username, password):
    next_url = parse_qs(urlsplit(login_url).query)["next"][0]
    return session.post(
        login_url,
        data={
            "csrfmiddlewaretoken": csrf_token(page.text),
            "username": username,
            "password": password,
            "next": next_url,
        },
        allow_redirects=False,
        timeout=10,
    )


def authorize(config, *, username, password=DEFAULT_PASSWORD, challenge=None, extra=None):
    """Sign in at the provider; the provider's final answer (its redirect to redirect_uri)."""
    session = requests.Session()
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid profile email",
        "state": "lo-stato",
        **({"code_challenge": challenge, "code_challenge_method": "S256"} if challenge else {}),
        **(extra or {}),
    }
    login_url, page = open_login_page(session, config, params)
    logged_in = submit_login(session, login_url, page, username=username, password=password)
    assert logged_in.status_code == 302, logged_in.text
    back = session.get(
        urljoin(config["issuer"], logged_in.headers["Location"]), allow_redirects=False, timeout=10
    )
    assert back.status_code == 302
    return back.headers["Location"], session


def code_from(location):
    assert location.startswith(REDIRECT_URI + "?"), location
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == ["lo-stato"]
    return query["code"][0]


def exchange(config, code, verifier, *, auth_method="client_secret_post", secret=CLIENT_SECRET):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier,
    }
    auth = None
    if auth_method == "client_secret_post":
        data |= {"client_id": CLIENT_ID, "client_secret": secret}
    else:
        auth = requests.auth.HTTPBasicAuth(CLIENT_ID, secret)
    return requests.post(config["token_endpoint"], data=data, auth=auth, timeout=10)


def verified_id_token(config, id_token, *, nonce):
    signing_key = jwt.PyJWKClient(config["jwks_uri"]).get_signing_key_from_jwt(id_token)
    claims = jwt.decode(
        id_token,
        signing_key.key,
        algorithms=["RS256"],
        audience=CLIENT_ID,
        issuer=config["issuer"],
        options={"require": ["iss", "aud", "exp", "iat", "sub"]},
    )
    assert claims["nonce"] == nonce
    return claims


def userinfo(config, access_token):
    response = requests.get(
        config["userinfo_endpoint"], headers={"Authorization": f"Bearer {access_token}"}, timeout=10
    )
    assert response.status_code == 200
    return response.json()


def sign_in(config, username, *, auth_method="client_secret_post"):
    """The whole flow for one identity: the ID token's claims and the userinfo response."""
    verifier, challenge = pkce_pair()
    nonce = secrets.token_urlsafe(16)
    location, _ = authorize(config, username=username, challenge=challenge, extra={"nonce": nonce})
    response = exchange(config, code_from(location), verifier, auth_method=auth_method)
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["token_type"] == "Bearer"
    return verified_id_token(config, tokens["id_token"], nonce=nonce), userinfo(
        config, tokens["access_token"]
    )


# The codice fiscale's check character


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        # Worked by hand with the odd and even tables:
        # RSSMRA80A01H501: odd 8+12+8+19+1+0+13+0 = 61, even 18+12+0+0+0+7+0 = 37; 98 % 26 = 20.
        ("RSSMRA80A01H501", "U"),
        # MRTMTT25D09F205: odd 18+14+14+5+7+21+5+13 = 97, even 17+12+19+5+0+5+0 = 58; 155 % 26 = 25.
        ("MRTMTT25D09F205", "Z"),
        # BNCGLU85C55F205: odd 0+5+4+19+5+13+5+13 = 64, even 13+6+20+5+5+5+0 = 54; 118 % 26 = 14.
        ("BNCGLU85C55F205", "O"),
        # VRDLGU70M10L219: odd 10+7+15+17+18+1+5+21 = 94, even 17+11+20+0+1+11+1 = 61; 155 % 26=25.
        ("VRDLGU70M10L219", "Z"),
    ],
)
def test_check_character_follows_the_odd_and_even_tables(code, expected):
    assert check_character(code) == expected


@pytest.mark.parametrize(
    "bad", ["RSSMRA80A01H50", "RSSMRA80A01H5011", "rssmra80a01h501", "RSSMRA80A01H50-"]
)
def test_check_character_refuses_what_is_not_a_codice_fiscale(bad):
    with pytest.raises(ValueError, match="codice fiscale"):
        check_character(bad)


def test_default_identities_are_the_documented_four():
    by_username = {identity.username: identity for identity in DEFAULT_IDENTITIES}
    assert list(by_username) == ["mario.rossi", "giulia.bianchi", "codice.errato", "senza.codice"]
    assert {identity.password for identity in DEFAULT_IDENTITIES} == {"carta-demo-2026"}
    for username in ("mario.rossi", "giulia.bianchi"):
        code = by_username[username].fiscal_number
        assert check_character(code[:15]) == code[15]
        assert by_username[username].acr == SPID_L2
    wrong = by_username["codice.errato"].fiscal_number
    assert len(wrong) == 16 and check_character(wrong[:15]) != wrong[15]
    assert by_username["senza.codice"].fiscal_number is None
    assert "fiscalNumber" not in by_username["senza.codice"].claims()
    assert by_username["mario.rossi"].email == "mario.rossi@example.org"
    assert by_username["giulia.bianchi"].email == "giulia.bianchi@example.org"


def test_identities_file_format_round_trips_and_refuses_malformed_entries():
    as_json = json.loads(json.dumps([identity.to_json() for identity in DEFAULT_IDENTITIES]))
    assert identities_from_json(as_json) == DEFAULT_IDENTITIES
    minimal = {
        "username": "a",
        "password": "p",
        "given_name": "A",
        "family_name": "B",
        "email": "a@example.org",
    }
    assert identities_from_json([minimal]) == [Identity(**minimal)]
    with pytest.raises(ValueError, match="missing"):
        identities_from_json([{**minimal, "email": ""}])
    with pytest.raises(ValueError, match="unknown"):
        identities_from_json([{**minimal, "codice": "X"}])
    with pytest.raises(ValueError, match="share a username"):
        identities_from_json([minimal, minimal])


# The running provider


def test_discovery_document_names_the_issuer_and_its_endpoints(idp, config):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", idp.issuer)
    assert config["issuer"] == idp.issuer
    assert config["authorization_endpoint"] == idp.issuer + "/authorize/"
    assert config["token_endpoint"] == idp.issuer + "/token/"
    assert config["userinfo_endpoint"] == idp.issuer + "/userinfo/"
    assert config["jwks_uri"] == idp.issuer + "/.well-known/jwks.json"
    assert config["code_challenge_methods_supported"] == ["S256"]
    assert config["response_types_supported"] == ["code"]
    assert "RS256" in config["id_token_signing_alg_values_supported"]
    # allauth 65.22 sends the secret in the body whenever client_secret_post is listed.
    assert "client_secret_post" in config["token_endpoint_auth_methods_supported"]
    assert {"fiscalNumber", "acr", "given_name", "family_name", "email"} <= set(
        config["claims_supported"]
    )


def test_full_flow_gives_the_spid_claims_in_the_id_token_and_userinfo(idp, config):
    mario = idp.identity("mario.rossi")
    id_token, info = sign_in(config, "mario.rossi")
    expected = {
        "sub": mario.sub,
        "fiscalNumber": "TINIT-RSSMRA80A01H501U",
        "given_name": "Mario",
        "family_name": "Rossi",
        "email": "mario.rossi@example.org",
        "email_verified": True,
        "acr": "https://www.spid.gov.it/SpidL2",
    }
    assert {name: id_token.get(name) for name in expected} == expected
    assert {name: info.get(name) for name in expected} == expected
    assert id_token["iss"] == config["issuer"]
    assert id_token["aud"] == CLIENT_ID


def test_sub_is_stable_and_differs_between_identities(config):
    first, _ = sign_in(config, "giulia.bianchi")
    again, _ = sign_in(config, "giulia.bianchi")
    other, _ = sign_in(config, "mario.rossi")
    assert first["sub"] == again["sub"] != other["sub"]


def test_code_exchange_accepts_client_secret_basic_too(config):
    id_token, info = sign_in(config, "giulia.bianchi", auth_method="client_secret_basic")
    assert id_token["fiscalNumber"] == info["fiscalNumber"] == "TINIT-BNCGLU85C55F205O"


def test_identity_without_codice_fiscale_has_no_fiscal_number_claim(config):
    id_token, info = sign_in(config, "senza.codice")
    assert "fiscalNumber" not in id_token
    assert "fiscalNumber" not in info
    assert info["family_name"] == "Neri"


def test_identity_with_wrong_check_character_is_sent_as_it_is(config):
    id_token, info = sign_in(config, "codice.errato")
    assert id_token["fiscalNumber"] == info["fiscalNumber"] == "TINIT-VRDLGU70M10L219A"


def test_authorization_without_code_challenge_is_refused(config):
    location, _ = authorize(config, username="mario.rossi", challenge=None)
    assert location.startswith(REDIRECT_URI + "?")
    query = parse_qs(urlsplit(location).query)
    assert query["error"] == ["invalid_request"]
    assert "code" not in query
    assert "challenge" in query["error_description"][0].lower()


def test_code_needs_the_right_verifier_and_secret_and_serves_once(config):
    verifier, challenge = pkce_pair()
    location, _ = authorize(config, username="mario.rossi", challenge=challenge)
    code = code_from(location)
    wrong_secret = exchange(config, code, verifier, secret="non-questo")
    assert wrong_secret.status_code == 401
    assert wrong_secret.json()["error"] == "invalid_client"
    wrong_verifier = exchange(config, code, pkce_pair()[0])
    assert wrong_verifier.status_code == 400
    assert wrong_verifier.json()["error"] == "invalid_grant"
    assert "id_token" in exchange(config, code, verifier).json()
    second_use = exchange(config, code, verifier)
    assert second_use.status_code == 400
    assert second_use.json()["error"] == "invalid_grant"


def test_wrong_password_shows_the_login_form_again_with_an_error(config):
    session = requests.Session()
    _, challenge = pkce_pair()
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    login_url, page = open_login_page(session, config, params)
    refused = submit_login(session, login_url, page, username="mario.rossi", password="sbagliata")
    assert refused.status_code == 200
    assert 'role="alert"' in refused.text
    alert = re.search(r'role="alert"[^>]*>(.*?)</p>', refused.text, re.S).group(1)
    assert "Inserisci nome utente e password corretti" in alert
    assert 'name="username"' in refused.text and 'name="password"' in refused.text
    assert 'value="mario.rossi"' in refused.text
    assert REDIRECT_URI not in refused.headers.get("Location", "")


def test_login_page_lists_the_identities(idp, config):
    session = requests.Session()
    _, challenge = pkce_pair()
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid",
    }
    _, page = open_login_page(
        session, config, {**params, "code_challenge": challenge, "code_challenge_method": "S256"}
    )
    assert f"<title>{TITLE}</title>" in page.text
    assert f"<h1>{TITLE}</h1>" in page.text
    assert re.search(r'<button type="submit">\s*Entra\s*</button>', page.text)
    for identity in idp.identities:
        assert f"<code>{identity.username}</code>" in page.text
    assert "RSSMRA80A01H501U" in page.text
    # Plain HTML: nothing fetched from anywhere.
    assert not re.search(r"<(script|link|img|iframe)\b", page.text)


def test_every_authorization_asks_for_the_login_again(config):
    verifier, challenge = pkce_pair()
    location, session = authorize(config, username="mario.rossi", challenge=challenge)
    code_from(location)
    again = session.get(
        config["authorization_endpoint"],
        params={
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT_URI,
            "scope": "openid",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert again.status_code == 302
    assert urlsplit(again.headers["Location"]).path == "/login/"


def test_identities_can_come_from_a_file_with_their_own_level():
    anna = Identity(
        username="anna.verdi",
        password="segreta",  # noqa: S106
        given_name="Anna",
        family_name="Verdi",
        email="anna.verdi@example.org",
        fiscal_number="VRDNNA90A41H501X",
        acr=SPID_L3,
    )
    with running_idp(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uris=[REDIRECT_URI],
        identities=[anna],
    ) as idp:
        config = requests.get(idp.issuer + "/.well-known/openid-configuration", timeout=10).json()
        verifier, challenge = pkce_pair()
        location, _ = authorize(
            config, username="anna.verdi", password="segreta", challenge=challenge
        )  # noqa: S106
        tokens = exchange(config, code_from(location), verifier).json()
        info = userinfo(config, tokens["access_token"])
        assert info["acr"] == SPID_L3
        assert info["fiscalNumber"] == "TINIT-VRDNNA90A41H501X"
        assert info["sub"] == anna.sub


def test_providers_run_side_by_side_and_one_can_be_made_unreachable(idp):
    with running_idp(
        client_id="altro", client_secret="altro-segreto", redirect_uris=[REDIRECT_URI]
    ) as other:  # noqa: S106
        assert other.issuer != idp.issuer
        discovery = other.issuer + "/.well-known/openid-configuration"
        assert requests.get(discovery, timeout=10).json()["issuer"] == other.issuer
        jwks_before = requests.get(other.issuer + "/.well-known/jwks.json", timeout=10).json()
        other.stop()
        assert other.returncode == 0  # SIGTERM is a clean exit
        with pytest.raises(requests.ConnectionError):
            requests.get(discovery, timeout=5)
        # The module's provider does not notice.
        assert (
            requests.get(idp.issuer + "/.well-known/openid-configuration", timeout=10).status_code
            == 200
        )
        other.start()
        assert requests.get(discovery, timeout=10).json()["issuer"] == other.issuer
        assert (
            requests.get(other.issuer + "/.well-known/jwks.json", timeout=10).json() == jwks_before
        )


def test_a_provider_that_cannot_start_raises_with_its_stderr():
    with (
        pytest.raises(IdpStartError, match="redirect"),
        running_idp(
            client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uris=["ftp://example.org/cb"]
        ),
    ):
        pass  # pragma: no cover
