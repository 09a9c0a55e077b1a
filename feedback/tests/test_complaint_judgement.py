"""Closing the Carta's cycle inside feedback: a complaint names the service and the
commitment it concerns, the officer judges it founded, unfounded or partly founded with a
reason, founded complaints count against their commitment on the dashboard, and every
complaint has an intake channel and an optional protocol number."""

import datetime

import pytest
from django.utils import timezone

from carta.errors import InvalidInput, NotAllowed
from carta.models import AuditEntry
from feedback import services
from feedback.dashboard import build_dashboard
from feedback.models import Complaint, ComplaintChannel, ComplaintJudgement, ComplaintStatus
from tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db

REASON = "La signora Rosa Marchetti ha atteso 45 giorni l'attivazione del servizio."
CODE = "RCL-ABCD-EFGH-JKMN"


def submit(**overrides):
    values = {
        "actor": None,
        "category": "complaint",
        "description": "L'assistenza domiciliare è partita dopo due mesi.",
        "privacy_consent": True,
        "contact_email": "rosa@example.org",
    }
    values.update(overrides)
    return services.submit_complaint(**values).complaint


# --- Service and commitment ------------------------------------------------------------


def test_a_complaint_names_a_commitment_of_the_carta_in_force_and_takes_its_service(carta):
    complaint = submit(commitment=carta.attivazione.pk)
    assert complaint.commitment == carta.attivazione
    assert complaint.commitment_key == "sad-attivazione"
    assert complaint.service == carta.assistenza
    assert complaint.service_key == "assistenza-domiciliare"


def test_a_commitment_of_another_service_is_refused_on_commitment(carta):
    with pytest.raises(InvalidInput) as error:
        submit(service=carta.segretariato, commitment=carta.attivazione.pk)
    assert error.value.field == "commitment"


def test_an_unknown_commitment_is_refused_on_commitment(carta):
    with pytest.raises(InvalidInput) as error:
        submit(commitment=999999)
    assert error.value.field == "commitment"


