"""Sign-in, registration and reset are limited per client address and per account, with
``Retry-After``; ``/admin/login/`` is the site's login with the same limits; a forged
``X-Forwarded-For`` changes nothing unless it comes from a configured proxy."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from carta.models import User

pytestmark = pytest.mark.django_db


def _wrong(client, path, username, address="203.0.113.7", forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(path, {"username": username, "password": "sbagliata"}, **extra)


def test_admin_login_is_limited_whatever_x_forwarded_for_says(client, admin, password, settings):
    settings.CARTA_LOGIN_RATE = (5, 300)
    for attempt in range(5):
        response = _wrong(
            client, "/admin/login/", admin.username, forwarded=f"198.51.100.{attempt}"
        )
        assert response.status_code == 200
    response = client.post(
        "/admin/login/",
        {"username": admin.username, "password": password},
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session


def test_page_login_is_limited_whatever_x_forwarded_for_says(client, citizen, settings):
    settings.CARTA_LOGIN_RATE = (3, 300)
    for attempt in range(3):
        assert (
            _wrong(client, reverse("login"), "cittadina", forwarded=f"10.0.0.{attempt}").status_code
            == 200
        )
    response = _wrong(client, reverse("login"), "cittadina", forwarded="10.0.0.200")
    assert response.status_code == 429
    assert "Troppi tentativi" in response.content.decode()


def test_one_address_trying_many_accounts_is_stopped(client, settings):
    settings.CARTA_LOGIN_ADDRESS_RATE = (4, 300)
    for number in range(4):
        assert _wrong(client, reverse("login"), f"persona{number}").status_code == 200
    assert _wrong(client, reverse("login"), "ancora-un-altro").status_code == 429
    # Another address is not affected.
    assert (
        _wrong(client, reverse("login"), "ancora-un-altro", address="203.0.113.8").status_code
        == 200
    )


def test_many_addresses_trying_one_account_are_stopped(client, citizen, password, settings):
    settings.CARTA_LOGIN_ACCOUNT_RATE = (4, 3600)
    for number in range(4):
        assert (
            _wrong(client, reverse("login"), "Cittadina", address=f"192.0.2.{number}").status_code
            == 200
        )
    response = client.post(
        reverse("login"), {"username": "cittadina", "password": password}, REMOTE_ADDR="192.0.2.50"
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_admin_signs_in_through_the_site_login(client, admin, password):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": admin.username, "password": password}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    # Visiting the admin without a session leads to the same page.
    response = client.__class__().get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_citizen_is_sent_home_from_the_admin_login(client_as, citizen):
    response = client_as(citizen).get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def _registration(number):
    return {
        "username": f"nuova{number}",
        "email": f"nuova{number}@example.org",
        "password": "una-password-lunga-2026",
        "password_confirm": "una-password-lunga-2026",
        "preferred_language": "it",
        "accept_privacy": "on",
    }


def test_registration_page_is_limited_per_address(client, settings):
    settings.CARTA_REGISTER_RATE = (2, 3600)
    for number in range(2):
        assert client.post(reverse("register"), _registration(number)).status_code == 302
        client.logout()
    response = client.post(reverse("register"), _registration(9))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert not User.objects.filter(username="nuova9").exists()
    # The typed text is kept.
    assert 'value="nuova9"' in response.content.decode()


def test_reset_requests_are_limited_and_answer_the_same_for_any_address(client, citizen, settings):
    settings.CARTA_RESET_RATE = (2, 3600)
    known = client.post(reverse("password_reset"), {"email": citizen.email})
    unknown = client.post(reverse("password_reset"), {"email": "nessuno@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1
    response = client.post(reverse("password_reset"), {"email": citizen.email})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert len(mail.outbox) == 1
