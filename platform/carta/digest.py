"""The daily digest: one email per person with the notifications queued for it
(``DigestItem``, written by ``notify`` for those who chose ``EmailDelivery.DAILY``).

``send_digests`` is the job of ``carta send_digest`` (daily, ``deploy/carta.cron``).

Each person's digest is one transaction that claims the day (a conditional update of
``NotificationSettings.digest_sent_on``, which locks the row), reads the items, sends
the email, marks the items sent and commits:

- two runs at once: the second waits on the row (PostgreSQL skips it when it is locked)
  and then finds the day taken, so each day leaves once;
- the mail server refuses (``OSError``) or the run dies before the commit: the
  transaction rolls back, the items stay queued and the day is free, so the next run
  sends them. Only a crash between the server accepting the email and the commit (a
  moment) can send one digest twice; nothing is ever lost.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carta import ambito
from carta.dates import on_date
from carta.emails import greeting
from carta.models import DigestItem, EmailDelivery, NotificationSettings

logger = logging.getLogger(__name__)


class _NotSent(Exception):
    """The mail server refused the digest: roll its transaction back."""


def _day_free(user_id: int, today: datetime.date) -> Q:
    return Q(user_id=user_id) & (Q(digest_sent_on__isnull=True) | Q(digest_sent_on__lt=today))


def send_digests(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Send each person's digest of what was queued until ``now``; returns the emails
    sent and the items they carried. A person who chose no email since, or whose account
    is closed, gets nothing, and their items are marked done.

    Cost: one query for the people, then for each person about five queries and one
    email, in a transaction of their own.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    the_ambito = ambito.identity()
    people = (
        DigestItem.objects.filter(sent_at__isnull=True, created_at__lte=now)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    sent = carried = 0
    for user_id in sorted(set(people)):
        try:
            count = _send_one(user_id, now, today, the_ambito)
        except _NotSent:
            continue
        if count:
            sent += 1
            carried += count
    return {"emails": sent, "items": carried}


def _send_one(user_id: int, now: datetime.datetime, today: datetime.date, the_ambito) -> int:
    """The digest of one person; the items it carried (0 when none was sent)."""
    # Without a row (not expected: the items come from choosing the digest) one is made
    # to hold the day, with the default delivery, so that no choice changes here.
    NotificationSettings.objects.get_or_create(user_id=user_id)
    with transaction.atomic():
        # Another run holding this person's row is sending their digest right now.
        row = (
            NotificationSettings.objects.select_for_update(skip_locked=True)
            .filter(_day_free(user_id, today))
            .first()
        )
        if row is None:
            return 0
        items = list(
            DigestItem.objects.select_related("recipient")
            .filter(recipient_id=user_id, sent_at__isnull=True, created_at__lte=now)
            .order_by("created_at", "id")
        )
        # The conditional update is the claim on every database (SQLite ignores the lock
        # above but serializes writers, so a second run sees the day taken).
        claimed = bool(items) and NotificationSettings.objects.filter(
            _day_free(user_id, today)
        ).update(digest_sent_on=today)
        if not claimed:
            return 0
        DigestItem.objects.filter(pk__in=[i.pk for i in items]).update(sent_at=now)
        person = items[0].recipient
        if row.email_delivery == EmailDelivery.NONE or not person.is_active or not person.email:
            return 0
        if not _send(person, items, the_ambito, today):
            raise _NotSent
    return len(items)


def _send(person, items: list[DigestItem], the_ambito, today: datetime.date) -> bool:
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        subject = ngettext(
            "[%(ambito)s] Il tuo riepilogo %(date)s: %(count)s notifica",
            "[%(ambito)s] Il tuo riepilogo %(date)s: %(count)s notifiche",
            len(items),
        ) % {"ambito": the_ambito.name, "date": on_date(today, "del"), "count": len(items)}
        lines = [
            greeting(person),
            "",
            _("Ecco le notifiche di oggi che hai scelto di ricevere in un unico messaggio."),
            "",
        ]
        for item in items:
            lines.append(f"- {item.title}")
            if item.body:
                lines.append(f"  {item.body}")
            link = f"{settings.CARTA_SITE_URL}{item.url}" if item.url else ""
            if link:
                lines.append(f"  {link}")
            lines.append("")
        lines.append(
            _("Puoi cambiare come ricevere le notifiche qui: %(url)s")
            % {"url": f"{settings.CARTA_SITE_URL}/notifiche/preferenze/"}
        )
        signature = the_ambito.email_signature()
    try:
        send_mail(
            subject=subject,
            message="\n".join(lines) + f"\n\n-- \n{signature}",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[person.email],
        )
    except OSError:
        logger.warning(
            "could not email the digest of %s; kept for the next run", person.pk, exc_info=True
        )
        return False
    return True
