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


@pytest.mark.django_db
def test_a_huge_id_in_a_json_body_is_a_400_naming_the_field(client):
    from knox.models import AuthToken

    from tests.factories.core import UserFactory

    _token, key = AuthToken.objects.create(user=UserFactory())
    response = client.post(
        "/api/v1/notifications/read/",
        {"ids": [1, int(HUGE)]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["ids.1"]


@pytest.mark.django_db
def test_a_huge_id_of_a_related_object_in_a_body_is_a_400(client):
    from knox.models import AuthToken

    from tests.factories.core import UserFactory

    _token, key = AuthToken.objects.create(user=UserFactory())
    response = client.post(
        "/api/v1/evaluations/",
        {
            "service": int(HUGE),
            "access": 5,
            "timeliness": 5,
            "courtesy": 5,
            "clarity": 5,
            "overall": 5,
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
