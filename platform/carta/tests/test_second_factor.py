"""The second factor: asked at the login of whoever has one (page and /admin/login/) and
at the API's token exchange; required of staff when CARTA_STAFF_MFA_REQUIRED."""

import base64
import hashlib
import hmac
import secrets
import struct
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from tests.factories.core import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def totp_now(secret: str) -> str:
    """RFC 6238 with the defaults authenticator apps use (SHA-1, 30 s, 6 digits)."""
    key = base64.b32decode(secret)
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def with_totp(user) -> str:
    secret = base64.b32encode(secrets.token_bytes(20)).decode()
    TOTP.activate(user, secret)
    return secret


@pytest.fixture
def staff():
    return UserFactory(is_staff=True, groups=["moderators"])


def test_a_person_with_a_second_factor_is_asked_for_the_code_at_login():
    person = UserFactory()
    secret = with_totp(person)
    client = Client()
    response = client.post("/accedi/", {"login": person.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    # Not signed in yet.
    assert client.get("/profilo/").status_code == 302
    wrong = client.post(response["Location"], {"code": "000000"})
    assert wrong.status_code == 200
    assert client.get("/profilo/").status_code == 302
    right = client.post(response["Location"], {"code": totp_now(secret)})
    assert right.status_code == 302
    assert client.get("/profilo/").status_code == 200


def test_the_admin_login_asks_for_the_code_too(staff):
    with_totp(staff)
    response = Client().post("/admin/login/", {"username": staff.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/authenticate/")


def test_the_token_exchange_asks_for_the_code_of_who_has_one():
    person = UserFactory()
    secret = with_totp(person)
    client = Client()
    body = {"username": person.username, "password": PASSWORD}
    missing = client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert missing.status_code == 400
    assert list(missing.json()["errors"]) == ["otp"]
    given = client.post(
        "/api/v1/auth/token/",
        {**body, "otp": totp_now(secret)},
        content_type="application/json",
    )
    assert given.status_code == 200
    assert given.json()["token"]


def test_a_recovery_code_works_once_at_the_token_exchange():
    person = UserFactory()
    with_totp(person)
    code = RecoveryCodes.activate(person).get_unused_codes()[0]
    body = {"username": person.username, "password": PASSWORD, "otp": code}
    client = Client()
    assert (
        client.post("/api/v1/auth/token/", body, content_type="application/json").status_code == 200
    )
    again = client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert again.status_code == 400


def test_when_required_staff_without_a_second_factor_reach_only_its_set_up(staff, settings):
    settings.CARTA_STAFF_MFA_REQUIRED = True
    client = Client()
    client.force_login(staff)
    page = client.get("/moderazione/")
    assert page.status_code == 302
    assert page["Location"] == "/accounts/2fa/totp/activate/"
    api = client.get("/api/v1/flags/")
    assert api.status_code == 403
    assert api.json()["code"] == "second_factor_required"
    token = Client().post(
        "/api/v1/auth/token/",
        {"username": staff.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert token.status_code == 403
    assert token.json()["code"] == "second_factor_required"
    # The set-up itself stays reachable (it may ask to confirm the password first).
    set_up = client.get("/accounts/2fa/totp/activate/")
    assert set_up.status_code == 200 or set_up["Location"].startswith("/accounts/reauthenticate/")


def test_when_required_staff_with_a_second_factor_and_citizens_go_on(staff, settings):
    settings.CARTA_STAFF_MFA_REQUIRED = True
    with_totp(staff)
    client = Client()
    client.force_login(staff)
    assert client.get("/api/v1/flags/").status_code == 200
    citizen = UserFactory()
    other = Client()
    other.force_login(citizen)
    assert other.get("/profilo/").status_code == 200


def test_without_the_requirement_staff_may_sign_in_without_a_second_factor(staff, settings):
    settings.CARTA_STAFF_MFA_REQUIRED = False
    client = Client()
    client.force_login(staff)
    assert client.get("/api/v1/flags/").status_code == 200
    assert not Authenticator.objects.exists()
