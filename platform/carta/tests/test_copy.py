"""The platform's copy in Italian, in one register: password checks in Italian, emails
that greet a person by name when the name is known."""

import re

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from carta.emails import greeting
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _errors(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("abc", "Questa password è troppo corta: deve contenere almeno 8 caratteri."),
        ("12345678901", "Questa password è interamente numerica."),
        ("password123", "Questa password è troppo comune."),
        ("mariorossi1", "La password è troppo simile a nome utente."),
    ],
)
def test_the_password_checks_speak_italian(client, password, message):
    response = client.post(
        reverse("register"),
        {
            "username": "mariorossi",
            "email": "mario@example.org",
            "password": password,
            "password_confirm": password,
            "preferred_language": "it",
            "accept_privacy": "on",
        },
        HTTP_ACCEPT_LANGUAGE="it",
    )
    assert response.status_code == 400
    text = _errors(response.content.decode())
    assert message in text
    assert "This password" not in text


def test_emails_greet_by_name_when_it_is_known(client):
    UserFactory(username="anna", email="anna@example.org", first_name="Anna", last_name="D'Angelo")
    UserFactory(username="senza", email="senza@example.org", first_name="", last_name="")
    for address in ("anna@example.org", "senza@example.org"):
        client.post(reverse("password_reset"), {"email": address})
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert bodies["anna@example.org"].startswith("Gentile Anna D'Angelo,")
    assert bodies["senza@example.org"].startswith("Gentile utente,")


def test_greeting_in_python_matches_the_templates():
    assert greeting(UserFactory.build(first_name="Luca", last_name="Bianchi")) == (
        "Gentile Luca Bianchi,"
    )
    assert greeting(UserFactory.build(first_name="", last_name="")) == "Gentile utente,"


def test_notification_emails_greet_by_name_and_carry_the_text():
    from carta.services import notify

    person = UserFactory(email="luca@example.org", first_name="Luca", last_name="Bianchi")
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        notify(recipients=[person], kind="proposal.published", title="Titolo", body="Testo.")
    message = mail.outbox[-1]
    assert message.body.startswith("Gentile Luca Bianchi,\n\nTesto.\n\nhttp://testserver")
