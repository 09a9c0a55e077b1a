"""Issuing evaluation codes while the mail server is down: the codes exist once the batch
commits and are shown only on the page that answers, so a refused email must not turn
that page into an error (the codes would be stored and shown to no one)."""

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from feedback.models import EvaluationCode

# Transactional: the email leaves when the batch commits, before the page is drawn, as
# in use (a captured on-commit would run only after the response). A superuser issues the
# codes, since a flushed database has no staff groups.
pytestmark = pytest.mark.django_db(transaction=True)


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_the_codes_are_shown_when_their_email_cannot_leave(client_as, admin, carta, settings):
    settings.EMAIL_BACKEND = "feedback.tests.test_evaluation_codes_mail_down.RefusingBackend"
    client = client_as(admin)
    client.raise_request_exception = False
    response = client.post(
        reverse("feedback_evaluation_codes"),
        {
            "service": carta.assistenza.pk,
            "count": 3,
            "valid_days": 30,
            "email": "sportello@example.org",
        },
    )
    assert response.status_code == 200
    assert response.content.decode().count('class="eval-code-value"') == 3
    assert EvaluationCode.objects.count() == 3
    html = response.content.decode()
    # The page does not claim an email that did not leave, and says what to do.
    assert "Sono stati inviati anche a" not in html
    assert "Non è stato possibile inviarli a sportello@example.org" in html


def test_the_page_says_where_the_codes_were_sent(client_as, admin, carta, mailoutbox):
    client = client_as(admin)
    response = client.post(
        reverse("feedback_evaluation_codes"),
        {
            "service": carta.assistenza.pk,
            "count": 2,
            "valid_days": 30,
            "email": "sportello@example.org",
        },
    )
    html = response.content.decode()
    assert "Sono stati inviati anche a sportello@example.org." in html
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["sportello@example.org"]
