"""``/ws/carta/revisions/<id>/``: new comments on a revision, for whoever may read it."""

from __future__ import annotations

from channels.db import database_sync_to_async

from carta.consumers import EventConsumer
from consultations.charter import permissions as perms
from consultations.charter.events import revision_group


class RevisionCommentsConsumer(EventConsumer):
    """Joins the revision's group when the user may read the revision (the predicate the
    API uses); a hidden draft is refused like a missing one."""

    @database_sync_to_async
    def _allowed(self, pk: int) -> bool:
        return perms.revisions_visible_to(self.scope.get("user")).filter(pk=pk).exists()

    async def get_groups(self):
        pk = self.scope["url_route"]["kwargs"]["pk"]
        if not await self._allowed(pk):
            return None
        return [revision_group(pk)]
