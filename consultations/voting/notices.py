"""Notices of the voting app: a consultation opened, a day is left to vote.

Run from a scheduler (``carta consultation_notices``) every few minutes: each notice is
sent once, because the consultation remembers it (a conditional UPDATE claims it before
sending), the electorate of consultations closed since the last run is frozen, and the
ballots of secret ones are sealed (``results.seal_ballots``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from carta.dates import on_datetime_lazy
from carta.services import notify
from consultations.voting import permissions as perms
from consultations.voting.models import Consultation, Electorate, Secrecy
from consultations.voting.results import SEAL_DELAY, freeze_electorate, seal_ballots

OPENING_TITLE = gettext_lazy("È aperta la consultazione «%(title)s»")
OPENING_BODY = gettext_lazy("Puoi votare fino %(closes)s.")
CLOSING_TITLE = gettext_lazy("Ultimo giorno per votare: «%(title)s»")
CLOSING_BODY = gettext_lazy(
    "La consultazione chiude %(closes_on)s. Se non hai ancora votato, puoi farlo ora."
)


def _voters_of(consultation: Consultation):
    people = get_user_model().objects.none()
    if Electorate.CITIZENS in consultation.voter_kinds:
        people = get_user_model().objects.filter(is_active=True)
    elif Electorate.ORGANIZATIONS in consultation.voter_kinds:
        people = perms.organization_voters()
    return people.only("pk", "email", "preferred_language", "is_active")


def _notice(consultation: Consultation, kind: str, title, body) -> list:
    # Formatted in each recipient's language: "fino all'8 ottobre 2026 alle 18:00".
    closes = timezone.localtime(consultation.closes_at)
    return notify(
        recipients=_voters_of(consultation),
        kind=kind,
        title=title,
        body=body,
        url=consultation.get_absolute_url(),
        params={
            "title": consultation.title,
            "closes": on_datetime_lazy(closes, "al"),
            "closes_on": on_datetime_lazy(closes, "il"),
        },
    )


def _claim(consultation: Consultation, field: str, now: datetime) -> bool:
    """Mark the notice as sent unless another run did (one conditional UPDATE)."""
    claimed = Consultation.objects.filter(pk=consultation.pk, **{f"{field}__isnull": True})
    return bool(claimed.update(**{field: now}))


def send_consultation_notices(*, now: datetime | None = None) -> dict[str, int]:
    """Tell those who may vote that a consultation opened, and a day before it closes;
    freeze the electorate of consultations that closed and seal the ballots of secret
    ones that closed ``SEAL_DELAY`` ago. Returns how many of each."""
    now = now or timezone.now()
    sent = {"opening": 0, "closing": 0, "frozen": 0, "sealed": 0}
    open_now = Consultation.objects.filter(
        opens_at__lte=now, closes_at__gt=now, closed_early_at__isnull=True
    )
    for consultation in open_now.filter(opening_notice_sent_at__isnull=True):
        with transaction.atomic():
            if _claim(consultation, "opening_notice_sent_at", now):
                sent["opening"] += len(
                    _notice(consultation, "consultation.opened", OPENING_TITLE, OPENING_BODY)
                )
    for consultation in open_now.filter(
        closes_at__lte=now + timedelta(days=1), closing_notice_sent_at__isnull=True
    ):
        with transaction.atomic():
            if _claim(consultation, "closing_notice_sent_at", now):
                sent["closing"] += len(
                    _notice(consultation, "consultation.closing", CLOSING_TITLE, CLOSING_BODY)
                )
    for consultation in Consultation.objects.filter(electorate_frozen_at__isnull=True).exclude(
        closes_at__gt=now, closed_early_at__isnull=True
    ):
        sent["frozen"] += int(freeze_electorate(consultation, now=now))
    sealed_before = now - SEAL_DELAY
    for consultation in Consultation.objects.filter(
        Q(closes_at__lte=sealed_before) | Q(closed_early_at__lte=sealed_before),
        secrecy=Secrecy.SECRET,
        ballots_sealed_at__isnull=True,
    ):
        sent["sealed"] += int(seal_ballots(consultation, now=now))
    return sent
