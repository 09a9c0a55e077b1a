"""The emails ``notify`` sends after the commit: a title that quotes text someone typed
with a line break (an organization's name, a proposal's title given through the API)
still makes a one-line subject, instead of failing every email after it."""

import pytest
from django.core import mail
from django.utils.translation import gettext_lazy as _

from carta.models import Notification
from carta.services import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_title_with_a_line_break_is_emailed_on_one_line(
    citizen, django_capture_on_commit_callbacks
):
    other = UserFactory(username="secondo")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[citizen, other],
            kind="proposal.publish",
            title=_("Proposta «%(title)s»: Pubblicata"),
            params={"title": "Orti\r\nBcc: spia@example.org"},
            url="/proposte/1/",
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([citizen.email, other.email])
    for message in mail.outbox:
        assert "\n" not in message.subject and "\r" not in message.subject
        assert message.subject.endswith("Proposta «Orti Bcc: spia@example.org»: Pubblicata")
        assert message.bcc == []
    assert Notification.objects.count() == 2
