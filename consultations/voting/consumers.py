"""``/ws/consultations/<id>/``: turnout and, where visible, the live tally."""

from __future__ import annotations

from channels.db import database_sync_to_async

from carta.consumers import EventConsumer
from consultations.voting import live
from consultations.voting import permissions as perms
from consultations.voting.events import consultation_group


class ConsultationConsumer(EventConsumer):
    """Anyone who may see the consultation (the same predicate as the API) may follow it;
    every subscriber gets the same payload, which shows only what the public API shows."""

    @database_sync_to_async
    def _allowed(self, pk: int) -> bool:
        return perms.can_view(self.scope.get("user"), pk)

    async def get_groups(self):
        pk = self.scope["url_route"]["kwargs"]["pk"]
        if not await self._allowed(pk):
            return None
        return [consultation_group(pk)]

    async def connect(self):
        await super().connect()
        if getattr(self, "groups_joined", None):
            event = await database_sync_to_async(live.snapshot)(
                self.scope["url_route"]["kwargs"]["pk"]
            )
            if event is not None:
                await self.send_json(dict(event))
