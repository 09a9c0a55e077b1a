"""What feedback shows in the personal area (``carta.personal_area``): the complaints the
person sent while signed in, with their state and the deadline for the answer."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from carta import personal_area
from carta.permissions import is_signed_in
from feedback import permissions as perms


def complaints_section(user, limit: int | None) -> dict | None:
    """The latest complaints (three queries at most: the officers' check, cached on the
    person, the rows, the count)."""
    if not is_signed_in(user):
        return None
    mine = perms.complaints_visible_to(user).filter(submitted_by=user)
    total = mine.count()
    if not total:
        return None
    rows = mine.order_by("-received_at", "-id")
    return {"complaints": list(rows[:limit] if limit else rows), "total": total}


def register() -> None:
    personal_area.register_section(
        "complaints",
        title=gettext_lazy("I miei reclami"),
        template="feedback/personal_area/complaints.html",
        build=complaints_section,
        order=50,
    )
