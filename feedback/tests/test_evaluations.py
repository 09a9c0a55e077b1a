"""Evaluations of the Carta's services and their limits."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from feedback.models import Evaluation

pytestmark = pytest.mark.django_db

URL = "/api/v1/evaluations/"
GOOD = {"access": 4, "timeliness": 3, "courtesy": 5, "clarity": 4, "overall": 4}


def payload(service, **overrides):
    """An evaluation of ``service`` (a ``Service`` or an id)."""
    return {"service": getattr(service, "pk", service), **GOOD, "comment": "Gentili.", **overrides}


def test_anonymous_visitor_can_evaluate_a_service_in_force(api, carta):
    response = api.post(URL, payload(carta.assistenza))
    assert response.status_code == 201
    evaluation = Evaluation.objects.get()
    assert (evaluation.service, evaluation.service_key) == (
        carta.assistenza,
        "assistenza-domiciliare",
    )
    assert response.json()["service"] == carta.assistenza.pk
    assert evaluation.user is None
    assert evaluation.period == response.json()["period"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"access": 0}, "access"),
        ({"overall": 6}, "overall"),
        ({"courtesy": "molto"}, "courtesy"),
        ({"service": "superseded"}, "service"),  # a service of a superseded revision
        ({"service": 123456}, "service"),
        ({"comment": "x" * 1001}, "comment"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, carta, overrides, field):
    if overrides.get("service") == "superseded":
        overrides = {"service": carta.superseded.pk}
    response = api.post(URL, {**payload(carta.assistenza), **overrides})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and field in body["errors"]
    assert not Evaluation.objects.exists()


def test_signed_in_person_evaluates_a_service_once_in_thirty_days(api_as, citizen, carta):
    client = api_as(citizen)
    assert client.post(URL, payload(carta.assistenza)).status_code == 201
    second = client.post(URL, payload(carta.assistenza))
    assert second.status_code == 409
    assert "service" in second.json()["errors"]
    assert client.post(URL, payload(carta.segretariato)).status_code == 201
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        assert client.post(URL, payload(carta.assistenza)).status_code == 201
    assert Evaluation.objects.filter(user=citizen).count() == 3


def test_anonymous_evaluations_are_limited_per_address_and_service(api, client, carta):
    assert api.post(URL, payload(carta.assistenza), REMOTE_ADDR="10.1.1.1").status_code == 201
    again = api.post(URL, payload(carta.assistenza), REMOTE_ADDR="10.1.1.1")
    assert again.status_code == 429 and again["Retry-After"]
    assert api.post(URL, payload(carta.segretariato), REMOTE_ADDR="10.1.1.1").status_code == 201
    assert api.post(URL, payload(carta.assistenza), REMOTE_ADDR="10.1.1.2").status_code == 201


def test_evaluation_list_shows_everything_to_staff_and_only_ones_own_to_others(
    api, api_as, citizen, complaint_officer, carta
):
    api_as(citizen).post(URL, payload(carta.assistenza))
    api.post(URL, payload(carta.segretariato))
    assert api_as(complaint_officer).get(URL).json()["count"] == 2
    assert api_as(citizen).get(URL).json()["count"] == 1
    assert api.get(URL).json()["count"] == 0


def test_evaluation_page_records_and_thanks(client, carta):
    response = client.post(
        "/valuta-e-segnala/valuta/",
        {"service": str(carta.segretariato.pk), **GOOD, "comment": ""},
        follow=True,
    )
    assert response.status_code == 200
    assert Evaluation.objects.get().service_key == "segretariato-sociale"


def test_evaluation_page_refuses_a_rating_out_of_range(client, carta):
    response = client.post(
        "/valuta-e-segnala/valuta/", {"service": str(carta.segretariato.pk), **GOOD, "access": 9}
    )
    assert response.status_code == 200
    assert "access" in response.context["form"].errors
    assert not Evaluation.objects.exists()


def test_without_a_carta_in_force_every_service_is_unknown(api):
    response = api.post(URL, payload(1))
    assert response.status_code == 400 and "service" in response.json()["errors"]
