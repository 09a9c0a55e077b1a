"""A socket's rights are checked at its handshake only (issue 14, item 6): a person who
leaves or is removed from an organization, whose role changes, or whose organization is
suspended or rejected has every open socket closed once the change is committed, and the
pages' reconnection checks the rights afresh. Other people's sockets stay open."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from carta.asgi import application
from carta.consumers import RIGHTS_CHANGED
from stakeholders import services
from stakeholders.models import OrganizationStatus, Role
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)

CLOSED = ("websocket.close", RIGHTS_CHANGED)


def closed_sockets(people, action) -> list:
    """Open a notifications socket for each person, run ``action``, and return for each
    whether its socket was closed (with the code) or stayed open (None), whatever
    notifications it was sent."""
    headers = []
    for person in people:
        client = Client()
        client.force_login(person)
        cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
        headers.append([(b"cookie", cookie), (b"origin", b"http://testserver")])

    async def scenario():
        sockets = []
        for person_headers in headers:
            socket = WebsocketCommunicator(application, "/ws/notifications/", person_headers)
            connected, _code = await socket.connect()
            assert connected
            sockets.append(socket)
        await sync_to_async(action)()
        outcome = []
        for socket in sockets:
            closed = None
            # An open socket may be sent notifications of the change; a closed one ends
            # with the close.
            while closed is None and not await socket.receive_nothing(timeout=0.3):
                message = await socket.receive_output(timeout=1)
                if message["type"] == "websocket.close":
                    closed = (message["type"], message.get("code"))
            outcome.append(closed)
            await socket.disconnect()
        return outcome

    return async_to_sync(scenario)()


def test_removing_a_member_closes_that_persons_sockets(org_a, rep_a, member_a, editor_a):
    outcome = closed_sockets(
        [member_a, editor_a],
        lambda: services.remove_member(actor=rep_a, organization=org_a, user=member_a),
    )
    assert outcome == [CLOSED, None]


def test_leaving_closes_the_sockets_of_who_leaves(org_a, member_a, editor_a):
    outcome = closed_sockets(
        [member_a, editor_a],
        lambda: services.leave_organization(actor=member_a, organization=org_a),
    )
    assert outcome == [CLOSED, None]


def test_a_role_change_closes_the_members_sockets(org_a, rep_a, editor_a, member_a):
    outcome = closed_sockets(
        [editor_a, member_a],
        lambda: services.change_role(
            actor=rep_a, organization=org_a, user=editor_a, role=Role.MEMBER
        ),
    )
    assert outcome == [CLOSED, None]


# The deciders are administrators: a transactional test flushes the moderators group
# that a data migration creates.
def test_suspending_closes_the_sockets_of_every_member_and_no_one_elses(
    org_a, rep_a, editor_a, member_a, member_b, admin
):
    outcome = closed_sockets(
        [rep_a, editor_a, member_a, member_b, admin],
        lambda: services.suspend_organization(actor=admin, organization=org_a, reason="x"),
    )
    assert outcome == [CLOSED, CLOSED, CLOSED, None, None]


def test_rejecting_closes_the_members_sockets_and_verifying_does_not(citizen, admin):
    pending = OrganizationFactory(status=OrganizationStatus.PENDING)
    MembershipFactory(user=citizen, organization=pending, role=Role.REPRESENTATIVE)
    other = OrganizationFactory(status=OrganizationStatus.PENDING)
    applicant = MembershipFactory(organization=other, role=Role.REPRESENTATIVE).user

    def decide():
        services.reject_organization(actor=admin, organization=pending, reason="Incompleta")
        services.verify_organization(actor=admin, organization=other)

    assert closed_sockets([citizen, applicant], decide) == [CLOSED, None]
