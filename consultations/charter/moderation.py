"""Comments and amendments of the Carta are flaggable through the core's moderation
(``carta.moderation``): flags, hiding with a public reason, the public log. This module
only tells it who may see which object, who wrote it, where it is shown and how the
public log names it."""

from __future__ import annotations

from carta import moderation
from consultations.charter import permissions as perms
from consultations.charter.models import Amendment, AmendmentKind, Comment


def _with_revision(visible_to):
    """``visible_to`` with the revision each object's address is built from."""
    return lambda user: visible_to(user).select_related("revision")


def _comment_label(comment: Comment) -> str:
    """The number and section's heading, never the author or the text (one query)."""
    heading = comment.revision.sections.filter(key=comment.section_key).values_list(
        "heading", flat=True
    )
    return comment.public_label(heading.first() or "")


def _amendment_label(amendment: Amendment) -> str:
    """The number and the heading or service's title (one query)."""
    if amendment.kind == AmendmentKind.SERVICE:
        targets = amendment.revision.services.values_list("title", flat=True)
    else:
        targets = amendment.revision.sections.values_list("heading", flat=True)
    return amendment.public_label(targets.filter(key=amendment.target_key).first() or "")


def register_models() -> None:
    for model, visible_to, label_of in (
        (Comment, perms.comments_visible_to, _comment_label),
        (Amendment, perms.amendments_visible_to, _amendment_label),
    ):
        moderation.register(
            model,
            visible_to=_with_revision(visible_to),
            authors_of=lambda obj: [obj.author],
            url_of=lambda obj: obj.get_absolute_url(),
            label_of=label_of,
        )
