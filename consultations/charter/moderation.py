"""Comments and amendments of the Carta are flaggable through the core's moderation
(``carta.moderation``): flags, hiding with a public reason, the public log. This module
only tells it who may see which object, who wrote it and where it is shown."""

from __future__ import annotations

from carta import moderation
from consultations.charter import permissions as perms
from consultations.charter.models import Amendment, Comment


def _with_revision(visible_to):
    """``visible_to`` with the revision each object's address is built from."""
    return lambda user: visible_to(user).select_related("revision")


def register_models() -> None:
    for model, visible_to in (
        (Comment, perms.comments_visible_to),
        (Amendment, perms.amendments_visible_to),
    ):
        moderation.register(
            model,
            visible_to=_with_revision(visible_to),
            authors_of=lambda obj: [obj.author],
            url_of=lambda obj: obj.get_absolute_url(),
            label_of=lambda obj: str(obj)[:255],
        )
