"""Notifications: stored in the recipient's language, emailed and pushed after commit."""

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.core import mail
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carta.asgi import application
from carta.models import Notification
from carta.services import notify

pytestmark = pytest.mark.django_db


def send(recipients, **kwargs):
    return notify(
        recipients=recipients,
        kind="test",
        title=_("Motivo: %(reason)s."),
        params={"reason": "Orti sociali"},
        url="/proposte/1/",
        **kwargs,
    )


def test_notify_writes_one_row_per_person_in_their_language(
    citizen, moderator, django_capture_on_commit_callbacks
):
    moderator.preferred_language = "en"
    moderator.save()
    with django_capture_on_commit_callbacks(execute=True):
        send([citizen, moderator, citizen])
    rows = {n.recipient.username: n.title for n in Notification.objects.select_related("recipient")}
    assert rows["cittadina"] == "Motivo: Orti sociali."
    assert rows["moderatore"] == "Reason: Orti sociali."
    assert sorted(m.to[0] for m in mail.outbox) == sorted([citizen.email, moderator.email])


def test_no_email_leaves_before_the_commit(citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send([citizen])
    assert mail.outbox == [] and len(callbacks) == 1


def test_the_actor_is_not_notified_of_their_own_action(citizen, moderator):
    send([citizen, moderator], exclude=moderator)
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["cittadina"]


def test_api_lists_only_ones_own_notifications_and_marks_them_read(api_as, citizen, moderator):
    send([citizen, moderator])
    client = api_as(citizen)
    body = client.get("/api/v1/notifications/").json()
    assert body["count"] == 1 and body["results"][0]["read"] is False
    other = Notification.objects.get(recipient=moderator)
    assert client.get(f"/api/v1/notifications/{other.pk}/").status_code == 404
    marked = client.post("/api/v1/notifications/read/", {}, format="json").json()
    assert marked == {"marked": 1, "unread": 0}
    assert Notification.objects.get(recipient=moderator).read_at is None


def test_notifications_page_shows_and_marks_read(client_as, citizen):
    send([citizen])
    client = client_as(citizen)
    page = client.get(reverse("notifications"))
    assert page.context["unread"] == 1
    assert "Orti sociali" in page.content.decode()
    client.post(reverse("notifications_read"))
    assert Notification.objects.get().read_at is not None


def _session_headers(client, user, origin=b"http://testserver"):
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    return [(b"cookie", cookie), (b"origin", origin), (b"host", b"testserver")]


@pytest.mark.django_db(transaction=True)
def test_a_notification_arrives_live_over_the_websocket(client, citizen):
    headers = _session_headers(client, citizen)

    async def scenario():
        socket = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
        connected, _code = await socket.connect()
        assert connected
        from asgiref.sync import sync_to_async

        await sync_to_async(send)([citizen])
        message = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return message

    message = async_to_sync(scenario)()
    assert message["type"] == "notification"
    assert message["title"] == "Motivo: Orti sociali."
    assert message["unread"] == 1


@pytest.mark.django_db(transaction=True)
def test_websocket_refuses_anonymous_visitors():
    async def scenario():
        socket = WebsocketCommunicator(
            application, "/ws/notifications/", headers=[(b"origin", b"http://testserver")]
        )
        connected, code = await socket.connect()
        return connected, code

    connected, code = async_to_sync(scenario)()
    assert not connected and code == 4403


@pytest.mark.django_db(transaction=True)
def test_websocket_refuses_a_foreign_origin(client, citizen):
    headers = _session_headers(client, citizen, origin=b"http://evil.example")

    async def scenario():
        socket = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
        connected, _code = await socket.connect()
        return connected

    assert async_to_sync(scenario)() is False
