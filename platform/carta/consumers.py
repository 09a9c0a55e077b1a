"""Websocket consumers of the platform core."""

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from carta.events import notifications_group


class EventConsumer(AsyncJsonWebsocketConsumer):
    """Base: forwards every ``event.message`` sent to the socket's groups as JSON.

    Subclasses decide in ``get_groups`` which groups the connecting user may join, with
    the same permission functions the API uses, and return None to refuse.
    """

    groups_joined: list[str]

    async def get_groups(self) -> list[str] | None:
        raise NotImplementedError

    async def connect(self):
        groups = await self.get_groups()
        if not groups:
            await self.close(code=4403)
            return
        self.groups_joined = groups
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        # Sockets are read-only: clients act through the API.
        return

    async def event_message(self, message):
        await self.send_json(message["payload"])


class NotificationConsumer(EventConsumer):
    """``/ws/notifications/``: the signed-in person's own notifications."""

    async def get_groups(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return None
        return [notifications_group(user.pk)]
