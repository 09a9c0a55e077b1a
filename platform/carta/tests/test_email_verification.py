"""Registration sends a confirmation link; until it is followed the account reads,
files complaints and evaluates, but does not comment, amend, endorse, join or apply.
The registration answers the same whether an address already has an account."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from carta.errors import VerificationRequired
from carta.models import User
from carta.permissions import check_may_take_part, may_take_part
from tests.factories.core import UserFactory

FORM = {
    "username": "anna.verdi",
    "email": "anna.verdi@example.org",
    "password": "una-Password-lunga-2026",
    "password_confirm": "una-Password-lunga-2026",
    "first_name": "Anna",
    "last_name": "Verdi",
    "preferred_language": "it",
    "accept_privacy": "on",
}


def link_in(message) -> str:
    return re.search(r"http://testserver/accounts/confirm-email/\S+/", message.body).group(0)


@pytest.mark.django_db
def test_registration_sends_the_link_and_the_link_confirms_the_address():
    client = Client()
    response = client.post("/registrati/", FORM)
    assert response.status_code == 302
    assert response["Location"] == "/registrati/inviata/"
    assert "anna.verdi@example.org" in client.get("/registrati/inviata/").content.decode()
    user = User.objects.get(username="anna.verdi")
    assert not may_take_part(user)
    (message,) = mail.outbox
    assert message.to == ["anna.verdi@example.org"]
    assert message.subject == "Conferma il tuo indirizzo email"
    url = link_in(message)
    # Opening the link changes nothing (a mail scanner may open it): the button does.
    page = Client().get(url)
    assert page.status_code == 200
    assert "Confermi che" in page.content.decode()
    assert not may_take_part(user)
    confirmed = Client().post(url)
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert may_take_part(user)


@pytest.mark.django_db
def test_a_used_or_broken_link_is_a_clear_page_and_changes_nothing():
    Client().post("/registrati/", FORM)
    url = link_in(mail.outbox[0])
    Client().post(url)
    again = Client().get(url)
    assert again.status_code == 200
    assert "Il collegamento non è valido" in again.content.decode()
    broken = Client().get("/accounts/confirm-email/non-una-chiave/")
    assert "Il collegamento non è valido" in broken.content.decode()
    assert EmailAddress.objects.filter(verified=True).count() == 1


@pytest.mark.django_db
def test_registration_answers_the_same_for_an_address_that_has_an_account():
    UserFactory(username="esistente", email="anna.verdi@example.org")
    response = Client().post("/registrati/", FORM)
    assert response.status_code == 302
    assert response["Location"] == "/registrati/inviata/"
    assert not User.objects.filter(username="anna.verdi").exists()
    (message,) = mail.outbox
    assert message.to == ["anna.verdi@example.org"]
    assert "Esiste già un account con questo indirizzo" in message.body
    assert "confirm-email" not in message.body


@pytest.mark.django_db
def test_the_api_registration_answers_202_either_way():
    UserFactory(username="esistente", email="gia@example.org")
    client = Client()
    body = {k: v for k, v in FORM.items() if k not in ("password_confirm", "accept_privacy")}
    new = client.post("/api/v1/auth/register/", body, content_type="application/json")
    taken = client.post(
        "/api/v1/auth/register/",
        {**body, "username": "altro.nome", "email": "gia@example.org"},
        content_type="application/json",
    )
    assert new.status_code == taken.status_code == 202
    assert new.json() == taken.json()
    assert User.objects.filter(username="anna.verdi").exists()
    assert not User.objects.filter(username="altro.nome").exists()
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_an_unverified_account_is_refused_participation_with_a_clear_reason():
    person = UserFactory(verified=False)
    assert not may_take_part(person)
    with pytest.raises(VerificationRequired):
        check_may_take_part(person)
    EmailAddress.objects.filter(user=person).update(verified=True)
    assert may_take_part(person)


@pytest.mark.django_db
def test_the_profile_offers_a_new_link_to_an_unverified_account():
    person = UserFactory(verified=False)
    client = Client()
    client.force_login(person)
    page = client.get("/profilo/").content.decode()
    assert "non è ancora confermato" in page
    response = client.post("/profilo/conferma-email/")
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == [person.email]
    Client().post(link_in(message))
    assert may_take_part(person)
    assert "è confermato" in client.get("/profilo/").content.decode()


@pytest.mark.django_db
def test_me_tells_whether_the_account_may_take_part():
    from knox.models import AuthToken

    person = UserFactory(verified=False)
    _token, key = AuthToken.objects.create(user=person)
    me = Client().get("/api/v1/auth/me/", HTTP_AUTHORIZATION=f"Token {key}").json()
    assert me["email_verified"] is False
    assert me["identity"] is None
    assert me["may_take_part"] is False


@pytest.mark.django_db
def test_a_new_address_replaces_the_old_once_confirmed():
    person = UserFactory(email="vecchio@example.org")
    client = Client()
    client.force_login(person)
    response = client.post(
        "/profilo/",
        {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": "nuovo@example.org",
            "preferred_language": "it",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.email == "vecchio@example.org"  # until confirmed
    (message,) = mail.outbox
    assert message.to == ["nuovo@example.org"]
    Client().post(link_in(message))
    person.refresh_from_db()
    assert person.email == "nuovo@example.org"
    assert list(EmailAddress.objects.filter(user=person).values_list("email", flat=True)) == [
        "nuovo@example.org"
    ]


@pytest.mark.django_db
def test_an_address_of_another_account_answers_the_same_and_changes_nothing(api_as):
    UserFactory(email="occupato@example.org")
    person = UserFactory(email="mio@example.org")
    free = api_as(person).patch("/api/v1/auth/me/", {"email": "libero@example.org"})
    taken = api_as(person).patch("/api/v1/auth/me/", {"email": "occupato@example.org"})
    assert free.status_code == taken.status_code == 200
    assert free.json() == taken.json()
    assert [m.to for m in mail.outbox] == [["libero@example.org"], ["occupato@example.org"]]
    assert "Esiste già un account" in mail.outbox[1].body
    person.refresh_from_db()
    assert person.email == "mio@example.org"
