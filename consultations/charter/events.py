"""Websocket events of the Carta: their shapes, declared once, and the group names."""

from __future__ import annotations

from typing import TypedDict

from carta.events import broadcast_on_commit


class CommentEvent(TypedDict):
    type: str  # "comment.posted"
    id: int
    revision: int
    section_key: str
    parent: int | None
    signed_as: str
    body: str
    quote: str
    created_at: str
    url: str


def revision_group(revision_id: int) -> str:
    return f"carta.revision.{revision_id}"


def comment_posted(comment) -> None:
    """Tell the readers of the comment's revision, after the commit. The payload holds
    only what the revision's public comment list shows."""
    event: CommentEvent = {
        "type": "comment.posted",
        "id": comment.pk,
        "revision": comment.revision_id,
        "section_key": comment.section_key,
        "parent": comment.parent_id,
        "signed_as": comment.signed_as,
        "body": comment.body,
        "quote": comment.quote,
        "created_at": comment.created_at.isoformat(),
        "url": comment.get_absolute_url(),
    }
    broadcast_on_commit(revision_group(comment.revision_id), dict(event))
