"""Health, the error shape, schema and docs, core pages (the demo data: tests/test_demo.py)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_channel_layer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "channel_layer": "ok"}


def test_unknown_api_path_answers_in_the_error_shape(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"status": 404, "code": "not_found", "detail": "Non trovato."}


def test_unauthenticated_api_call_answers_in_the_error_shape(api):
    body = api.get("/api/v1/notifications/").json()
    assert body["status"] == 401 and body["code"] == "not_authenticated"
    assert body["detail"]


def test_error_messages_follow_the_language(api):
    response = api.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["detail"] == "Not found."


def test_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/auth/token/" in paths and "/api/v1/audit/" in paths
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("home", "Carta dei Servizi"),
        ("login", "Accedi"),
        ("register", "Registra"),
        ("accessibility", "Dichiarazione di accessibilit"),
        ("privacy", "Informativa"),
    ],
)
def test_public_pages_render_in_italian(client, name, text):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert text in response.content.decode()


def test_unknown_page_answers_404_page(client):
    response = client.get("/non-esiste/")
    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]


def test_staff_menu_lists_each_roles_working_pages(client_as, moderator, complaint_officer):
    moderator_page = client_as(moderator).get(reverse("home"))
    names = [item["name"] for item in moderator_page.context["staff_pages"]]
    assert names == ["organization_queue", "proposal_moderation"]
    officer_page = client_as(complaint_officer).get(reverse("home")).content.decode()
    assert reverse("feedback_queue") in officer_page
    assert reverse("organization_queue") not in officer_page


def test_citizens_menu_has_their_complaints_and_data(client_as, citizen):
    page = client_as(citizen).get(reverse("home"))
    assert page.context["staff_pages"] == []
    assert reverse("my_data") in page.content.decode()


def test_a_nul_character_in_the_query_answers_400(api, client):
    response = api.get("/api/v1/organizations/?status=a%00b")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert client.get("/organizzazioni/?q=x%00").status_code == 400
