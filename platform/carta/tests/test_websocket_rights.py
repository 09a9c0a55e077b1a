"""A socket's rights are checked at the handshake only: when they change (a member
removed from the network) or the person signs out, their open sockets are closed, and
the pages' reconnection checks the rights afresh."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse

from carta.asgi import application
from carta.consumers import RIGHTS_CHANGED
from carta.events import close_sockets_of
from tests.factories import UserFactory, carta_revision

pytestmark = pytest.mark.django_db(transaction=True)


def _headers(client, user):
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    return [(b"cookie", cookie), (b"origin", b"http://testserver"), (b"host", b"testserver")]


def _open_sockets(paths_by_person):
    """Open each person's sockets, run ``action`` (sync), and return for every socket
    whether it was closed and with which code."""

    async def scenario(action):
        sockets = []
        for headers, paths in paths_by_person:
            for path in paths:
                socket = WebsocketCommunicator(application, path, headers=headers)
                connected, _code = await socket.connect()
                assert connected, path
                sockets.append((path, socket))
        await sync_to_async(action)()
        outcome = []
        for path, socket in sockets:
            if await socket.receive_nothing(timeout=0.3):
                outcome.append((path, None))
            else:
                message = await socket.receive_output(timeout=1)
                outcome.append((path, message["type"], message.get("code")))
            await socket.disconnect()
        return outcome

    return lambda action: async_to_sync(scenario)(action)


def test_signing_out_closes_the_persons_sockets_and_no_one_elses(client, citizen):
    revision = carta_revision(1, "in_consultation")
    mine = ["/ws/notifications/", f"/ws/carta/revisions/{revision.pk}/"]
    other_client = Client()
    run = _open_sockets(
        [(_headers(client, citizen), mine), (_headers(other_client, UserFactory()), mine)]
    )

    outcome = run(lambda: client.post(reverse("logout")))

    closed = ("websocket.close", RIGHTS_CHANGED)
    assert outcome == [
        (mine[0], *closed),
        (mine[1], *closed),
        (mine[0], None),
        (mine[1], None),
    ]


def test_close_sockets_of_closes_every_socket_of_the_people_named(client, citizen):
    revision = carta_revision(1, "in_consultation")
    paths = ["/ws/notifications/", f"/ws/carta/revisions/{revision.pk}/"]
    run = _open_sockets(
        [(_headers(client, citizen), paths), (_headers(Client(), UserFactory()), paths[:1])]
    )

    outcome = run(lambda: close_sockets_of([citizen.pk]))

    assert outcome == [
        (paths[0], "websocket.close", RIGHTS_CHANGED),
        (paths[1], "websocket.close", RIGHTS_CHANGED),
        (paths[0], None),
    ]


def test_sockets_are_closed_only_once_the_change_is_committed(
    client, citizen, django_capture_on_commit_callbacks
):
    from django.db import transaction

    run = _open_sockets([(_headers(client, citizen), ["/ws/notifications/"])])

    def rolled_back():
        with pytest.raises(RuntimeError), transaction.atomic():
            close_sockets_of([citizen.pk])
            raise RuntimeError("the change is not stored")

    assert run(rolled_back) == [("/ws/notifications/", None)]


def test_after_signing_out_the_notifications_socket_is_refused(client, citizen):
    headers = _headers(client, citizen)
    client.post(reverse("logout"))

    async def scenario():
        socket = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
        connected, code = await socket.connect()
        return connected, code

    assert async_to_sync(scenario)() == (False, 4403)
