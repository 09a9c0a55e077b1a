"""The daily digest (``carta send_digest``) under failure and concurrency: a digest that
could not be sent (the mail server down, a crash half-way through the run) is neither lost
nor sent twice by the next run, and two runs at once send each person's day once."""

import threading
import time

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carta.digest import send_digests
from carta.models import DigestItem, EmailDelivery, NotificationSettings
from carta.preferences import set_notification_preferences
from carta.services import notify
from tests.concurrency import run_together
from tests.factories import UserFactory

_failing: set[str] = set()
_crashing: set[str] = set()
_slow = threading.Event()


class FlakyBackend(LocmemBackend):
    """The locmem outbox, with a mail server that refuses some addresses (``OSError``,
    as SMTP does), crashes on others (anything else: the run dies half-way), or answers
    slowly (so that two runs overlap)."""

    def send_messages(self, messages):
        for message in messages:
            if set(message.to) & _failing:
                raise ConnectionRefusedError("mail server down")
            if set(message.to) & _crashing:
                raise RuntimeError("the run died here")
        if _slow.is_set():
            time.sleep(0.3)
        return super().send_messages(messages)


@pytest.fixture(autouse=True)
def flaky_mail(settings):
    settings.EMAIL_BACKEND = "carta.tests.test_digest.FlakyBackend"
    _failing.clear()
    _crashing.clear()
    _slow.clear()
    yield
    _failing.clear()
    _crashing.clear()
    _slow.clear()


def _daily(username, email):
    person = UserFactory(username=username, email=email, first_name="Anna", last_name="Rossi")
    set_notification_preferences(actor=person, email_delivery=EmailDelivery.DAILY)
    return person


def _queue(people, n=2):
    for i in range(n):
        notify(
            recipients=people,
            kind="proposal.publish",
            title=_("Proposta «%(title)s»: Pubblicata"),
            params={"title": f"Orti sociali {i}"},
            url="/proposte/1/",
        )


def _unsent(person):
    return DigestItem.objects.filter(recipient=person, sent_at__isnull=True).count()


@pytest.mark.django_db
def test_a_digest_the_mail_server_refused_is_kept_for_the_next_run():
    anna = _daily("anna", "anna@example.org")
    _queue([anna])
    _failing.add("anna@example.org")
    assert send_digests() == {"emails": 0, "items": 0}
    assert mail.outbox == []
    # Nothing was lost: the items wait, and the day is not taken.
    assert _unsent(anna) == 2
    assert NotificationSettings.objects.get(user=anna).digest_sent_on is None
    _failing.clear()
    assert send_digests() == {"emails": 1, "items": 2}
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]
    assert _unsent(anna) == 0
    assert send_digests() == {"emails": 0, "items": 0}
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_run_that_dies_half_way_loses_nothing_and_sends_nothing_twice():
    anna = _daily("anna", "anna@example.org")
    bruno = _daily("bruno", "bruno@example.org")
    _queue([anna, bruno])
    first, second = sorted([anna, bruno], key=lambda p: p.pk)
    _crashing.add(second.email)
    with pytest.raises(RuntimeError):
        send_digests()
    # The first person's digest left and is recorded; the second's is intact.
    assert [m.to for m in mail.outbox] == [[first.email]]
    assert (_unsent(first), _unsent(second)) == (0, 2)
    assert NotificationSettings.objects.get(user=second).digest_sent_on is None
    _crashing.clear()
    assert send_digests() == {"emails": 1, "items": 2}
    assert [m.to for m in mail.outbox] == [[first.email], [second.email]]


@pytest.mark.django_db
def test_the_digest_greets_the_person_and_keeps_the_choice_of_delivery():
    anna = _daily("anna", "anna@example.org")
    _queue([anna], n=1)
    send_digests()
    assert mail.outbox[0].body.startswith("Gentile Anna Rossi,")
    assert "- Proposta «Orti sociali 0»: Pubblicata" in mail.outbox[0].body
    settings_row = NotificationSettings.objects.get(user=anna)
    assert (settings_row.email_delivery, settings_row.digest_sent_on) == (
        EmailDelivery.DAILY,
        timezone.localdate(),
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_persons_day_once():
    people = [_daily(f"persona{i}", f"persona{i}@example.org") for i in range(6)]
    _queue(people)
    _slow.set()
    outcomes = run_together([send_digests, send_digests, send_digests])
    assert all(isinstance(o, dict) for o in outcomes), outcomes
    assert sum(o["emails"] for o in outcomes) == len(people), outcomes
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert not DigestItem.objects.filter(sent_at__isnull=True).exists()
