"""The votes on a revision of the Carta among what its adoption waits for: a
consultation on the revision that has not closed yet (open or still to open) is an open
item of ``consultations.charter.readiness``, registered by ``VotingConfig.ready`` (the
charter app may not import this one)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from consultations.charter import readiness
from consultations.voting.models import Consultation

KIND = "consultation_open"


def consultations_not_closed(revision) -> list[readiness.OpenItem]:
    now = timezone.now()
    pending = (
        Consultation.objects.filter(revision=revision, closes_at__gt=now)
        .filter(Q(closed_early_at__isnull=True) | Q(closed_early_at__gt=now))
        .order_by("opens_at", "pk")
    )
    return [
        readiness.OpenItem(
            KIND,
            consultation.pk,
            gettext("Consultazione «%(title)s»") % {"title": consultation.title},
            consultation.get_absolute_url(),
        )
        for consultation in pending
    ]


def describe(n: int) -> str:
    return ngettext(
        "%(n)s consultazione non ancora chiusa", "%(n)s consultazioni non ancora chiuse", n
    ) % {"n": n}


def register() -> None:
    readiness.register_open_items(KIND, consultations_not_closed, describe)
