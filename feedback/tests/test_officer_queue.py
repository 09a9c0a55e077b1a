"""The complaint officers' queue and page (issue 18, item 7): the service and commitment
concerned, an excerpt, the days left or overdue, the assignee; filters by service, state,
assignee and overdue, at a fixed number of queries; the answer email carries the link to
the tracking page and never the code."""

import datetime
from html import unescape

import pytest
from django.core import mail
from django.utils import timezone

from feedback import codes, selectors, services
from feedback.models import ComplaintStatus
from tests.factories import ComplaintFactory, UserFactory, overdue_complaint

pytestmark = pytest.mark.django_db

QUEUE = "/valuta-e-segnala/ufficio-reclami/"


def _refs(response) -> list[str]:
    return [c.reference for c in response.context["page_obj"]]


@pytest.fixture
def other_officer(db):
    return UserFactory(username="ufficio2", first_name="Piero", groups=["complaint_officers"])


def test_the_queue_shows_service_commitment_excerpt_days_and_assignee(
    client_as, complaint_officer, carta
):
    complaint = overdue_complaint(
        service=carta.assistenza,
        service_key=carta.assistenza.key,
        commitment=carta.attivazione,
        commitment_key=carta.attivazione.key,
        description="Attendo da sei settimane l'attivazione dell'assistenza per mia madre. " * 3,
        assigned_to=complaint_officer,
        status=ComplaintStatus.ASSIGNED,
    )
    page = unescape(client_as(complaint_officer).get(QUEUE).content.decode())
    days = (timezone.localdate() - timezone.localtime(complaint.deadline_at).date()).days
    assert days == 15
    assert "Assistenza domiciliare" in page
    assert "Impegno: Giorni per l'attivazione" in page
    assert "Attendo da sei settimane l'attivazione" in page
    assert complaint.description not in page  # an excerpt, not the whole text
    assert "oltre il termine da 15 giorni" in page
    assert str(complaint_officer) in page


def test_days_left_counts_local_days(carta):
    now = timezone.now()
    complaint = ComplaintFactory(received_at=now)
    assert selectors.days_to_deadline(complaint, now=now) == 30
    last_day = complaint.deadline_at - datetime.timedelta(hours=1)
    assert selectors.days_to_deadline(complaint, now=last_day) == 0
    later = complaint.deadline_at + datetime.timedelta(days=2)
    assert selectors.days_to_deadline(complaint, now=later) == -2
    complaint.status = ComplaintStatus.ANSWERED
    assert selectors.days_to_deadline(complaint, now=later) is None


def test_the_queue_filters_by_service_state_assignee_and_overdue(
    client_as, complaint_officer, other_officer, carta
):
    mine = ComplaintFactory(
        service=carta.assistenza,
        service_key=carta.assistenza.key,
        assigned_to=complaint_officer,
        status=ComplaintStatus.ASSIGNED,
    )
    theirs_late = overdue_complaint(
        service=carta.segretariato,
        service_key=carta.segretariato.key,
        assigned_to=other_officer,
        status=ComplaintStatus.ASSIGNED,
    )
    nobody_late = overdue_complaint(service=carta.assistenza, service_key=carta.assistenza.key)
    answered = ComplaintFactory(status=ComplaintStatus.ANSWERED, answer="Fatto.")
    client = client_as(complaint_officer)

    def refs(query):
        response = client.get(QUEUE + query)
        assert response.status_code == 200
        return sorted(_refs(response))

    def expected(*complaints):
        return sorted(c.reference for c in complaints)

    assert refs("") == expected(mine, theirs_late, nobody_late, answered)
    assert refs(f"?service={carta.assistenza.key}") == expected(mine, nobody_late)
    assert refs("?status=answered") == expected(answered)
    assert refs("?assignee=me") == expected(mine)
    assert refs("?assignee=none") == expected(nobody_late, answered)
    assert refs(f"?assignee={other_officer.pk}") == expected(theirs_late)
    assert refs("?overdue=on") == expected(theirs_late, nobody_late)
    assert refs(f"?overdue=on&service={carta.assistenza.key}") == expected(nobody_late)
    # The most overdue first.
    both = client.get(QUEUE + "?overdue=on")
    assert [c.pk for c in both.context["page_obj"]] == sorted(
        [theirs_late.pk, nobody_late.pk],
        key=lambda pk: (ComplaintFactory._meta.model.objects.get(pk=pk).deadline_at, pk),
    )


