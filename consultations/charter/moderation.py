"""Comments and amendments of the Carta are flaggable through the core's moderation
(``carta.moderation``): flags, hiding with a public reason, the public log. This module
only tells it who may see which object, who wrote it and where it is shown."""

from __future__ import annotations

from django.db.models import QuerySet

from carta import moderation
from consultations.charter import permissions as perms
from consultations.charter.models import Amendment, Comment


def _visible(model) -> callable:
    def visible_to(user) -> QuerySet:
        return model.objects.filter(revision__in=perms.revisions_visible_to(user)).select_related(
            "revision"
        )

    return visible_to


def register_models() -> None:
    for model in (Comment, Amendment):
        moderation.register(
            model,
            visible_to=_visible(model),
            authors_of=lambda obj: [obj.author],
            url_of=lambda obj: obj.get_absolute_url(),
            label_of=lambda obj: str(obj)[:255],
        )
