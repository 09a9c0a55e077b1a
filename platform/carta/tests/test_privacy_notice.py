"""The privacy notice states the retention periods the code applies, from the same
function (``carta.privacy.retention_periods``) or settings the code reads."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from carta import privacy
from feedback import services as feedback_services
from feedback.models import Complaint, ComplaintStatus
from tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def _row(html: str, key: str) -> str:
    start = html.index(f'id="retention-{key}"')
    return html[start : html.index("</tr>", start)]


def test_the_notice_lists_every_retention_period(client):
    html = client.get(reverse("privacy")).content.decode()
    for period in privacy.retention_periods():
        assert f'id="retention-{period.key}"' in html
    assert "365 giorni dalla chiusura" in _row(html, "complaint_contacts")
    assert "30 giorni" in _row(html, "tokens")
    assert "14 giorni" in _row(html, "sessions")
    assert "60 minuti" in _row(html, "addresses")
    assert reverse("my_data") in html


def test_a_changed_setting_changes_the_notice_and_the_anonymization(client, settings):
    settings.CARTA_ANONYMIZE_AFTER_DAYS = 90
    settings.CARTA_TOKEN_DAYS = 7
    settings.SESSION_COOKIE_AGE = 3 * 86400
    settings.CARTA_LOGIN_ACCOUNT_RATE = (20, 7200)
    html = client.get(reverse("privacy")).content.decode()
    assert "90 giorni dalla chiusura" in _row(html, "complaint_contacts")
    assert "7 giorni" in _row(html, "tokens")
    assert "3 giorni" in _row(html, "sessions")
    assert "120 minuti" in _row(html, "addresses")
    assert privacy.retention("complaint_contacts").days == 90

    # The scheduled anonymization reads the same period: closed 91 days ago goes, 89 stays.
    now = timezone.now()
    old = ComplaintFactory(status=ComplaintStatus.CLOSED, closed_at=now - datetime.timedelta(91))
    recent = ComplaintFactory(
        status=ComplaintStatus.CLOSED, closed_at=now - datetime.timedelta(days=89)
    )
    assert feedback_services.anonymize_after_days() == 90
    assert feedback_services.anonymize_complaints() == 1
    assert Complaint.objects.get(pk=old.pk).contact_name == ""
    assert Complaint.objects.get(pk=recent.pk).contact_name == "Rosa Marchetti"