@pytest.mark.parametrize(
    "query", ["?service=nessuno", "?assignee=abc", "?status=boh", "?assignee=99999999999999999999"]
)
def test_an_unknown_filter_value_never_fails(query, client_as, complaint_officer, carta):
    ComplaintFactory()
    response = client_as(complaint_officer).get(QUEUE + query)
    # An invalid filter is ignored; a number too long for the database is refused earlier
    # by the platform's middleware (400). Never a 500.
    assert response.status_code == (400 if "9999" in query else 200)


def test_the_officer_page_shows_the_service_and_the_days(client_as, complaint_officer, carta):
    late = overdue_complaint(
        service=carta.segretariato,
        service_key=carta.segretariato.key,
        assigned_to=complaint_officer,
        status=ComplaintStatus.ASSIGNED,
    )
    fresh = ComplaintFactory(service=carta.assistenza, commitment=carta.attivazione)
    client = client_as(complaint_officer)
    page = unescape(client.get(f"{QUEUE}{late.pk}/").content.decode())
    assert "Segretariato sociale" in page
    assert "Oltre il termine da 15 giorni." in page
    assert f"Assegnata a: {complaint_officer}" in page
    page = unescape(client.get(f"{QUEUE}{fresh.pk}/").content.decode())
    assert "Assistenza domiciliare" in page and "Giorni per l'attivazione" in page
    assert "Mancano 30 giorni" in page


def _fill(carta, n, officer):
    """``n`` complaints: every other one overdue on a commitment, every fourth assigned."""
    for index in range(n):
        if index % 2:
            ComplaintFactory(
                code=codes.new_code(),
                service=carta.segretariato,
                service_key=carta.segretariato.key,
            )
            continue
        overdue_complaint(
            code=codes.new_code(),
            service=carta.assistenza,
            service_key=carta.assistenza.key,
            commitment=carta.attivazione,
            commitment_key=carta.attivazione.key,
            assigned_to=officer if index % 4 else None,
        )


@pytest.mark.parametrize("query", ["", "?overdue=on&assignee=none&service=assistenza-domiciliare"])
def test_the_queue_costs_the_same_with_5_or_50_complaints(
    query, client_as, complaint_officer, carta, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(complaint_officer)
    client.get(QUEUE)  # warms the content type and session caches
    _fill(carta, 5, complaint_officer)
    with CaptureQueriesContext(connection) as small:
        assert client.get(QUEUE + query).status_code == 200
    _fill(carta, 45, complaint_officer)
    with django_assert_max_num_queries(len(small)):
        response = client.get(QUEUE + query)
    assert response.status_code == 200
    assert response.context["paginator"].count == (50 if not query else 14)


def test_the_answer_email_links_the_tracking_page_without_the_code(
    complaint_officer, settings, django_capture_on_commit_callbacks
):
    settings.CARTA_SITE_URL = "https://carta.example.org"
    complaint = ComplaintFactory(contact_email="rosa@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_complaint(
            actor=complaint_officer, complaint=complaint, answer="Abbiamo riaperto lo sportello."
        )
    (message,) = mail.outbox
    assert message.to == ["rosa@example.org"]
    assert "https://carta.example.org/valuta-e-segnala/segui/" in message.body
    assert "codice ricevuto all'invio" in message.body
    assert "RCL-" not in message.body and complaint.tracking_hash not in message.body


def test_a_signed_in_sender_is_told_where_to_read_the_answer(
    complaint_officer, citizen, settings, django_capture_on_commit_callbacks
):
    from carta.models import Notification

    settings.CARTA_SITE_URL = "https://carta.example.org"
    complaint = ComplaintFactory(submitted_by=citizen, contact_email="")
    services.answer_complaint(actor=complaint_officer, complaint=complaint, answer="Risolto.")
    note = Notification.objects.get(recipient=citizen)
    link = f"https://carta.example.org/valuta-e-segnala/le-mie-segnalazioni/{complaint.pk}/"
    assert link in note.body and "RCL-" not in note.body
