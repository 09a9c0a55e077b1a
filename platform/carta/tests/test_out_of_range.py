"""Integers no column can hold: a 400 naming the query parameter, a 404 as a path id;
never the 500 of SQLite's OverflowError or PostgreSQL's "out of range"."""

import pytest
from django.test import Client

HUGE = "9" * 25


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/v1/proposals/", "organization"),
        ("/api/v1/resources/", "organization"),
        ("/api/v1/resources/", "municipality"),
        ("/api/v1/organizations/", "municipality"),
        ("/proposte/", "organization"),
        ("/risorse/", "organization"),
    ],
)
def test_a_huge_filter_is_a_400_naming_the_parameter(client, path, parameter):
    response = client.get(path, {parameter: HUGE})
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.json()["errors"] == {
            parameter: ["Il numero indicato è fuori dall'intervallo ammesso."]
        }
    else:
        assert parameter in response.content.decode()


@pytest.mark.django_db
def test_a_negative_huge_filter_is_refused_too_and_a_search_term_is_not(client):
    assert client.get("/api/v1/proposals/", {"organization": "-" + HUGE}).status_code == 400
    response = client.get("/api/v1/proposals/", {"q": HUGE})
    assert response.status_code == 200 and response.json()["count"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/proposals/{HUGE}/",
        f"/api/v1/resources/{HUGE}/",
        f"/api/v1/notifications/{HUGE}/",
        f"/api/v1/organizations/{HUGE}/",
        f"/proposte/{HUGE}/",
        f"/api/v1/proposals/1/partners/{HUGE}/accept/",
    ],
)
def test_a_huge_id_in_the_path_is_a_404(client, path):
    assert client.get(path).status_code == 404
    response = client.post(path, {}, content_type="application/json")
    assert response.status_code == 404
