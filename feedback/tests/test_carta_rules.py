"""The Carta sets the rules it promises: a commitment governing the complaint deadline
gives each complaint its days (kept when a later revision changes them), and a founded
complaint on a commitment that promises a refund records the amount owed and its
payment."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from carta.errors import InvalidInput
from carta.models import AuditEntry
from consultations.charter.models import RevisionStatus
from feedback import periods, services
from feedback.dashboard import build_dashboard
from feedback.models import Complaint, RefundStatus
from tests.factories import QualityCommitmentFactory, RevisionFactory, ServiceFactory

pytestmark = pytest.mark.django_db

EMAIL = "rosa@example.org"


def submit(**overrides):
    values = {
        "actor": None,
        "category": "complaint",
        "description": "L'assistenza domiciliare è partita dopo due mesi.",
        "privacy_consent": True,
        "contact_email": EMAIL,
    }
    values.update(overrides)
    return services.submit_complaint(**values)


@pytest.fixture
def governed(carta):
    """The Carta in force (revision 2) answers complaints within 20 days."""
    commitment = QualityCommitmentFactory(
        service=carta.segretariato,
        key="risposta-reclami",
        indicator="Giorni per rispondere ai reclami",
        direction="at_most",
        target_value=Decimal("20"),
        unit="giorni",
        governs="complaint_deadline",
    )
    carta.deadline = commitment
    return carta


@pytest.fixture
def refunding(carta):
    carta.attivazione.refund = "Rimborso della quota mensile"
    carta.attivazione.refund_amount = Decimal("48000")
    carta.attivazione.save()
    return carta


def test_a_complaint_takes_the_deadline_the_carta_in_force_sets(governed):
    complaint = submit().complaint
    complaint.refresh_from_db()
    assert complaint.deadline_days == 20
    assert complaint.deadline_commitment == governed.deadline
    assert complaint.revision.number == 2
    expected = periods.response_deadline(complaint.received_at, 20)
    assert complaint.deadline_at == expected
    assert services.deadline_rule_text(complaint) == (
        "Termine fissato dalla Carta in vigore, revisione n. 2: risposta entro 20 giorni"
    )


def test_without_a_governing_commitment_the_setting_is_the_fallback(carta, settings):
    settings.CARTA_COMPLAINT_DAYS = 25
    complaint = submit().complaint
    assert (complaint.deadline_days, complaint.deadline_commitment) == (25, None)
    assert complaint.revision.number == 2
    assert "Termine ordinario della piattaforma" in services.deadline_rule_text(complaint)
    assert "25 giorni" in services.deadline_rule_text(complaint)


def test_a_complaint_keeps_its_deadline_after_a_new_revision(governed, complaint_officer, settings):
    complaint = submit().complaint
    # A new revision comes into force with no deadline rule at all.
    governed.deadline.service.revision.status = RevisionStatus.SUPERSEDED
    governed.deadline.service.revision.save()
    newer = RevisionFactory(number=3, status=RevisionStatus.ADOPTED)
    ServiceFactory(revision=newer, key="segretariato-sociale")
    services.answer_complaint(actor=complaint_officer, complaint=complaint, answer="Risposta.")
    services.close_complaint(actor=complaint_officer, complaint=complaint)
    reopened = services.reopen_complaint(
        actor=complaint_officer, complaint=complaint, reason="Manca un documento."
    )
    reopened.refresh_from_db()
    assert reopened.deadline_days == 20
    assert reopened.revision.number == 2
    assert reopened.deadline_at == periods.response_deadline(reopened.reopened_at, 20)
    later = submit().complaint
    assert (later.deadline_days, later.revision.number) == (settings.CARTA_COMPLAINT_DAYS, 3)


def test_officer_and_citizen_see_which_rule_set_the_deadline(
    governed, api_as, complaint_officer, client, client_as
):
    sent = submit()
    complaint = sent.complaint
    body = api_as(complaint_officer).get(f"/api/v1/complaints/{complaint.pk}/").json()
    assert body["deadline_days"] == 20
    assert body["revision_number"] == 2
    assert body["deadline_set_by_carta"] is True
    assert body["deadline_rule"].endswith("revisione n. 2: risposta entro 20 giorni")
    staff_page = client_as(complaint_officer).get(
        f"/valuta-e-segnala/ufficio-reclami/{complaint.pk}/"
    )
    assert "revisione n. 2: risposta entro 20 giorni" in staff_page.content.decode()
    tracked = client.post("/valuta-e-segnala/segui/", {"code": sent.code, "email": EMAIL})
    assert "revisione n. 2: risposta entro 20 giorni" in tracked.content.decode()


# --- Refunds ---------------------------------------------------------------------------


def _judged(carta, officer, judgement="founded"):
    complaint = submit(commitment=carta.attivazione.pk).complaint
    return services.answer_complaint(
        actor=officer,
        complaint=complaint,
        answer="Ci scusiamo per il ritardo.",
        judgement=judgement,
        judgement_reason="L'attivazione ha superato i 30 giorni.",
    )


def test_a_founded_complaint_on_a_refunding_commitment_owes_the_refund(
    refunding, complaint_officer
):
    complaint = _judged(refunding, complaint_officer)
    complaint.refresh_from_db()
    assert (complaint.refund_amount, complaint.refund_status) == (
        Decimal("48000.00"),
        RefundStatus.DUE,
    )
    entry = AuditEntry.objects.filter(verb="complaint.answered").latest("id")
    assert entry.changes["refund"] == [[None, ""], ["48000.00", "due"]]


def test_an_unfounded_complaint_owes_nothing_and_a_due_refund_is_dropped(
    refunding, complaint_officer
):
    assert _judged(refunding, complaint_officer, "unfounded").refund_status == ""
    complaint = _judged(refunding, complaint_officer)
    services.close_complaint(
        actor=complaint_officer,
        complaint=complaint,
        judgement="unfounded",
        judgement_reason="Ritardo dovuto alla famiglia.",
    )
    complaint.refresh_from_db()
    assert (complaint.refund_amount, complaint.refund_status) == (None, "")


def test_the_office_records_the_payment_through_the_api(refunding, complaint_officer, api_as):
    complaint = _judged(refunding, complaint_officer)
    client = api_as(complaint_officer)
    url = f"/api/v1/complaints/{complaint.pk}/record/"
    today = timezone.localdate()
    response = client.post(
        url,
        {"refund_amount": "120.50", "refund_status": "paid", "refund_paid_on": today.isoformat()},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["refund_amount"], body["refund_status"], body["refund_paid_on"]) == (
        "120.50",
        "paid",
        today.isoformat(),
    )
    complaint.refresh_from_db()
    assert complaint.refund_paid_on == today
    missing = client.post(url, {"refund_status": "paid", "refund_paid_on": None}, format="json")
    assert missing.status_code == 400
    assert "refund_paid_on" in missing.json()["errors"]
    future = client.post(
        url,
        {"refund_paid_on": (today + datetime.timedelta(days=3)).isoformat()},
        format="json",
    )
    assert future.status_code == 400
    assert "futuro" in future.json()["errors"]["refund_paid_on"][0]


def test_a_refund_on_a_commitment_that_promises_none_is_a_400_naming_the_field(
    carta, complaint_officer, api_as
):
    complaint = _judged(carta, complaint_officer)
    assert complaint.refund_status == ""
    response = api_as(complaint_officer).post(
        f"/api/v1/complaints/{complaint.pk}/record/", {"refund_amount": "10"}, format="json"
    )
    assert response.status_code == 400
    assert "non prevede rimborsi" in response.json()["errors"]["refund_amount"][0]
    assert Complaint.objects.get(pk=complaint.pk).refund_amount is None


def test_a_refund_needs_a_founded_judgement(refunding, complaint_officer):
    complaint = submit(commitment=refunding.attivazione.pk).complaint
    with pytest.raises(InvalidInput) as error:
        services.update_complaint_record(
            actor=complaint_officer, complaint=complaint, refund_amount="10"
        )
    assert error.value.field == "refund_amount"


def test_the_sender_sees_the_refund_once_answered(refunding, complaint_officer, client, api):
    sent = submit(commitment=refunding.attivazione.pk)
    tracked = api.post(
        "/api/v1/complaints/track/", {"code": sent.code, "email": EMAIL}, format="json"
    ).json()
    assert tracked["refund_status"] == "" and tracked["refund_amount"] is None
    services.answer_complaint(
        actor=complaint_officer,
        complaint=sent.complaint,
        answer="Ci scusiamo.",
        judgement="partly_founded",
        judgement_reason="Ritardo in parte giustificato.",
    )
    tracked = api.post(
        "/api/v1/complaints/track/", {"code": sent.code, "email": EMAIL}, format="json"
    ).json()
    assert (tracked["refund_amount"], tracked["refund_status"]) == ("48000.00", "due")
    page = client.post("/valuta-e-segnala/segui/", {"code": sent.code, "email": EMAIL})
    assert "48.000,00 €, da pagare" in page.content.decode()


def test_the_officers_page_records_the_refund_and_keeps_the_typed_text_on_error(
    refunding, complaint_officer, client_as
):
    complaint = _judged(refunding, complaint_officer)
    client = client_as(complaint_officer)
    url = f"/valuta-e-segnala/ufficio-reclami/{complaint.pk}/"
    page = client.get(url).content.decode()
    assert 'value="48000,00"' in page
    refused = client.post(
        url, {"action": "refund", "refund_amount": "venti euro", "refund_status": "due"}
    )
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "Indica l&#x27;importo in euro" in body
    assert 'value="venti euro"' in body
    saved = client.post(
        url,
        {
            "action": "refund",
            "refund_amount": "30,00",
            "refund_status": "paid",
            "refund_paid_on": timezone.localdate().isoformat(),
        },
    )
    assert saved.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.refund_amount, complaint.refund_status) == (Decimal("30.00"), "paid")
    assert "30,00 €, pagato " in client.get(url).content.decode()


def test_the_dashboard_counts_refunds_due_and_paid(refunding, complaint_officer, client):
    _judged(refunding, complaint_officer)
    paid = _judged(refunding, complaint_officer)
    services.update_complaint_record(
        actor=complaint_officer,
        complaint=paid,
        refund_amount="25",
        refund_status="paid",
        refund_paid_on=timezone.localdate(),
    )
    data = build_dashboard(quarters=periods.recent_quarters(4), staff=False)
    assert data["overall"]["refunds"] == {
        "due": 1,
        "due_amount": Decimal("48000.00"),
        "paid": 1,
        "paid_amount": Decimal("25.00"),
    }
    commitment = next(
        c for s in data["services"] for c in s["commitments"] if c["key"] == "sad-attivazione"
    )
    assert commitment["refunds"]["due"] == 1
    assert commitment["refund"] == "Rimborso della quota mensile"
    page = client.get("/valuta-e-segnala/impegni/").content.decode()
    assert "1 da pagare (48.000,00 €), 1 pagati (25,00 €)" in page


def test_the_accessibility_feedback_link_opens_the_form_on_its_category(client, db):
    footer = client.get("/").content.decode()
    assert 'href="/valuta-e-segnala/segnala/?categoria=accessibility"' in footer
    form = client.get("/valuta-e-segnala/segnala/?categoria=accessibility").content.decode()
    assert '<option value="accessibility" selected>' in form
    other = client.get("/valuta-e-segnala/segnala/?categoria=sconosciuta")
    assert (
        other.status_code == 200
        and "selected>"
        not in other.content.decode().split('name="category"')[1].split("</select>")[0]
    )
