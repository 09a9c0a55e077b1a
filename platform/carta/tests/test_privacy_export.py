"""The data download (``carta.privacy``): everything a person wrote or did, in JSON and
on a readable page, nothing of anyone else, never a secret ballot linked to its voter."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from carta import privacy
from carta.tests.privacy_person import HIDDEN_TEXT, person_who_did_everything
from consultations.voting.models import Ballot
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

SECTIONS = [
    "account",
    "email_addresses",
    "identity",
    "identity_providers",
    "security",
    "notifications",
    "notification_preferences",
    "follows",
    "activity",
    "flags",
    "attachments",
    "memberships",
    "invitations",
    "pacts",
    "proposals",
    "proposal_versions",
    "proposal_comments",
    "endorsements",
    "partnerships",
    "carta_comments",
    "carta_amendments",
    "carta_supports",
    "votes",
    "complaints",
    "evaluations",
    "measurements",
]


def test_sections_come_in_a_fixed_order_core_first():
    assert [s.key for s in privacy.sections()] == SECTIONS


def test_the_download_holds_everything_the_person_did_and_nothing_of_others(client):
    everything = person_who_did_everything()
    person = everything.person
    client.force_login(person)
    response = client.get(reverse("my_data_json"))

    assert response["Content-Disposition"] == f'attachment; filename="carta-dati-{person.pk}.json"'
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert list(data) == ["generated_at", "controller", "privacy_contact", *SECTIONS]
    assert data["account"]["last_name"] == "Tuttofare"
    assert data["identity"]["fiscal_code"] == "RSSMRA80A01H501U"
    assert data["identity_providers"][0]["claims"] == {"fiscalNumber": "TINIT"}
    kinds = [row["kind"] for row in data["security"]]
    assert kinds == ["sessione", "secondo fattore (totp)", "token per l'API"]
    assert data["security"][0]["ip"] == "203.0.113.7"
    assert "SEGRETOTOTP" not in response.content.decode()  # the TOTP seed is never exported
    titles = [n["title"] for n in data["notifications"]]
    assert titles == ["Una notifica per Anna", "Nel riepilogo di Anna"]
    preferences = data["notification_preferences"]
    assert preferences[0] == {"kind": "proposal.published", "in_app": True, "email": False}
    assert preferences[1]["email_delivery"] == "daily"
    assert len(data["follows"]) == 1
    assert "test.did_something" in [a["verb"] for a in data["activity"]]
    assert [f["reason"] for f in data["flags"]] == ["Segnalo questo emendamento"]
    assert data["memberships"] == [
        {
            "organization": "Associazione Tutti Insieme",
            "role": "editor",
            "can_vote": False,
            "since": data["memberships"][0]["since"],
        }
    ]
    invitations = {i["direction"]: i for i in data["invitations"]}
    assert invitations["received"]["email"] == "anna@x.org"
    assert invitations["sent"]["email"] == ""  # the invitee's address is not hers
    assert [p["revision"] for p in data["pacts"]] == [1]
    assert [p["title"] for p in data["proposals"]] == ["Orti sociali di Anna"]
    assert [v["summary"] for v in data["proposal_versions"]] == ["Prima versione"]
    assert [c["body"] for c in data["proposal_comments"]] == ["Commento alla proposta"]
    assert len(data["endorsements"]) == 1
    assert data["partnerships"][0]["asked_by_you"] is True

    comments = {c["body"]: c for c in data["carta_comments"]}
    assert set(comments) == {"Il mio commento alla Carta", HIDDEN_TEXT}
    # Her hidden comment is hers: its text, marked hidden, with the public reason.
    assert comments[HIDDEN_TEXT]["hidden"] is True
    assert comments[HIDDEN_TEXT]["hidden_reason"] == "Fuori tema"
    assert [a["new_text"] for a in data["carta_amendments"]] == ["Testo proposto da Anna"]
    assert len(data["carta_supports"]) == 1

    votes = {v["consultation"]: v for v in data["votes"]}
    assert votes["Consultazione palese"]["choices"] == {"Quale servizio?": "ADI"}
    # Of the secret ballot only that she voted: no choice, no receipt, no ballot id.
    assert votes["Consultazione segreta"]["choices"] is None
    ballot = Ballot.objects.get()
    body = response.content.decode()
    for secret in (everything.secret_receipt, ballot.receipt_hash, str(ballot.pk), "abstain"):
        assert secret not in body

    assert [c["description"] for c in data["complaints"]] == ["Il mio reclamo sul servizio"]
    assert data["complaints"][0]["contact_email"] == "anna@x.org"
    assert [e["comment"] for e in data["evaluations"]] == ["Valutazione di Anna"]
    assert [m["note"] for m in data["measurements"]] == ["Misura di Anna"]

    # Nothing of the other person, who moderated her comment and shares her organization.
    for trace in ("Bruno", "Altrimenti", "bruno@x.org", "invitata@x.org"):
        assert trace not in body


def test_the_api_and_the_old_address_send_the_same_file(client, api_as):
    person = UserFactory()
    CommentFactory(author=person, body="Un commento")
    client.force_login(person)
    page_file = json.loads(client.get(reverse("my_data_json")).content)
    old = client.get("/valuta-e-segnala/i-miei-dati/")
    api = api_as(person).get("/api/v1/me/data/")
    assert old["Content-Disposition"].startswith("attachment")
    assert api["Cache-Control"] == "no-store"
    for other in (json.loads(old.content), api.json()):
        other.pop("generated_at")
        assert other == {k: v for k, v in page_file.items() if k != "generated_at"}
    assert api_as(None).get("/api/v1/me/data/").status_code == 401


def test_the_page_shows_each_section_with_the_persons_own_text(client):
    everything = person_who_did_everything()
    client.force_login(everything.person)
    page = client.get(reverse("my_data"))
    html = page.content.decode()
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0")
    for section in privacy.sections():
        assert f'id="dati-{section.key}"' in html
    assert "Commenti alla Carta" in html and HIDDEN_TEXT in html
    assert '<dt class="col-sm-4">Codice fiscale</dt>' in html  # one record: a list
    assert '<dt class="col-sm-4">key</dt>' not in html
    # Coded values in words on the page (the JSON keeps the codes).
    assert "<td>Redattore</td>" in html and "<td>Ricevuta</td>" in html
    assert "Il mio reclamo sul servizio" in html
    assert "RSSMRA80A01H501U" in html
    assert reverse("my_data_json") in html
    assert "Bruno" not in html


def test_the_page_needs_signing_in(client):
    response = client.get(reverse("my_data"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert client.get(reverse("my_data_json")).status_code == 302


def test_the_profile_links_the_page(client):
    person = UserFactory()
    client.force_login(person)
    assert reverse("my_data") in client.get(reverse("profile")).content.decode()


def _count_queries(user) -> int:
    with CaptureQueriesContext(connection) as queries:
        privacy.personal_data_of(user)
    return len(queries)


def test_the_download_costs_the_same_whatever_the_person_did():
    everything = person_who_did_everything()
    person = everything.person
    before = _count_queries(person)
    for n in range(3):
        CommentFactory(revision=person.carta_comments.first().revision, author=person, body=f"{n}")
    # One query per section, two for the security section's three tables and the votes'
    # prefetches (questions, options): the same with one comment or with four.
    assert _count_queries(person) == before
    assert before <= len(SECTIONS) + 6
