"""Websocket events: their shapes, declared once, and the one helper that sends them.

Services never send inside a transaction: they call ``broadcast_on_commit`` so that a
subscriber is told only about what is stored. Consumers receive every event through
their ``event_message`` handler and forward its payload unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TypedDict

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


class NotificationEvent(TypedDict):
    type: str  # "notification"
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: str
    unread: int


def notifications_group(user_id: int) -> str:
    return f"user.{user_id}.notifications"


def sockets_group(user_id: int) -> str:
    """Every open socket of a signed-in person, whatever it follows (see close_sockets_of)."""
    return f"user.{user_id}.sockets"


def _group_send(group: str, message: dict) -> None:
    """Send ``message`` to every socket in ``group`` now.

    A channel layer that is down (Redis stopped) must not fail the request that caused
    the event: the change is stored, and clients catch up on their next read.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:  # noqa: BLE001 - any layer failure is logged and swallowed, see above
        logger.warning("could not send to %s", group, exc_info=True)


def broadcast(group: str, payload: dict) -> None:
    """Send ``payload`` to every socket in ``group`` now."""
    _group_send(group, {"type": "event.message", "payload": payload})


def broadcast_on_commit(group: str, payload: dict) -> None:
    transaction.on_commit(lambda: broadcast(group, payload))


def close_sockets_of(user_ids: Iterable[int]) -> None:
    """Once the current transaction commits, close every open socket of these people.

    A socket's rights are checked at its handshake only; services call this when a
    person's rights shrink (removed from an organization, signed out), and the pages'
    reconnection checks them afresh. One channel-layer message per person.
    """
    groups = [sockets_group(user_id) for user_id in sorted(set(user_ids))]

    def send():
        for group in groups:
            _group_send(group, {"type": "sockets.close"})

    transaction.on_commit(send)
