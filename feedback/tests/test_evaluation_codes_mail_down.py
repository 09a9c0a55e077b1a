"""Issuing evaluation codes while the mail server is down: the codes exist once the batch
commits and are shown only on the page that answers, so a refused email must not turn
that page into an error (the codes would be stored and shown to no one)."""

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from feedback.models import EvaluationCode

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_the_codes_are_shown_when_their_email_cannot_leave(
    client_as, complaint_officer, carta, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "feedback.tests.test_evaluation_codes_mail_down.RefusingBackend"
    client = client_as(complaint_officer)
    client.raise_request_exception = False
    with django_capture_on_commit_callbacks(execute=True):
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
