"""What votes show in the personal area (``carta.personal_area``), the consultations the
person voted in, and how a consultation is followed (``carta.follows``).

A vote is shown by its register row only (that the person voted, and when): never the
choice, whatever the secrecy; a secret ballot adds the link that checks a receipt."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from carta import follows, personal_area
from carta.permissions import is_signed_in
from consultations.voting import permissions as perms
from consultations.voting.models import Consultation, Secrecy, VoterRecord


def ballots_section(user, limit: int | None) -> dict | None:
    """The latest register rows of the person, their own or cast for an organization
    (two queries: the rows with consultation and organization, the count)."""
    if not is_signed_in(user):
        return None
    mine = VoterRecord.objects.filter(voter=user)
    total = mine.count()
    if not total:
        return None
    rows = mine.select_related("consultation", "organization").order_by("-voted_at", "-id")
    return {
        "records": list(rows[:limit] if limit else rows),
        "total": total,
        "secret": Secrecy.SECRET,
    }


FOLLOWED_VERBS = {
    "consultation.changed": gettext_lazy("La consultazione è stata modificata."),
    "consultation.closed_early": gettext_lazy("La consultazione è stata chiusa in anticipo."),
}


def register() -> None:
    personal_area.register_section(
        "ballots",
        title=gettext_lazy("I miei voti"),
        template="voting/personal_area/ballots.html",
        build=ballots_section,
        order=40,
    )
    follows.register(
        Consultation,
        kind="follow.consultation",
        visible_to=lambda user: perms.consultations_visible_to(user),
        verbs=FOLLOWED_VERBS,
        label=lambda consultation: consultation.title,
        noun=gettext_lazy("consultazione"),
    )
