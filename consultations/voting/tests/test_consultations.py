"""Consultations through the API and the pages: the revision of the Carta put to the vote."""

import datetime

import pytest
from django.utils import timezone

from carta.models import AuditEntry
from consultations.voting.models import Consultation
from consultations.voting.tests.test_builder_form import questions as builder_questions
from tests.factories import ConsultationFactory, RevisionFactory

pytestmark = pytest.mark.django_db


def new_consultation(**extra):
    now = timezone.now()
    return {
        "title": "Parere sulla revisione",
        "opens_at": (now + datetime.timedelta(days=1)).isoformat(),
        "closes_at": (now + datetime.timedelta(days=8)).isoformat(),
        "questions": [{"kind": "yes_no", "text": "Approvi la revisione?"}],
        **extra,
    }


def test_a_consultation_is_created_on_a_revision_and_shows_it(api_as, carta_editor):
    revision = RevisionFactory(number=7, title="Carta 2027")
    response = api_as(carta_editor).post(
        "/api/v1/consultations/", new_consultation(revision=revision.pk), format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["revision"] == {"id": revision.pk, "number": 7, "title": "Carta 2027"}
    assert Consultation.objects.get().revision == revision
    listed = api_as(None).get("/api/v1/consultations/").json()["results"]
    assert listed[0]["revision"] == {"id": revision.pk, "number": 7, "title": "Carta 2027"}


def test_without_a_revision_the_field_is_null(api_as, carta_editor):
    response = api_as(carta_editor).post(
        "/api/v1/consultations/", new_consultation(), format="json"
    )
    assert response.status_code == 201 and response.json()["revision"] is None


def test_an_unknown_revision_is_refused_naming_the_field(api_as, carta_editor):
    response = api_as(carta_editor).post(
        "/api/v1/consultations/", new_consultation(revision=999999), format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["revision"]
    assert not Consultation.objects.exists()


def test_the_revision_changes_before_opening_and_is_audited(api_as, carta_editor):
    now = timezone.now()
    consultation = ConsultationFactory(
        opens_at=now + datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=2)
    )
    revision = RevisionFactory()
    response = api_as(carta_editor).patch(
        f"/api/v1/consultations/{consultation.pk}/", {"revision": revision.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["revision"]["id"] == revision.pk
    consultation.refresh_from_db()
    assert consultation.revision == revision
    entry = AuditEntry.objects.get(verb="consultation.changed")
    assert entry.changes["revision"] == [None, str(revision)]


def test_the_page_links_the_revision(client):
    revision = RevisionFactory(number=4, title="Carta 2026")
    consultation = ConsultationFactory(revision=revision)
    html = client.get(f"/consultazioni/{consultation.pk}/").content.decode()
    assert f'href="/carta/revisioni/{revision.pk}/"' in html
    assert "Revisione 4 della Carta: Carta 2026" in html


def test_the_page_of_a_consultation_without_revision_names_none(client, consultation):
    html = client.get(f"/consultazioni/{consultation.pk}/").content.decode()
    assert "Oggetto della consultazione" not in html


def test_the_staff_form_sets_the_revision(client_as, carta_editor):
    revision = RevisionFactory()
    now = timezone.now()
    response = client_as(carta_editor).post(
        "/consultazioni/nuova/",
        {
            "title": "Dal modulo",
            "revision": revision.pk,
            "opens_at": (now + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "electorate": "citizens",
            "identity_required": "spid_cie",
            "secrecy": "public",
            "results_visibility": "after_close",
            "quorum_percent": 0,
            "threshold_percent": 50,
            "azione": "salva",
            **builder_questions(("yes_no", "Approvi?")),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Consultation.objects.get(title="Dal modulo").revision == revision
