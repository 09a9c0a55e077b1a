"""Notification preferences: per kind, in the app and by email; emails at once, as a
daily digest (``carta send_digest``, once a day) or none; the page and the API."""

import datetime
import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carta import notification_kinds
from carta.digest import send_digests
from carta.models import (
    DigestItem,
    EmailDelivery,
    Notification,
    NotificationPreference,
    NotificationSettings,
)
from carta.preferences import set_notification_preferences
from carta.services import notify

pytestmark = pytest.mark.django_db

KIND = "proposal.publish"


def send(recipients, kind=KIND, **kwargs):
    return notify(
        recipients=recipients,
        kind=kind,
        title=_("Proposta «%(title)s»: Pubblicata"),
        body=_("%(title)s è ora pubblicata."),
        params={"title": "Orti sociali"},
        url="/proposte/1/",
        **kwargs,
    )


def test_with_no_choice_a_notification_is_shown_and_emailed(
    citizen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send([citizen])
    assert Notification.objects.filter(recipient=citizen, kind=KIND).count() == 1
    assert [m.to for m in mail.outbox] == [[citizen.email]]
    assert mail.outbox[0].subject.endswith("Proposta «Orti sociali»: Pubblicata")


def test_in_app_off_writes_no_row_but_the_email_still_leaves(
    citizen, django_capture_on_commit_callbacks
):
    set_notification_preferences(actor=citizen, kinds={KIND: {"in_app": False}})
    with django_capture_on_commit_callbacks(execute=True):
        send([citizen])
    assert not Notification.objects.filter(recipient=citizen).exists()
    assert len(mail.outbox) == 1 and "Orti sociali è ora pubblicata." in mail.outbox[0].body


def test_email_off_keeps_the_row_and_sends_nothing(
    citizen, moderator, django_capture_on_commit_callbacks
):
    set_notification_preferences(actor=citizen, kinds={KIND: {"email": False}})
    with django_capture_on_commit_callbacks(execute=True):
        send([citizen, moderator])
    assert Notification.objects.filter(kind=KIND).count() == 2
    assert [m.to for m in mail.outbox] == [[moderator.email]]


def test_both_off_leaves_nothing_and_other_kinds_are_untouched(
    citizen, django_capture_on_commit_callbacks
):
    set_notification_preferences(actor=citizen, kinds={KIND: {"in_app": False, "email": False}})
    with django_capture_on_commit_callbacks(execute=True):
        send([citizen])
        send([citizen], kind="proposal.accept")
    assert list(Notification.objects.values_list("kind", flat=True)) == ["proposal.accept"]
    assert len(mail.outbox) == 1


def test_no_email_at_all_stops_every_email_and_queues_nothing(
    citizen, django_capture_on_commit_callbacks
):
    set_notification_preferences(actor=citizen, email_delivery=EmailDelivery.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        send([citizen])
    assert Notification.objects.filter(recipient=citizen).count() == 1
    assert mail.outbox == [] and not DigestItem.objects.exists()


def test_a_default_choice_leaves_no_row(citizen):
    set_notification_preferences(actor=citizen, kinds={KIND: {"email": False}})
    assert NotificationPreference.objects.filter(user=citizen).count() == 1
    set_notification_preferences(actor=citizen, kinds={KIND: {"email": True}})
    assert not NotificationPreference.objects.filter(user=citizen).exists()


# --- The daily digest ----------------------------------------------------------------


def test_the_digest_sends_the_days_notifications_once(
    citizen, moderator, django_capture_on_commit_callbacks
):
    set_notification_preferences(actor=citizen, email_delivery=EmailDelivery.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        send([citizen, moderator])
        send([citizen], kind="proposal.accept")
        # The caller's email=False (a notice that is never emailed) queues nothing.
        send([citizen], kind="proposal.comment", email=False)
    # The rows are in the app at once; only the one who wanted emails at once got one.
    assert Notification.objects.filter(recipient=citizen).count() == 3
    assert [m.to for m in mail.outbox] == [[moderator.email]]
    assert DigestItem.objects.filter(recipient=citizen, sent_at__isnull=True).count() == 2
    mail.outbox.clear()

    assert send_digests() == {"emails": 1, "items": 2}
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [citizen.email]
    assert (
        re.search(r"Il tuo riepilogo (del \d|dell'(8|11) )", digest.subject)
        and "2 notifiche" in digest.subject
    )
    assert digest.body.count("- Proposta «Orti sociali»") == 2
    assert "http://testserver/proposte/1/" in digest.body or "/proposte/1/" in digest.body
    assert not DigestItem.objects.filter(sent_at__isnull=True).exists()
    assert NotificationSettings.objects.get(user=citizen).digest_sent_on == timezone.localdate()

    # A second run the same day sends nothing, even with something new queued.
    send([citizen])
    call_command("send_digest", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    assert len(mail.outbox) == 1
    assert DigestItem.objects.filter(sent_at__isnull=True).count() == 1
    # The next day it leaves.
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert send_digests(now=tomorrow) == {"emails": 1, "items": 1}
    assert len(mail.outbox) == 2


def test_the_digest_of_someone_who_chose_no_email_since_is_dropped(citizen):
    set_notification_preferences(actor=citizen, email_delivery=EmailDelivery.DAILY)
    send([citizen])
    set_notification_preferences(actor=citizen, email_delivery=EmailDelivery.NONE)
    assert send_digests() == {"emails": 0, "items": 0}
    assert mail.outbox == [] and not DigestItem.objects.filter(sent_at__isnull=True).exists()


# --- The page and the API --------------------------------------------------------------


def test_the_page_lists_every_kind_with_its_label_and_saves_the_choices(client_as, citizen):
    client = client_as(citizen)
    page = client.get("/notifiche/preferenze/").content.decode()
    assert "Modifiche richieste a una proposta" in page and "Un riepilogo al giorno" in page
    assert page.count('type="checkbox"') == 2 * len(notification_kinds.KINDS)
    data = {"email_delivery": "daily"}
    for key in notification_kinds.KINDS:
        data[f"in_app.{key}"] = "on"
        if key != "carta.reply":
            data[f"email.{key}"] = "on"
    del data[f"in_app.{KIND}"]
    response = client.post("/notifiche/preferenze/", data)
    assert response.status_code == 302
    assert NotificationSettings.objects.get(user=citizen).email_delivery == "daily"
    rows = dict(NotificationPreference.objects.filter(user=citizen).values_list("kind", "in_app"))
    assert rows == {KIND: False, "carta.reply": True}
    assert not NotificationPreference.objects.get(user=citizen, kind="carta.reply").email


def test_the_page_asks_to_sign_in(client):
    response = client.get("/notifiche/preferenze/")
    assert response.status_code == 302 and response["Location"].startswith("/accedi/")


def test_api_reads_and_changes_the_preferences(api_as, citizen):
    client = api_as(citizen)
    body = client.get("/api/v1/notifications/preferences/").json()
    assert body["email_delivery"] == "immediate"
    assert body["kinds"][KIND] == {
        "label": "Proposte pubblicate",
        "group": "Proposte progettuali",
        "in_app": True,
        "email": True,
    }
    changed = client.put(
        "/api/v1/notifications/preferences/",
        {"email_delivery": "daily", "kinds": {KIND: {"email": False}}},
        format="json",
    )
    assert changed.status_code == 200
    assert changed.json()["kinds"][KIND]["email"] is False
    assert changed.json()["kinds"][KIND]["in_app"] is True
    row = NotificationPreference.objects.get(user=citizen)
    assert (row.kind, row.in_app, row.email) == (KIND, True, False)
    assert NotificationSettings.objects.get(user=citizen).email_delivery == "daily"


def test_api_refuses_an_unknown_kind_and_changes_nothing(api_as, citizen):
    response = api_as(citizen).put(
        "/api/v1/notifications/preferences/",
        {"email_delivery": "none", "kinds": {KIND: {"email": False}, "inventato": {"email": 1}}},
        format="json",
    )
    assert response.status_code == 400
    assert "kinds.inventato" in response.json()["errors"]
    assert not NotificationPreference.objects.exists()
    assert not NotificationSettings.objects.exists()


def test_api_refuses_a_value_that_is_not_a_boolean_or_an_unknown_delivery(api_as, citizen):
    client = api_as(citizen)
    response = client.put(
        "/api/v1/notifications/preferences/",
        {"kinds": {KIND: {"email": "forse"}}},
        format="json",
    )
    assert response.status_code == 400 and f"kinds.{KIND}.email" in response.json()["errors"]
    response = client.put(
        "/api/v1/notifications/preferences/", {"email_delivery": "settimanale"}, format="json"
    )
    assert response.status_code == 400 and "email_delivery" in response.json()["errors"]


def test_api_asks_to_sign_in(api):
    assert api.get("/api/v1/notifications/preferences/").status_code == 401


ROOT = Path(__file__).resolve().parents[3]


def test_every_kind_the_code_sends_is_declared_with_a_label():
    """The literal kinds of every ``notify(...)`` call of the project's apps."""
    sent = set()
    for path in ROOT.glob("**/*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in {".venv", "bench", "devtools"} or "tests" in parts or "migrations" in parts:
            continue
        text = path.read_text()
        if "notify(" not in text:
            continue
        sent.update(re.findall(r'kind="([a-z_]+\.[a-z_]+)"', text))
    # Those built from a name (the proposal's actions, the organization's decisions).
    sent.discard("complaint.overdue")  # written as a conditional expression below
    sent.update({"complaint.overdue", "complaint.due_soon"})
    from proposals.states import TRANSITIONS

    sent.update(f"proposal.{action}" for action in TRANSITIONS)
    missing = sorted(sent - set(notification_kinds.KINDS))
    assert missing == [], f"declare in carta/notification_kinds.py: {missing}"
