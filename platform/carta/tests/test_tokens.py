"""API tokens (django-rest-knox): one per device, expiring, revocable, and revoked with the
password or the account (carta.tokens, carta.api.views, carta.token_views)."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from knox.models import AuthToken
from rest_framework.test import APIClient

from carta import tokens
from carta.errors import InvalidInput
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
TOKENS_URL = "/api/v1/auth/tokens/"
ME_URL = "/api/v1/auth/me/"


def get_token(api: APIClient, username: str, password: str) -> dict:
    response = api.post(TOKEN_URL, {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def with_token(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def assert_refused(response) -> None:
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    body = response.json()
    assert body["status"] == 401
    assert body["code"] == "authentication_failed"
    assert body["detail"]


# --- Getting and using a token --------------------------------------------------------------


def test_token_answer_names_key_expiry_and_id(api, citizen, password, settings):
    before = timezone.now()
    body = get_token(api, "cittadina", password)
    assert set(body) == {"token", "expiry", "id"}
    assert body["token"].startswith(body["id"])
    stored = AuthToken.objects.get(user=citizen)
    assert stored.token_key == body["id"]
    assert stored.digest != body["token"]  # only a digest is stored
    expiry = datetime.datetime.fromisoformat(body["expiry"])
    assert expiry == stored.expiry
    days = datetime.timedelta(days=settings.CARTA_TOKEN_DAYS)
    assert before + days <= expiry <= timezone.now() + days


def test_token_works_and_each_call_makes_a_new_one(api, citizen, password):
    first = get_token(api, "cittadina", password)
    second = get_token(api, "cittadina", password)
    assert first["token"] != second["token"]
    assert AuthToken.objects.filter(user=citizen).count() == 2
    for body in (first, second):
        me = with_token(body["token"]).get(ME_URL)
        assert me.status_code == 200
        assert me.json()["username"] == "cittadina"


def test_token_exchange_counts_sign_in_attempts_per_account(api, citizen, password, settings):
    settings.CARTA_LOGIN_ACCOUNT_RATE = (2, 300)
    for address in ("10.0.0.1", "10.0.0.2"):
        api.post(
            TOKEN_URL,
            {"username": "cittadina", "password": "no"},
            format="json",
            REMOTE_ADDR=address,
        )
    response = api.post(
        TOKEN_URL,
        {"username": "cittadina", "password": password},
        format="json",
        REMOTE_ADDR="10.0.0.3",
    )
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert not AuthToken.objects.exists()


def test_unauthenticated_call_answers_401_with_the_scheme(api):
    response = api.get(TOKENS_URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["status"] == 401


def test_an_invalid_token_is_refused_in_the_error_shape_translated(citizen):
    response = with_token("nonesiste" * 4).get(ME_URL, HTTP_ACCEPT_LANGUAGE="it")
    assert_refused(response)
    assert response.json()["detail"] == "Token invalido."
    english = with_token("nonesiste" * 4).get(ME_URL, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["detail"] == "Invalid token."


def test_a_token_expires_after_the_configured_days(api, citizen, password, settings):
    key = get_token(api, "cittadina", password)["token"]
    days = settings.CARTA_TOKEN_DAYS
    with time_machine.travel(timezone.now() + datetime.timedelta(days=days - 1)):
        assert with_token(key).get(ME_URL).status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=days, minutes=1)):
        assert_refused(with_token(key).get(ME_URL))
    assert not AuthToken.objects.filter(user=citizen).exists()  # knox deletes it on use


def test_old_drf_tokens_no_longer_exist():
    from django.apps import apps

    assert not apps.is_installed("rest_framework.authtoken")


# --- Revoking through the API ---------------------------------------------------------------


def test_delete_token_revokes_the_one_used(api, citizen, password):
    used = get_token(api, "cittadina", password)
    other = get_token(api, "cittadina", password)
    response = with_token(used["token"]).delete(TOKEN_URL)
    assert response.status_code == 204
    assert list(AuthToken.objects.values_list("token_key", flat=True)) == [other["id"]]
    assert_refused(with_token(used["token"]).get(ME_URL))
    assert with_token(other["token"]).get(ME_URL).status_code == 200


def test_delete_token_without_a_token_is_401(api, citizen, password):
    get_token(api, "cittadina", password)
    response = api.delete(TOKEN_URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert AuthToken.objects.count() == 1


def test_list_shows_only_ones_own_tokens_and_marks_the_current(
    api, citizen, password, django_assert_num_queries
):
    other = UserFactory(username="altra")
    _instance, other_key = AuthToken.objects.create(user=other)
    current = get_token(api, "cittadina", password)
    second = get_token(api, "cittadina", password)
    caller = with_token(current["token"])
    # The token with its user, the user's tokens (knox's clean-up of expired ones), the
    # page's count and the page.
    with django_assert_num_queries(4):
        response = caller.get(TOKENS_URL)
    assert response.status_code == 200
    results = response.json()["results"]
    assert {row["id"]: row["current"] for row in results} == {
        current["id"]: True,
        second["id"]: False,
    }
    for row in results:
        assert set(row) == {"id", "created", "expiry", "current"}
    assert other_key[:15] not in response.content.decode()
    assert current["token"] not in response.content.decode()


def test_revoking_someone_elses_token_is_404(api, citizen, password):
    other = UserFactory(username="altra")
    instance, _key = AuthToken.objects.create(user=other)
    key = get_token(api, "cittadina", password)["token"]
    response = with_token(key).delete(f"{TOKENS_URL}{instance.token_key}/")
    assert response.status_code == 404
    assert response.json()["status"] == 404
    assert AuthToken.objects.filter(user=other).count() == 1


def test_revoking_one_of_ones_own_tokens(api, citizen, password):
    current = get_token(api, "cittadina", password)
    other = get_token(api, "cittadina", password)
    response = with_token(current["token"]).delete(f"{TOKENS_URL}{other['id']}/")
    assert response.status_code == 204
    assert list(AuthToken.objects.values_list("token_key", flat=True)) == [current["id"]]


def test_revoking_all_tokens(api, citizen, password):
    other = UserFactory(username="altra")
    AuthToken.objects.create(user=other)
    keys = [get_token(api, "cittadina", password)["token"] for _ in range(3)]
    response = with_token(keys[0]).delete(TOKENS_URL)
    assert response.status_code == 204
    assert not AuthToken.objects.filter(user=citizen).exists()
    assert AuthToken.objects.filter(user=other).count() == 1
    assert_refused(with_token(keys[1]).get(ME_URL))


# --- Revoked with the password and the account -----------------------------------------------


def test_password_change_on_the_page_revokes_tokens_and_other_sessions(api, citizen, password):
    key = get_token(api, "cittadina", password)["token"]
    elsewhere = Client()
    elsewhere.force_login(citizen)
    page = Client()
    page.force_login(citizen)
    response = page.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "Una-nuova-password-lunga-7",
            "new_password2": "Una-nuova-password-lunga-7",
        },
    )
    assert response.status_code == 302, response.content
    assert not AuthToken.objects.filter(user=citizen).exists()
    assert_refused(with_token(key).get(ME_URL))
    # Django's session auth hash ends the other sessions and keeps the one that changed it.
    assert "/accedi/" in elsewhere.get(reverse("profile"))["Location"]
    assert page.get(reverse("profile")).status_code == 200


def test_password_reset_through_the_link_revokes_tokens(api, citizen, password):
    key = get_token(api, "cittadina", password)["token"]
    client = Client()
    response = client.post(reverse("password_reset"), {"email": citizen.email})
    assert response.status_code == 302
    link = re.search(r"/password/recupero/[^/\s]+/[^/\s]+/", mail.outbox[0].body).group(0)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    response = client.post(
        form.redirect_chain[-1][0],
        {
            "new_password1": "Un-altra-password-lunga-8",
            "new_password2": "Un-altra-password-lunga-8",
        },
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password("Un-altra-password-lunga-8")
    assert not AuthToken.objects.filter(user=citizen).exists()
    assert_refused(with_token(key).get(ME_URL))


def test_reset_link_built_directly_also_revokes(citizen):
    AuthToken.objects.create(user=citizen)
    uid = urlsafe_base64_encode(force_bytes(citizen.pk))
    client = Client()
    form = client.get(
        reverse(
            "password_reset_confirm",
            kwargs={"uidb64": uid, "token": default_token_generator.make_token(citizen)},
        ),
        follow=True,
    )
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Terza-password-lunga-9", "new_password2": "Terza-password-lunga-9"},
    )
    assert not AuthToken.objects.filter(user=citizen).exists()


def test_changepassword_command_and_set_password_revoke(citizen, monkeypatch):
    AuthToken.objects.create(user=citizen)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "Comando-password-lunga-10")
    call_command("changepassword", "cittadina")
    assert not AuthToken.objects.filter(user=citizen).exists()


def test_saving_without_a_password_change_keeps_tokens(citizen):
    AuthToken.objects.create(user=citizen)
    citizen.first_name = "Ada"
    citizen.save()
    citizen.save(update_fields=["last_login"])
    assert AuthToken.objects.filter(user=citizen).count() == 1


def test_admin_password_change_revokes(citizen, admin):
    AuthToken.objects.create(user=citizen)
    client = Client()
    client.force_login(admin)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[citizen.pk]),
        {
            "password1": "Admin-password-lunga-11",
            "password2": "Admin-password-lunga-11",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content
    assert not AuthToken.objects.filter(user=citizen).exists()


def test_deactivation_revokes(api, citizen, password):
    key = get_token(api, "cittadina", password)["token"]
    citizen.is_active = False
    citizen.save()
    assert not AuthToken.objects.filter(user=citizen).exists()
    assert_refused(with_token(key).get(ME_URL))


def test_erasing_the_account_revokes(api, citizen, password):
    from carta import services

    key = get_token(api, "cittadina", password)["token"]
    services.erase_account(actor=citizen, password=password)
    assert not AuthToken.objects.filter(user=citizen).exists()
    assert_refused(with_token(key).get(ME_URL))


def test_updating_the_profile_keeps_tokens(api, citizen, password):
    from carta import services

    key = get_token(api, "cittadina", password)["token"]
    services.update_profile(actor=citizen, first_name="Ada")
    assert with_token(key).get(ME_URL).json()["first_name"] == "Ada"


def test_deletion_revokes(citizen):
    AuthToken.objects.create(user=citizen)
    citizen.delete()
    assert not AuthToken.objects.exists()


def test_users_loaded_with_deferred_fields_cost_no_extra_query(citizen, django_assert_num_queries):
    from carta.models import User

    with django_assert_num_queries(1):
        list(User.objects.only("pk"))


def test_revoke_all_tokens_returns_the_count(citizen):
    AuthToken.objects.create(user=citizen)
    AuthToken.objects.create(user=citizen)
    assert tokens.revoke_all_tokens(actor=citizen) == 2


# --- The page -------------------------------------------------------------------------------


def test_token_page_lists_ones_own_tokens(client, citizen, django_assert_num_queries):
    other = UserFactory(username="altra")
    mine, _key = AuthToken.objects.create(user=citizen)
    theirs, _key = AuthToken.objects.create(user=other)
    client.force_login(citizen)
    response = client.get(reverse("api_tokens"))
    assert response.status_code == 200
    page = response.content.decode()
    assert mine.token_key in page
    assert theirs.token_key not in page
    assert "Revoca tutti" in page
    # The session and its user, the tokens; the layout's staff groups, user and group
    # permissions, unread notifications.
    with django_assert_num_queries(7):
        client.get(reverse("api_tokens"))


def test_token_page_without_tokens_says_so(client, citizen):
    client.force_login(citizen)
    response = client.get(reverse("api_tokens"))
    assert "Non hai token attivi" in response.content.decode()


def test_token_page_needs_sign_in(client):
    response = client.get(reverse("api_tokens"))
    assert response.status_code == 302
    assert "/accedi/" in response["Location"]


def test_token_page_revokes_one(client, citizen):
    first, _key = AuthToken.objects.create(user=citizen)
    second, _key = AuthToken.objects.create(user=citizen)
    client.force_login(citizen)
    response = client.post(reverse("api_tokens"), {"token": first.token_key}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("api_tokens")
    assert list(AuthToken.objects.values_list("token_key", flat=True)) == [second.token_key]
    assert "Il token è stato revocato" in response.content.decode()


def test_token_page_does_not_revoke_someone_elses(client, citizen):
    other = UserFactory(username="altra")
    theirs, _key = AuthToken.objects.create(user=other)
    client.force_login(citizen)
    response = client.post(reverse("api_tokens"), {"token": theirs.token_key}, follow=True)
    assert AuthToken.objects.filter(user=other).count() == 1
    assert "non esiste più" in response.content.decode()


def test_token_page_revokes_all(client, citizen):
    other = UserFactory(username="altra")
    AuthToken.objects.create(user=other)
    AuthToken.objects.create(user=citizen)
    AuthToken.objects.create(user=citizen)
    client.force_login(citizen)
    response = client.post(reverse("api_tokens"), {"all": "1"}, follow=True)
    assert not AuthToken.objects.filter(user=citizen).exists()
    assert AuthToken.objects.filter(user=other).count() == 1
    assert "Tutti i tuoi token sono stati revocati" in response.content.decode()


def test_token_page_post_needs_csrf(citizen):
    AuthToken.objects.create(user=citizen)
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    response = client.post(reverse("api_tokens"), {"all": "1"})
    assert response.status_code == 403
    assert AuthToken.objects.filter(user=citizen).count() == 1


def test_past_the_limit_a_new_token_is_refused_and_expired_ones_do_not_count(citizen, settings):
    settings.CARTA_TOKEN_LIMIT = 2
    old, _key = AuthToken.objects.create(user=citizen)
    AuthToken.objects.filter(pk=old.pk).update(expiry=timezone.now() - datetime.timedelta(days=1))
    tokens.issue_token(user=citizen)
    tokens.issue_token(user=citizen)
    with pytest.raises(InvalidInput):
        tokens.issue_token(user=citizen)
    assert AuthToken.objects.filter(user=citizen).count() == 2
    assert not AuthToken.objects.filter(pk=old.pk).exists()
