"""Websocket consumers of the platform core."""

import logging

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from carta.events import notifications_group, sockets_group
from carta.resilience import is_connection_error

logger = logging.getLogger(__name__)

# Close code for "the live channel is away, try again later" (the pages reconnect).
UNAVAILABLE = 4503
# Close code for a websocket path that serves nothing.
NO_SUCH_CHANNEL = 4404
# Close code for "your rights changed": the pages reconnect, and the handshake checks the
# rights afresh (refusing with 4403 what may no longer be read).
RIGHTS_CHANGED = 4401


class EventConsumer(AsyncJsonWebsocketConsumer):
    """Base: forwards every ``event.message`` sent to the socket's groups as JSON.

    Subclasses decide in ``get_groups`` which groups the connecting user may join, with
    the same permission functions the API uses, and return None to refuse. The socket of
    a signed-in person also joins their ``sockets_group``, through which
    ``carta.events.close_sockets_of`` closes it when their rights change.
    """

    groups_joined: list[str]

    async def get_groups(self) -> list[str] | None:
        raise NotImplementedError

    async def connect(self):
        groups = await self.get_groups()
        if not groups:
            await self.close(code=4403)
            return
        user = self.scope.get("user")
        if user is not None and user.is_authenticated:
            groups = [*groups, sockets_group(user.pk)]
        try:
            for group in groups:
                await self.channel_layer.group_add(group, self.channel_name)
        except Exception as error:  # noqa: BLE001 - redis-py raises several kinds
            if not is_connection_error(error):
                raise
            # Redis away: refuse the handshake cleanly instead of a 500; the page retries.
            logger.warning("channel layer unavailable: %s", error)
            await self.close(code=UNAVAILABLE)
            return
        self.groups_joined = groups
        await self.accept()

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception as error:  # noqa: BLE001 - the membership expires by itself
                if not is_connection_error(error):
                    raise

    async def receive_json(self, content, **kwargs):
        # Sockets are read-only: clients act through the API.
        return

    async def event_message(self, message):
        await self.send_json(message["payload"])

    async def sockets_close(self, message):
        await self.close(code=RIGHTS_CHANGED)


class NotificationConsumer(EventConsumer):
    """``/ws/notifications/``: the signed-in person's own notifications."""

    async def get_groups(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return None
        return [notifications_group(user.pk)]


class UnknownChannelConsumer(EventConsumer):
    """Every websocket path that no app serves: the handshake is refused with 4404
    (without it the router raises, and the server answers a 500 with a traceback)."""

    async def get_groups(self):
        return None

    async def connect(self):
        await self.close(code=NO_SUCH_CHANNEL)
