"""Accounts: registration, login and its rate limit, profile, tokens, password reset."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from carta.models import AuditEntry

User = get_user_model()
pytestmark = pytest.mark.django_db

GOOD = {
    "username": "nuova.utente",
    "email": "nuova@example.org",
    "password": "Piano-di-zona-2026!",
    "preferred_language": "it",
}


def register_form(**overrides):
    data = {**GOOD, "password_confirm": GOOD["password"], "accept_privacy": "on"}
    data.update(overrides)
    return data


def test_registration_page_creates_the_account_and_sends_the_link(client, password):
    response = client.post(reverse("register"), register_form(first_name="Nora"))
    assert response.status_code == 302
    assert response["Location"] == reverse("registration_sent")
    user = User.objects.get(username="nuova.utente")
    assert (user.email, user.first_name, user.preferred_language) == (
        "nuova@example.org",
        "Nora",
        "it",
    )
    assert [message.to for message in mail.outbox] == [["nuova@example.org"]]
    # Not signed in by the registration: the password signs in, the link confirms.
    assert client.get(reverse("profile")).status_code == 302
    assert (
        client.post(
            reverse("login"), {"username": "nuova.utente", "password": GOOD["password"]}
        ).status_code
        == 302
    )
    assert client.get(reverse("profile")).context["user"] == user
    assert AuditEntry.objects.filter(verb="account.registered", object_id=str(user.pk)).exists()


def test_registration_page_shows_field_errors(client, citizen):
    response = client.post(
        reverse("register"),
        register_form(email=citizen.email.upper(), password="123", password_confirm="124"),
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "password_confirm" in form.errors
    assert not User.objects.filter(username="nuova.utente").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"username": "cittadina"}, "username"),
        ({"password": "password"}, "password"),
        ({"password": "12345678901"}, "password"),
        ({"preferred_language": "xx"}, "preferred_language"),
        ({"email": "not-an-email"}, "email"),
        ({"username": "no spaces allowed"}, "username"),
    ],
)
def test_api_registration_rejects_bad_input_naming_the_field(api, citizen, change, field):
    response = api.post("/api/v1/auth/register/", {**GOOD, **change}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400 and body["code"] == "invalid"
    assert field in body["errors"], body
    assert User.objects.count() == 1


def test_api_registration_creates_the_account(api):
    response = api.post("/api/v1/auth/register/", GOOD, format="json")
    assert response.status_code == 202
    assert "email" in response.json()["detail"]
    assert User.objects.get(username="nuova.utente").check_password(GOOD["password"])


def test_api_registration_refuses_a_weak_password_whether_the_address_is_taken(api, citizen):
    weak = {**GOOD, "password": "password"}
    for email in ("libero@example.org", citizen.email.upper()):
        response = api.post("/api/v1/auth/register/", {**weak, "email": email}, format="json")
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["password"]


def test_malformed_json_answers_400_in_the_error_shape(api):
    response = api.generic(
        "POST", "/api/v1/auth/token/", '{"username": ', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_token_for_good_credentials_authenticates_api_calls(api, citizen, password):
    response = api.post(
        "/api/v1/auth/token/", {"username": "cittadina", "password": password}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/v1/auth/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "cittadina"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"username": "cittadina", "password": "sbagliata"}, "non_field_errors"),
        ({"username": "cittadina"}, "password"),
        ({"password": "x"}, "username"),
    ],
)
def test_token_request_errors_name_the_field(api, citizen, payload, field):
    response = api.post("/api/v1/auth/token/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_login_page_is_rate_limited(client, citizen, settings):
    settings.CARTA_LOGIN_RATE = (3, 300)
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "cittadina", "password": "no"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": "cittadina", "password": "no"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session


def test_token_endpoint_is_rate_limited(api, citizen, password, settings):
    settings.CARTA_LOGIN_RATE = (2, 300)
    for _ in range(2):
        api.post("/api/v1/auth/token/", {"username": "cittadina", "password": "x"}, format="json")
    response = api.post(
        "/api/v1/auth/token/", {"username": "cittadina", "password": password}, format="json"
    )
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"


def test_login_page_signs_in(client, citizen, password):
    response = client.post(reverse("login"), {"username": "cittadina", "password": password})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(citizen.pk)


def test_profile_change_updates_language_and_is_audited(client_as, citizen):
    client = client_as(citizen)
    response = client.post(
        reverse("profile"),
        {
            "first_name": "Ada",
            "last_name": "Neri",
            "email": citizen.email,
            "preferred_language": "en",
        },
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert (citizen.first_name, citizen.preferred_language) == ("Ada", "en")
    entry = AuditEntry.objects.get(verb="account.profile_changed")
    assert entry.changes["preferred_language"] == ["it", "en"]
    assert response.cookies["django_language"].value == "en"


def test_api_profile_rejects_unknown_language(api_as, citizen):
    response = api_as(citizen).patch(
        "/api/v1/auth/me/", {"preferred_language": "xx"}, format="json"
    )
    assert response.status_code == 400
    assert "preferred_language" in response.json()["errors"]


def test_language_switch_speaks_english_and_remembers_it(client_as, citizen):
    client = client_as(citizen)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    citizen.refresh_from_db()
    assert citizen.preferred_language == "en"
    page = client.get(reverse("home"))
    assert page.context["LANGUAGE_CODE"] == "en"


def test_password_reset_sends_an_email_with_a_working_link(client, citizen):
    response = client.post(reverse("password_reset"), {"email": citizen.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/password/recupero/" in mail.outbox[0].body


def test_login_page_keeps_next_and_goes_there(client, citizen, password):
    page = client.get(reverse("login") + "?next=/notifiche/")
    assert 'name="next" value="/notifiche/"' in page.content.decode()
    response = client.post(
        reverse("login") + "?next=/notifiche/",
        {"login": citizen.username, "password": password, "next": "/notifiche/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/notifiche/"


def test_login_page_refuses_a_wrong_password_keeping_the_name(client, citizen):
    response = client.post(reverse("login"), {"login": citizen.username, "password": "sbagliata"})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'value="{citizen.username}"' in page
    assert "non sono corretti" in page or "non corretti" in page or "errat" in page
