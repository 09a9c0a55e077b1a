"""The audit log of complaints and evaluations: read only by complaint officers and
administrators, free of the senders' personal data, and reached by anonymization."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from carta.models import AuditEntry
from carta.services import record_audit
from feedback import services
from feedback.models import ComplaintStatus
from tests.factories import ComplaintFactory, UserFactory

pytestmark = pytest.mark.django_db

NAME, EMAIL = "Rosa Marchetti", "rosa.marchetti@example.org"
REASON = "Sono Rosa Marchetti, invalida al 100%: il servizio non è ripartito"
RATINGS = {"access": 4, "timeliness": 3, "courtesy": 5, "clarity": 4, "overall": 4}


@pytest.fixture
def sender(db):
    return UserFactory(username="rosa.m", first_name="Rosa", last_name="Marchetti", email=EMAIL)


@pytest.fixture
def history(sender, complaint_officer, carta):
    """A signed-in sender's complaint, answered, closed and reopened by its sender; an
    evaluation; one audit row of another kind."""
    complaint = services.submit_complaint(
        actor=sender,
        category="complaint",
        description="Il servizio è sospeso.",
        privacy_consent=True,
        contact_name=NAME,
        contact_email=EMAIL,
    ).complaint
    services.answer_complaint(actor=complaint_officer, complaint=complaint, answer="Ripartirà.")
    services.close_complaint(actor=complaint_officer, complaint=complaint)
    services.reopen_complaint(actor=sender, complaint=complaint, reason=REASON, as_sender=True)
    services.submit_evaluation(actor=sender, service=carta.assistenza, **RATINGS)
    other = record_audit(actor=complaint_officer, verb="organization.verified", target=sender)
    return complaint, other


def personal(rows) -> list[str]:
    """The rows' text that holds any of the sender's personal data."""
    found = []
    for row in rows:
        text = " ".join(
            [row.actor_label, row.object_repr, row.reason, str(row.changes), str(row.actor_id)]
        )
        if any(word in text for word in ("rosa", "Rosa", "Marchetti", "invalida", EMAIL)):
            found.append(f"{row.verb}: {text}")
    return found


@pytest.mark.parametrize("persona", ["moderator", "carta_editor"])
def test_other_staff_read_no_audit_row_of_complaints_or_evaluations(
    request, api_as, client_as, history, persona
):
    user = request.getfixturevalue(persona)
    complaint, other = history
    api = api_as(user).get("/api/v1/audit/", {"page_size": 100}).json()
    assert [row["id"] for row in api["results"]] == [other.pk]
    page = client_as(user).get(reverse("audit"))
    assert [entry.pk for entry in page.context["page"]] == [other.pk]
    hidden = AuditEntry.objects.filter(object_id=str(complaint.pk), verb="complaint.received")
    assert api_as(user).get(f"/api/v1/audit/{hidden.get().pk}/").status_code == 404
    only = api_as(user).get("/api/v1/audit/", {"object_type": "feedback.complaint"}).json()
    assert only["count"] == 0


def test_rows_without_a_target_of_the_complaints_jobs_are_theirs_too(api_as, moderator):
    record_audit(actor=None, verb="complaint.reminders_sent", changes={"due_soon": 1})
    kept = record_audit(actor=None, verb="charter.published")
    rows = api_as(moderator).get("/api/v1/audit/").json()["results"]
    assert [row["id"] for row in rows] == [kept.pk]


@pytest.mark.parametrize("persona", ["complaint_officer", "admin"])
def test_officers_and_administrators_read_them(request, api_as, client_as, history, persona):
    user = request.getfixturevalue(persona)
    verbs = {row["verb"] for row in api_as(user).get("/api/v1/audit/").json()["results"]}
    assert {"complaint.received", "complaint.reopened", "evaluation.submitted"} <= verbs
    page = client_as(user).get(reverse("audit"))
    assert "complaint.reopened" in {entry.verb for entry in page.context["page"]}


def test_the_audit_of_complaints_names_no_sender_nor_holds_their_reasons(history):
    complaint, _other = history
    rows = AuditEntry.objects.filter(object_id=str(complaint.pk), verb__startswith="complaint.")
    assert personal(rows) == []
    reopened = rows.get(verb="complaint.reopened")
    assert reopened.changes == {"by_sender": True} and reopened.actor_id is None
    complaint.refresh_from_db()
    assert complaint.reopen_reason == REASON  # kept where officers read it, until anonymized


def test_anonymization_erases_the_personal_data_older_code_wrote_in_the_audit(
    sender, complaint_officer
):
    closed = timezone.now() - datetime.timedelta(days=400)
    complaint = ComplaintFactory(
        status=ComplaintStatus.CLOSED,
        closed_at=closed,
        submitted_by=sender,
        contact_name=NAME,
        contact_email=EMAIL,
        reopen_reason=REASON,
    )
    # What earlier versions wrote: the sender as actor, their reopen reason, an officer's
    # closing note quoting them.
    record_audit(actor=sender, verb="complaint.received", target=complaint)
    record_audit(
        actor=sender,
        verb="complaint.reopened",
        target=complaint,
        reason=REASON,
        changes={"by_sender": True},
    )
    record_audit(
        actor=complaint_officer,
        verb="complaint.closed",
        target=complaint,
        reason=f"Ritirata al telefono da {NAME} ({EMAIL})",
    )
    kept = record_audit(actor=sender, verb="account.profile_changed", target=sender)
    assert services.anonymize_complaints(days=365) == 1
    rows = AuditEntry.objects.filter(object_id=str(complaint.pk), verb__startswith="complaint.")
    assert personal(rows) == []
    closing = rows.get(verb="complaint.closed")
    assert closing.actor_id == complaint_officer.pk  # the officer's own act stays theirs
    complaint.refresh_from_db()
    assert complaint.reopen_reason == ""
    assert AuditEntry.objects.get(pk=kept.pk).actor_id == sender.pk  # not a complaint's row


def test_anonymization_also_reaches_complaints_anonymized_before(sender):
    complaint = ComplaintFactory(
        status=ComplaintStatus.CLOSED,
        closed_at=timezone.now() - datetime.timedelta(days=800),
        anonymized_at=timezone.now() - datetime.timedelta(days=400),
        contact_name="",
        contact_email="",
    )
    record_audit(
        actor=sender,
        verb="complaint.reopened",
        target=complaint,
        reason=REASON,
        changes={"by_sender": True},
    )
    services.anonymize_complaints()
    assert personal(AuditEntry.objects.filter(object_id=str(complaint.pk))) == []


def test_officers_read_the_reopen_reason_on_the_complaint_and_its_sender_does_not_by_api(
    history, client_as, api_as, complaint_officer, sender
):
    complaint, _other = history
    page = client_as(complaint_officer).get(
        reverse("feedback_complaint_staff", args=[complaint.pk])
    )
    assert REASON in page.content.decode()
    staff = api_as(complaint_officer).get(f"/api/v1/complaints/{complaint.pk}/").json()
    assert staff["reopen_reason"] == REASON
    own = api_as(sender).get(f"/api/v1/complaints/{complaint.pk}/").json()
    assert "reopen_reason" not in own and own["id"] == complaint.pk
