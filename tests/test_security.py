"""Security checks across the platform: CSRF on session writes, rate limits answering 429,
websocket handshakes from a foreign origin refused on every socket."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from carta.asgi import application
from feedback.models import Complaint

pytestmark = pytest.mark.django_db

COMPLAINT = {
    "category": "complaint",
    "description": "Lo sportello del Segretariato Sociale era chiuso nell'orario indicato.",
    "privacy_consent": True,
}


def test_session_page_write_without_csrf_token_is_refused(citizen):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    response = client.post(
        reverse("profile"),
        {"email": "altro@example.org", "preferred_language": "en"},
    )
    assert response.status_code == 403
    citizen.refresh_from_db()
    assert citizen.email == "cittadina@example.org"


def test_session_api_write_without_csrf_token_is_refused(citizen):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(citizen)
    response = client.patch("/api/v1/auth/me/", {"first_name": "Intrusa"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    citizen.refresh_from_db()
    assert citizen.first_name != "Intrusa"


def test_session_api_write_with_csrf_token_is_accepted(citizen):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(citizen)
    client.get(reverse("profile"))  # sets the CSRF cookie, as a page would
    token = client.cookies["csrftoken"].value
    response = client.patch(
        "/api/v1/auth/me/", {"first_name": "Ada"}, format="json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200
    citizen.refresh_from_db()
    assert citizen.first_name == "Ada"


def test_token_authenticated_api_write_needs_no_csrf_token(citizen):
    from knox.models import AuthToken

    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=citizen)[1]}")
    response = client.patch("/api/v1/auth/me/", {"first_name": "Bea"}, format="json")
    assert response.status_code == 200


def test_anonymous_complaints_are_rate_limited(api):
    statuses = [
        api.post("/api/v1/complaints/", COMPLAINT, format="json").status_code for _ in range(21)
    ]
    assert statuses[:20] == [201] * 20
    assert statuses[20] == 429
    assert Complaint.objects.count() == 20


def test_complaint_tracking_is_rate_limited(api):
    payload = {"code": "RCL-AAAA-BBBB-CCCC", "email": "x@example.org"}
    statuses = [
        api.post("/api/v1/complaints/track/", payload, format="json").status_code for _ in range(21)
    ]
    assert set(statuses[:20]) == {404}
    assert statuses[20] == 429


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "path", ["/ws/notifications/", "/ws/carta/revisions/1/", "/ws/consultations/1/"]
)
def test_websocket_handshake_from_a_foreign_origin_is_refused(path):
    async def scenario():
        socket = WebsocketCommunicator(
            application,
            path,
            headers=[(b"origin", b"https://evil.example"), (b"host", b"testserver")],
        )
        connected, _code = await socket.connect()
        await socket.disconnect()
        return connected

    assert async_to_sync(scenario)() is False
