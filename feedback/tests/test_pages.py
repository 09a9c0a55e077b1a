"""Pages: landing, complaint form and receipt, officers' queue and actions, data download."""

import json

import pytest

from feedback.models import Complaint, ComplaintStatus
from tests.factories import ComplaintFactory, overdue_complaint

pytestmark = pytest.mark.django_db


def test_landing_offers_the_three_ways(client):
    content = client.get("/valuta-e-segnala/").content.decode()
    for text in (
        "Valuta un servizio",
        "Invia un reclamo o una segnalazione",
        "Segui la tua segnalazione",
    ):
        assert text in content


def test_complaint_form_shows_the_code_once(client):
    response = client.post(
        "/valuta-e-segnala/segnala/",
        {
            "category": "malfunction",
            "description": "Il citofono della sede non funziona.",
            "contact_email": "rosa@example.org",
            "privacy_consent": "on",
        },
        follow=True,
    )
    content = response.content.decode()
    assert "RCL-" in content
    assert client.get("/valuta-e-segnala/segnala/inviata/").status_code == 302
    assert Complaint.objects.get().contact_email == "rosa@example.org"


def test_complaint_form_requires_consent_and_description(client):
    response = client.post("/valuta-e-segnala/segnala/", {"category": "complaint"})
    assert set(response.context["form"].errors) >= {"description", "privacy_consent"}
    assert not Complaint.objects.exists()


def test_queue_lists_overdue_complaints_for_officers_only(client_as, complaint_officer, citizen):
    late = overdue_complaint()
    ComplaintFactory()
    page = client_as(complaint_officer).get("/valuta-e-segnala/ufficio-reclami/")
    assert page.status_code == 200
    assert [c.pk for c in page.context["overdue"]] == [late.pk]
    assert client_as(citizen).get("/valuta-e-segnala/ufficio-reclami/").status_code == 403


def test_officer_assigns_answers_and_closes_from_the_page(client_as, complaint_officer):
    complaint = ComplaintFactory()
    c = client_as(complaint_officer)
    url = f"/valuta-e-segnala/ufficio-reclami/{complaint.pk}/"
    assert complaint.contact_email in c.get(url).content.decode()
    c.post(url, {"action": "assign", "assignee": complaint_officer.pk})
    c.post(url, {"action": "answer", "answer": "Abbiamo provveduto."})
    c.post(url, {"action": "close", "reason": ""})
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED
    assert complaint.answer == "Abbiamo provveduto."


def test_sender_page_omits_contact_data(client_as, citizen):
    complaint = ComplaintFactory(submitted_by=citizen, contact_email="segreta@example.org")
    content = client_as(citizen).get(f"/valuta-e-segnala/le-mie-segnalazioni/{complaint.pk}/")
    assert "segreta@example.org" not in content.content.decode()


def test_data_download_holds_ones_own_complaints_and_evaluations(api_as, client_as, citizen):
    ComplaintFactory(submitted_by=citizen, description="Mia segnalazione")
    ComplaintFactory(description="Di qualcun altro")
    page = client_as(citizen).get("/valuta-e-segnala/i-miei-dati/")
    assert page["Content-Disposition"].startswith("attachment")
    data = json.loads(page.content)
    assert data["account"]["username"] == citizen.username
    assert [c["description"] for c in data["complaints"]] == ["Mia segnalazione"]
    assert set(data) >= {"notifications", "evaluations", "memberships", "activity"}
    assert api_as(citizen).get("/api/v1/me/data/").json()["account"]["email"] == citizen.email
    assert api_as(None).get("/api/v1/me/data/").status_code == 401


def test_feedback_endpoints_are_in_the_schema(client):
    schema = client.get("/api/schema/").content.decode()
    for path in (
        "/api/v1/evaluations/",
        "/api/v1/complaints/track/",
        "/api/v1/complaints/{id}/assign/",
        "/api/v1/commitment-measurements/",
        "/api/v1/dashboard/",
        "/api/v1/me/data/",
    ):
        assert path in schema


def test_reminder_and_anonymize_commands_run(capsys):
    from django.core.management import call_command

    overdue_complaint()
    call_command("complaint_reminders")
    call_command("complaint_reminders")
    call_command("anonymize_complaints", days=0)
    out = capsys.readouterr().out
    assert "0 due soon, 1 overdue" in out and "0 due soon, 0 overdue" in out
    assert "anonymized" in out


def test_my_data_includes_the_addresses_and_the_identity(api_as, citizen):
    from django.utils import timezone

    from carta.models import Identity

    assert api_as(citizen).get("/api/v1/me/data/").json()["identity"] is None
    Identity.objects.create(
        user=citizen,
        fiscal_code="RSSMRA80A01H501U",
        provider="spid",
        level=2,
        acr="https://www.spid.gov.it/SpidL2",
        verified_at=timezone.now(),
    )
    data = api_as(citizen).get("/api/v1/me/data/").json()
    assert data["identity"]["fiscal_code"] == "RSSMRA80A01H501U"
    assert data["identity"]["provider"] == "spid"
    assert data["email_addresses"] == [
        {"email": citizen.email.lower(), "verified": True, "primary": True}
    ]
    from allauth.socialaccount.models import SocialAccount

    SocialAccount.objects.create(
        user=citizen, provider="spid", uid="soggetto-1", extra_data={"fiscalNumber": "X"}
    )
    (provider,) = api_as(citizen).get("/api/v1/me/data/").json()["identity_providers"]
    assert (provider["provider"], provider["subject"]) == ("spid", "soggetto-1")
    assert provider["claims"] == {"fiscalNumber": "X"}
