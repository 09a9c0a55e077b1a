"""Malformed bodies are a 400 in the one error shape, never a 500."""

import pytest
from django.test import Client

NESTED = "[" * 50000 + "]" * 50000


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/v1/auth/token/", "/api/v1/complaints/", "/api/v1/auth/register/"]
)
def test_deeply_nested_json_is_a_400(path):
    response = Client(raise_request_exception=False).post(
        path, NESTED, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400
    assert body["code"] == "parse_error"
    assert "annidato" in body["detail"]


@pytest.mark.django_db
def test_a_form_with_too_many_fields_is_a_json_400_under_the_api():
    body = "&".join(f"ids={i}" for i in range(1500))
    response = Client(raise_request_exception=False).post(
        "/api/v1/notifications/read/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "status": 400,
        "code": "invalid",
        "detail": "La richiesta non è valida.",
    }
