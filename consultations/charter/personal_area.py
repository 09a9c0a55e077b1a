"""What the Carta shows in the personal area (``carta.personal_area``), the person's
comments and their outcomes, and how a revision is followed (``carta.follows``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from carta import follows, personal_area
from carta.permissions import is_signed_in
from consultations.charter import permissions as perms
from consultations.charter.models import Comment, Revision


def comments_section(user, limit: int | None) -> dict | None:
    """The person's latest comments (not replies) on the revisions they may read, with
    the outcome the editors recorded (two queries: the rows with their revision, the
    count)."""
    if not is_signed_in(user):
        return None
    mine = Comment.objects.filter(
        author=user, parent__isnull=True, revision__in=perms.revisions_visible_to(user)
    )
    total = mine.count()
    if not total:
        return None
    rows = mine.select_related("revision").order_by("-created_at", "-id")
    return {"comments": list(rows[:limit] if limit else rows), "total": total}


FOLLOWED_VERBS = {
    "carta.draft_shared": gettext_lazy("La bozza è stata condivisa con la rete."),
    "carta.consultation_opened": gettext_lazy("La revisione è aperta alla consultazione."),
    "carta.consultation_extended": gettext_lazy("La consultazione sulla revisione è prorogata."),
    "carta.adopted": gettext_lazy("La revisione è stata adottata."),
    "carta.took_effect": gettext_lazy("La revisione è entrata in vigore."),
}


def register() -> None:
    personal_area.register_section(
        "carta_comments",
        title=gettext_lazy("I miei commenti alla Carta"),
        template="consultations/personal_area/comments.html",
        build=comments_section,
        order=30,
    )
    follows.register(
        Revision,
        kind="follow.revision",
        visible_to=perms.revisions_visible_to,
        verbs=FOLLOWED_VERBS,
        label=lambda revision: revision.title or str(revision),
        noun=gettext_lazy("revisione della Carta"),
    )
