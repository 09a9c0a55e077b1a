"""The complaint lifecycle: received -> assigned -> answered -> closed, reopenable."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from carta.errors import Conflict, InvalidInput, NotAllowed, RateLimited
from carta.models import AuditEntry, Notification
from feedback import codes, selectors, services
from feedback.models import Complaint, ComplaintStatus
from tests.factories import ComplaintFactory, UserFactory, overdue_complaint

pytestmark = pytest.mark.django_db


def submit(**overrides):
    values = {
        "actor": None,
        "category": "malfunction",
        "description": "L'ascensore della sede di Valtirino è fermo da due settimane.",
        "privacy_consent": True,
        "contact_name": "Rosa Marchetti",
        "contact_email": "rosa@example.org",
    }
    values.update(overrides)
    return services.submit_complaint(**values)


def test_submitting_returns_a_formatted_code_and_stores_only_its_hash(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        result = submit()
    assert result.code.startswith("RCL-") and len(result.code) == 18
    assert set(result.code[4:].replace("-", "")) <= set(codes.ALPHABET)
    complaint = Complaint.objects.get()
    assert complaint.tracking_hash == codes.hash_code(result.code)
    assert result.code not in str(Complaint.objects.values().get())
    assert complaint.status == ComplaintStatus.RECEIVED
    assert [m.to for m in mail.outbox] == [["rosa@example.org"]]
    assert result.code in mail.outbox[0].body


def test_codes_do_not_repeat():
    assert len({codes.new_code() for _ in range(2000)}) == 2000


def test_officers_are_notified_of_a_new_complaint(complaint_officer):
    submit()
    assert Notification.objects.filter(
        recipient=complaint_officer, kind="complaint.received"
    ).exists()


def test_the_officers_deadline_is_written_in_words_in_each_officers_language(
    complaint_officer,
):
    """ "Termine per la risposta: 8 ottobre 2026", not "08/10/2026"; an officer who reads
    English gets "8 October 2026"."""
    from carta import dates

    english = UserFactory(groups=["complaint_officers"], preferred_language="en")
    result = submit()
    complaint = Complaint.objects.get(pk=result.complaint.pk)
    italian = Notification.objects.get(recipient=complaint_officer, kind="complaint.received")
    day = timezone.localtime(complaint.deadline_at)
    assert f"Termine per la risposta: {dates.long_date(day)}." in italian.body
    assert "/" not in italian.body.split("Termine per la risposta:")[1]
    other = Notification.objects.get(recipient=english, kind="complaint.received")
    assert f"{day.day} {day.strftime('%B')} {day.year}" in other.body
    services.assign_complaint(actor=complaint_officer, complaint=complaint, assignee=english)
    services.assign_complaint(actor=english, complaint=complaint, assignee=complaint_officer)
    assigned = Notification.objects.get(recipient=complaint_officer, kind="complaint.assigned")
    assert assigned.title == f"Ti è stata assegnata la segnalazione n. {complaint.reference}"


def test_audit_of_a_new_complaint_holds_no_personal_data():
    submit()
    entry = AuditEntry.objects.get(verb="complaint.received")
    text = f"{entry.object_repr} {entry.changes} {entry.reason}"
    assert "rosa" not in text.lower() and "Marchetti" not in text


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"description": "   "}, "description"),
        ({"description": "x" * (services.DESCRIPTION_MAX + 1)}, "description"),
        ({"privacy_consent": False}, "privacy_consent"),
        ({"category": "lamentela"}, "category"),
        ({"contact_email": "non-una-email"}, "contact_email"),
    ],
)
def test_bad_input_names_the_field(overrides, field):
    with pytest.raises(InvalidInput) as raised:
        submit(**overrides)
    assert raised.value.field == field
    assert not Complaint.objects.exists()


def test_contact_data_is_optional():
    result = submit(contact_name="", contact_email="")
    assert result.complaint.contact_email == ""


def test_anonymous_submissions_are_rate_limited_per_address(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anonymous_form": "2/hour",
        },
    }
    submit(client_address="10.0.0.1")
    submit(client_address="10.0.0.1")
    with pytest.raises(RateLimited):
        submit(client_address="10.0.0.1")
    submit(client_address="10.0.0.2")


def test_full_lifecycle(complaint_officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = submit().complaint
    mail.outbox.clear()
    complaint = services.assign_complaint(
        actor=complaint_officer, complaint=complaint, assignee=complaint_officer
    )
    assert complaint.status == ComplaintStatus.ASSIGNED
    with django_capture_on_commit_callbacks(execute=True):
        complaint = services.answer_complaint(
            actor=complaint_officer, complaint=complaint, answer="L'ascensore è stato riparato."
        )
    assert complaint.status == ComplaintStatus.ANSWERED
    assert complaint.answered_in_time is True
    assert "riparato" in mail.outbox[-1].body and mail.outbox[-1].to == ["rosa@example.org"]
    complaint = services.close_complaint(actor=complaint_officer, complaint=complaint)
    assert complaint.status == ComplaintStatus.CLOSED and complaint.closed_at
    complaint = services.reopen_complaint(
        actor=complaint_officer, complaint=complaint, reason="La riparazione non ha tenuto."
    )
    assert complaint.status == ComplaintStatus.ASSIGNED
    assert complaint.closed_at is None
    verbs = list(AuditEntry.objects.order_by("id").values_list("verb", flat=True))
    assert verbs == [
        "complaint.received",
        "complaint.assigned",
        "complaint.answered",
        "complaint.closed",
        "complaint.reopened",
    ]


def test_citizens_and_moderators_cannot_handle_complaints(citizen, moderator):
    complaint = ComplaintFactory()
    for person in (citizen, moderator, None):
        with pytest.raises(NotAllowed):
            services.answer_complaint(actor=person, complaint=complaint, answer="Risposta")


def test_only_officers_can_be_assigned(complaint_officer, citizen):
    complaint = ComplaintFactory()
    with pytest.raises(InvalidInput) as raised:
        services.assign_complaint(actor=complaint_officer, complaint=complaint, assignee=citizen)
    assert raised.value.field == "assignee"


def test_answering_without_assignment_assigns_the_answerer(complaint_officer):
    complaint = services.answer_complaint(
        actor=complaint_officer, complaint=ComplaintFactory(), answer="Risposta."
    )
    assert complaint.assigned_to == complaint_officer


def test_closing_without_an_answer_needs_a_reason(complaint_officer):
    complaint = ComplaintFactory()
    with pytest.raises(InvalidInput) as raised:
        services.close_complaint(actor=complaint_officer, complaint=complaint)
    assert raised.value.field == "reason"
    closed = services.close_complaint(
        actor=complaint_officer, complaint=complaint, reason="Duplicato della n. 12."
    )
    assert closed.status == ComplaintStatus.CLOSED


def test_answering_a_closed_complaint_is_a_conflict(complaint_officer):
    complaint = ComplaintFactory(status=ComplaintStatus.CLOSED, closed_at=timezone.now())
    with pytest.raises(Conflict):
        services.answer_complaint(actor=complaint_officer, complaint=complaint, answer="Tardi.")


def test_reopening_is_possible_only_within_thirty_days_of_closing(complaint_officer):
    complaint = ComplaintFactory(status=ComplaintStatus.CLOSED, closed_at=timezone.now())
    with time_machine.travel(timezone.now() + datetime.timedelta(days=29)):
        services.reopen_complaint(actor=complaint_officer, complaint=complaint, reason="Ancora.")
    other = ComplaintFactory(status=ComplaintStatus.CLOSED, closed_at=timezone.now())
    later = timezone.now() + datetime.timedelta(days=31)
    with time_machine.travel(later), pytest.raises(Conflict):
        services.reopen_complaint(actor=complaint_officer, complaint=other, reason="Ancora.")


def test_reopening_sets_a_new_deadline_from_the_reopening(complaint_officer):
    complaint = ComplaintFactory(
        received_at=timezone.now() - datetime.timedelta(days=40),
        status=ComplaintStatus.CLOSED,
        closed_at=timezone.now() - datetime.timedelta(days=2),
    )
    reopened = services.reopen_complaint(
        actor=complaint_officer, complaint=complaint, reason="Risposta incompleta."
    )
    assert reopened.deadline_at > timezone.now() + datetime.timedelta(days=29)
    assert reopened.status == ComplaintStatus.RECEIVED


def test_late_first_answer_is_recorded_as_not_in_time(complaint_officer):
    complaint = overdue_complaint()
    answered = services.answer_complaint(
        actor=complaint_officer, complaint=complaint, answer="Ci scusiamo per il ritardo."
    )
    assert answered.answered_in_time is False


def test_overdue_list_holds_only_open_complaints_past_their_deadline(complaint_officer):
    late = overdue_complaint()
    overdue_complaint(status=ComplaintStatus.ANSWERED)
    ComplaintFactory()
    assert list(selectors.overdue(selectors.complaints_visible_to(complaint_officer))) == [late]


def test_reminders_are_sent_once_before_the_deadline_and_once_when_overdue(
    complaint_officer, django_capture_on_commit_callbacks
):
    other = UserFactory(username="altro_operatore", groups=["complaint_officers"])
    soon = ComplaintFactory(
        received_at=timezone.now() - datetime.timedelta(days=27),
        assigned_to=other,
        status=ComplaintStatus.ASSIGNED,
    )
    late = overdue_complaint()  # unassigned: every officer hears of it
    ComplaintFactory()  # due in 30 days: nothing yet
    result = services.send_complaint_reminders(days_before=5)
    assert (result.before, result.overdue) == (1, 1)
    assert Notification.objects.filter(recipient=other, kind="complaint.due_soon").count() == 1
    assert Notification.objects.filter(kind="complaint.overdue").count() == 2
    again = services.send_complaint_reminders(days_before=5)
    assert (again.before, again.overdue) == (0, 0)
    assert Notification.objects.filter(kind__startswith="complaint.d").count() == 1
    soon.refresh_from_db()
    late.refresh_from_db()
    assert soon.reminded_before_at and late.reminded_overdue_at


def test_anonymization_clears_contact_data_after_the_configured_time(citizen, settings):
    settings.CARTA_ANONYMIZE_AFTER_DAYS = 90
    old = ComplaintFactory(
        status=ComplaintStatus.CLOSED,
        closed_at=timezone.now() - datetime.timedelta(days=91),
        submitted_by=citizen,
    )
    recent = ComplaintFactory(
        status=ComplaintStatus.CLOSED, closed_at=timezone.now() - datetime.timedelta(days=89)
    )
    still_open = ComplaintFactory(received_at=timezone.now() - datetime.timedelta(days=400))
    assert services.anonymize_complaints() == 1
    old.refresh_from_db()
    assert (old.contact_name, old.contact_email, old.submitted_by) == ("", "", None)
    assert old.anonymized_at is not None
    assert old.description  # the text stays for the statistics
    recent.refresh_from_db()
    still_open.refresh_from_db()
    assert recent.contact_email and still_open.contact_email
    assert services.anonymize_complaints() == 0


def test_the_receipt_is_signed_with_the_ambitos_address_and_pec(
    django_capture_on_commit_callbacks, settings
):
    settings.CARTA_AMBITO_NAME = "Ambito Sociale n. 7"
    settings.CARTA_AMBITO_ADDRESS = "Piazza Municipio 1, 65020 Valtirino (PE)"
    settings.CARTA_AMBITO_PEC = "ambito7@pec.example.it"
    with django_capture_on_commit_callbacks(execute=True):
        submit()
    body = mail.outbox[-1].body
    assert body.endswith(
        "Ufficio reclami\n\n-- \nAmbito Sociale n. 7\n"
        "Piazza Municipio 1, 65020 Valtirino (PE)\nPEC: ambito7@pec.example.it\n"
        f"{settings.CARTA_SITE_URL}"
    )