def test_the_api_refuses_a_bad_commitment_naming_the_field(api, carta):
    response = api.post(
        "/api/v1/complaints/",
        {
            "category": "complaint",
            "description": "Attesa troppo lunga.",
            "privacy_consent": True,
            "commitment": 999999,
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"commitment"}


# --- Channel and protocol number -------------------------------------------------------


def test_a_complaint_sent_through_the_site_is_recorded_as_web(carta):
    assert submit().channel == ComplaintChannel.WEB


def test_the_site_ignores_a_channel_sent_by_the_public(api, carta):
    response = api.post(
        "/api/v1/complaints/",
        {
            "category": "complaint",
            "description": "Attesa troppo lunga.",
            "privacy_consent": True,
            "channel": "pec",
        },
        format="json",
    )
    assert response.status_code == 201
    assert Complaint.objects.get().channel == ComplaintChannel.WEB


def test_an_officer_corrects_channel_protocol_and_commitment(complaint_officer, carta):
    complaint = ComplaintFactory()
    services.update_complaint_record(
        actor=complaint_officer,
        complaint=complaint,
        channel="counter",
        protocol_number=" 2026/0001234 ",
        commitment=carta.attivazione.pk,
    )
    complaint.refresh_from_db()
    assert complaint.channel == ComplaintChannel.COUNTER
    assert complaint.protocol_number == "2026/0001234"
    assert complaint.commitment_key == "sad-attivazione"
    assert complaint.service_key == "assistenza-domiciliare"
    entry = AuditEntry.objects.get(verb="complaint.record_updated")
    assert entry.changes["channel"] == ["web", "counter"]
    assert entry.changes["protocol_number"] == ["", "2026/0001234"]


def test_a_protocol_number_longer_than_50_characters_is_refused(complaint_officer):
    with pytest.raises(InvalidInput) as error:
        services.update_complaint_record(
            actor=complaint_officer, complaint=ComplaintFactory(), protocol_number="1" * 51
        )
    assert error.value.field == "protocol_number"


def test_an_unknown_channel_is_refused_on_channel(complaint_officer):
    with pytest.raises(InvalidInput) as error:
        services.update_complaint_record(
            actor=complaint_officer, complaint=ComplaintFactory(), channel="fax"
        )
    assert error.value.field == "channel"


def test_only_officers_update_the_record(citizen):
    with pytest.raises(NotAllowed):
        services.update_complaint_record(
            actor=citizen, complaint=ComplaintFactory(submitted_by=citizen), channel="phone"
        )


def test_the_api_refuses_bad_record_values_naming_each_field(api_as, complaint_officer):
    complaint = ComplaintFactory()
    response = api_as(complaint_officer).post(
        f"/api/v1/complaints/{complaint.pk}/record/",
        {"channel": "fax", "protocol_number": "x" * 51},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"channel", "protocol_number"}


def test_the_officer_sets_channel_and_protocol_through_the_api(api_as, complaint_officer):
    complaint = ComplaintFactory()
    response = api_as(complaint_officer).post(
        f"/api/v1/complaints/{complaint.pk}/record/",
        {"channel": "letter", "protocol_number": "PG 55/2026"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["channel"] == "letter"
    assert response.json()["protocol_number"] == "PG 55/2026"


# --- The judgement ---------------------------------------------------------------------


def test_the_officer_judges_when_answering(complaint_officer):
    complaint = services.answer_complaint(
        actor=complaint_officer,
        complaint=ComplaintFactory(),
        answer="Ci scusiamo per il ritardo.",
        judgement="founded",
        judgement_reason=REASON,
    )
    assert complaint.judgement == ComplaintJudgement.FOUNDED
    assert complaint.judgement_reason == REASON
    assert complaint.judged_at is not None


def test_the_officer_judges_when_closing(complaint_officer):
    complaint = services.close_complaint(
        actor=complaint_officer,
        complaint=ComplaintFactory(status=ComplaintStatus.ANSWERED, answer="Risposta."),
        judgement="partly_founded",
        judgement_reason="Il ritardo c'è stato, ma per la metà del tempo indicato.",
    )
    assert complaint.judgement == ComplaintJudgement.PARTLY_FOUNDED


def test_a_judgement_needs_a_reason(complaint_officer):
    with pytest.raises(InvalidInput) as error:
        services.answer_complaint(
            actor=complaint_officer,
            complaint=ComplaintFactory(),
            answer="Risposta.",
            judgement="unfounded",
            judgement_reason="  ",
        )
    assert error.value.field == "judgement_reason"


def test_an_unknown_judgement_is_refused_on_judgement(complaint_officer):
    with pytest.raises(InvalidInput) as error:
        services.answer_complaint(
            actor=complaint_officer,
            complaint=ComplaintFactory(),
            answer="Risposta.",
            judgement="maybe",
            judgement_reason=REASON,
        )
    assert error.value.field == "judgement"


def test_the_audit_holds_the_judgement_and_not_its_reason(complaint_officer):
    complaint = ComplaintFactory(status=ComplaintStatus.ANSWERED, answer="Risposta.")
    services.close_complaint(
        actor=complaint_officer,
        complaint=complaint,
        judgement="founded",
        judgement_reason=REASON,
    )
    entry = AuditEntry.objects.get(verb="complaint.closed")
    assert entry.changes["judgement"] == ["", "founded"]
    assert "Marchetti" not in str(AuditEntry.objects.values().get(pk=entry.pk))


def test_the_api_refuses_a_bad_judgement_naming_the_fields(api_as, complaint_officer):
    complaint = ComplaintFactory()
    response = api_as(complaint_officer).post(
        f"/api/v1/complaints/{complaint.pk}/answer/",
        {"answer": "Risposta.", "judgement": "maybe"},
        format="json",
    )
    assert response.status_code == 400
    assert "judgement" in response.json()["errors"]
    response = api_as(complaint_officer).post(
        f"/api/v1/complaints/{complaint.pk}/answer/",
        {"answer": "Risposta.", "judgement": "founded"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"judgement_reason"}
    assert Complaint.objects.get().status == ComplaintStatus.RECEIVED


def test_a_citizen_may_not_judge_their_own_complaint(api_as, citizen):
    complaint = ComplaintFactory(submitted_by=citizen)
    response = api_as(citizen).post(
        f"/api/v1/complaints/{complaint.pk}/answer/",
        {"answer": "Da solo.", "judgement": "founded", "judgement_reason": "Perché sì."},
        format="json",
    )
    assert response.status_code == 403
    assert Complaint.objects.get().judgement == ""


def test_tracking_shows_the_judgement_once_answered_but_never_its_reason(api, complaint_officer):
    complaint = ComplaintFactory(code=CODE, contact_email="rosa@example.org")
    track = {"code": CODE, "email": "rosa@example.org"}
    body = api.post("/api/v1/complaints/track/", track).json()
    assert body["judgement"] == "" and "judgement_reason" not in body
    services.answer_complaint(
        actor=complaint_officer,
        complaint=complaint,
        answer="Ci scusiamo.",
        judgement="founded",
        judgement_reason=REASON,
    )
    body = api.post("/api/v1/complaints/track/", track).json()
    assert body["judgement"] == "founded"
    assert body["judgement_label"] == "Fondato"
    assert REASON not in str(body)


def test_the_officers_cut_holds_the_reason(api_as, complaint_officer):
    complaint = ComplaintFactory(
        status=ComplaintStatus.ANSWERED, judgement="unfounded", judgement_reason=REASON
    )
    body = api_as(complaint_officer).get(f"/api/v1/complaints/{complaint.pk}/").json()
    assert body["judgement_reason"] == REASON


def test_anonymization_clears_the_judgement_reason_and_keeps_the_judgement():
    complaint = ComplaintFactory(
        status=ComplaintStatus.CLOSED,
        closed_at=timezone.now() - datetime.timedelta(days=400),
        judgement="founded",
        judgement_reason=REASON,
    )
    assert services.anonymize_complaints(days=365) == 1
    complaint.refresh_from_db()
    assert complaint.judgement_reason == ""
    assert complaint.judgement == "founded"


# --- Pages -----------------------------------------------------------------------------


def test_the_officers_page_judges_when_answering(client_as, complaint_officer):
    complaint = ComplaintFactory()
    c = client_as(complaint_officer)
    url = f"/valuta-e-segnala/ufficio-reclami/{complaint.pk}/"
    page = c.get(url).content.decode()
    assert 'name="judgement"' in page and 'name="judgement_reason"' in page
    response = c.post(
        url,
        {
            "action": "answer",
            "answer": "Ci scusiamo.",
            "judgement": "partly_founded",
            "judgement_reason": REASON,
        },
    )
    assert response.status_code == 302
    assert Complaint.objects.get().judgement == "partly_founded"


def test_the_officers_page_asks_a_reason_for_the_judgement(client_as, complaint_officer):
    complaint = ComplaintFactory()
    response = client_as(complaint_officer).post(
        f"/valuta-e-segnala/ufficio-reclami/{complaint.pk}/",
        {"action": "answer", "answer": "Ci scusiamo.", "judgement": "founded"},
    )
    assert response.status_code == 400
    assert "judgement_reason" in response.context["forms"]["answer"].errors
    assert Complaint.objects.get().status == ComplaintStatus.RECEIVED


def test_the_officers_page_corrects_the_channel(client_as, complaint_officer):
    complaint = ComplaintFactory()
    response = client_as(complaint_officer).post(
        f"/valuta-e-segnala/ufficio-reclami/{complaint.pk}/",
        {"action": "record", "channel": "phone", "protocol_number": "PG 7/2026"},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.channel, complaint.protocol_number) == ("phone", "PG 7/2026")


def test_the_tracking_page_shows_the_judgement_not_the_reason(client):
    ComplaintFactory(
        code=CODE,
        contact_email="rosa@example.org",
        status=ComplaintStatus.ANSWERED,
        answer="Ci scusiamo.",
        judgement="founded",
        judgement_reason=REASON,
    )
    page = client.post(
        "/valuta-e-segnala/segui/", {"code": CODE, "email": "rosa@example.org"}
    ).content.decode()
    assert "Fondato" in page
    assert "Marchetti" not in page


# --- Dashboard -------------------------------------------------------------------------


def test_founded_complaints_count_against_their_commitment(carta, django_assert_num_queries):
    now = timezone.now()

    def judged(judgement, commitment=carta.attivazione):
        return ComplaintFactory(
            service=commitment.service,
            service_key=commitment.service.key,
            commitment=commitment,
            commitment_key=commitment.key,
            status=ComplaintStatus.ANSWERED,
            judgement=judgement,
            received_at=now,
        )

    judged("founded")
    judged("partly_founded")
    judged("unfounded")
    judged("")
    judged("founded", carta.soddisfatti)
    period = ComplaintFactory().period
    # services, commitments, measurements, improvement actions, evaluations, complaints,
    # response times
    with django_assert_num_queries(7):
        data = build_dashboard(quarters=[period])
    commitments = {c["key"]: c for c in data["services"][0]["commitments"]}
    assert commitments["sad-attivazione"]["founded_complaints"] == {period: 2}
    assert commitments["sad-attivazione"]["founded_complaints_total"] == 2
    assert commitments["sad-soddisfatti"]["founded_complaints_total"] == 1
    assert data["services"][0]["complaints"]["total"]["received"] == 5


def test_an_officer_clears_a_commitment_named_by_mistake(api_as, complaint_officer, carta):
    complaint = ComplaintFactory(
        service=carta.assistenza,
        service_key=carta.assistenza.key,
        commitment=carta.attivazione,
        commitment_key=carta.attivazione.key,
    )
    response = api_as(complaint_officer).post(
        f"/api/v1/complaints/{complaint.pk}/record/", {"commitment": None}, format="json"
    )
    assert response.status_code == 200
    complaint.refresh_from_db()
    assert (complaint.commitment_id, complaint.commitment_key) == (None, "")
    assert complaint.service_key == carta.assistenza.key  # the service stays
    entry = AuditEntry.objects.get(verb="complaint.record_updated")
    assert entry.changes == {"commitment": ["sad-attivazione", ""]}


def test_leaving_the_commitment_out_keeps_it(api_as, complaint_officer, carta):
    complaint = ComplaintFactory(commitment=carta.attivazione, commitment_key="sad-attivazione")
    api_as(complaint_officer).post(
        f"/api/v1/complaints/{complaint.pk}/record/", {"channel": "pec"}, format="json"
    )
    complaint.refresh_from_db()
    assert complaint.commitment_key == "sad-attivazione" and complaint.channel == "pec"


def test_the_officers_commitment_also_corrects_the_service(complaint_officer, carta):
    complaint = ComplaintFactory(service=carta.segretariato, service_key=carta.segretariato.key)
    services.update_complaint_record(
        actor=complaint_officer, complaint=complaint, commitment=carta.soddisfatti
    )
    complaint.refresh_from_db()
    assert (complaint.service, complaint.commitment) == (carta.assistenza, carta.soddisfatti)


def test_the_complaint_form_names_a_commitment(client, carta):
    response = client.post(
        "/valuta-e-segnala/segnala/",
        {
            "category": "complaint",
            "description": "L'attivazione ha richiesto due mesi.",
            "commitment": str(carta.attivazione.pk),
            "privacy_consent": "on",
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.commitment_key, complaint.service_key) == (
        "sad-attivazione",
        "assistenza-domiciliare",
    )
    assert complaint.channel == ComplaintChannel.WEB


def test_the_complaint_form_refuses_a_commitment_of_another_service(client, carta):
    response = client.post(
        "/valuta-e-segnala/segnala/",
        {
            "category": "complaint",
            "description": "L'attivazione ha richiesto due mesi.",
            "service": str(carta.segretariato.pk),
            "commitment": str(carta.attivazione.pk),
            "privacy_consent": "on",
        },
    )
    assert "commitment" in response.context["form"].errors
    assert not Complaint.objects.exists()
