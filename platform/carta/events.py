"""Websocket events: their shapes, declared once, and the one helper that sends them.

Services never send inside a transaction: they call ``broadcast_on_commit`` so that a
subscriber is told only about what is stored. Consumers receive every event through
their ``event_message`` handler and forward its payload unchanged.
"""

from __future__ import annotations

import logging
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


def broadcast(group: str, payload: dict) -> None:
    """Send ``payload`` to every socket in ``group`` now.

    A channel layer that is down (Redis stopped) must not fail the request that caused
    the event: the change is stored, and clients catch up on their next read.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, {"type": "event.message", "payload": payload})
    except Exception:  # noqa: BLE001 - any layer failure is logged and swallowed, see above
        logger.warning("could not broadcast to %s", group, exc_info=True)


def broadcast_on_commit(group: str, payload: dict) -> None:
    transaction.on_commit(lambda: broadcast(group, payload))
