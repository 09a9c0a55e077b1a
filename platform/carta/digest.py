"""The daily digest: one email per person with the notifications queued for it
(``DigestItem``, written by ``notify`` for those who chose ``EmailDelivery.DAILY``).

``send_digests`` is the job of ``carta send_digest`` (daily, ``deploy/carta.cron``). It
is idempotent: each person's day is claimed with a conditional update of
``NotificationSettings.digest_sent_on``, so a second run the same day (or two runs at
once) sends nothing more, and each item is marked sent once.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carta import ambito
from carta.models import DigestItem, EmailDelivery, NotificationSettings

logger = logging.getLogger(__name__)


def _claim(user_id: int, today: datetime.date) -> bool:
    """Claim ``today``'s digest of the person: True for the one run that gets it."""
    NotificationSettings.objects.get_or_create(
        user_id=user_id, defaults={"email_delivery": EmailDelivery.DAILY}
    )
    return bool(
        NotificationSettings.objects.filter(user_id=user_id)
        .filter(Q(digest_sent_on__isnull=True) | Q(digest_sent_on__lt=today))
        .update(digest_sent_on=today)
    )


def send_digests(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Send each person's digest of what was queued until ``now``; returns the emails
    sent and the items they carried. A person who chose no email since, or whose account
    is closed, gets nothing, and their items are marked done."""
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
        with transaction.atomic():
            if not _claim(user_id, today):
                continue
            items = list(
                DigestItem.objects.select_related("recipient")
                .filter(recipient_id=user_id, sent_at__isnull=True, created_at__lte=now)
                .order_by("created_at", "id")
            )
            DigestItem.objects.filter(pk__in=[i.pk for i in items], sent_at__isnull=True).update(
                sent_at=now
            )
            delivery = (
                NotificationSettings.objects.filter(user_id=user_id)
                .values_list("email_delivery", flat=True)
                .first()
            )
        if not items:
            continue
        person = items[0].recipient
        if delivery == EmailDelivery.NONE or not person.is_active or not person.email:
            continue
        if _send(person, items, the_ambito, today):
            sent += 1
            carried += len(items)
    return {"emails": sent, "items": carried}


def _send(person, items: list[DigestItem], the_ambito, today: datetime.date) -> bool:
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        subject = ngettext(
            "[%(ambito)s] Il tuo riepilogo del %(date)s: %(count)s notifica",
            "[%(ambito)s] Il tuo riepilogo del %(date)s: %(count)s notifiche",
            len(items),
        ) % {"ambito": the_ambito.name, "date": date_format(today, "j F Y"), "count": len(items)}
        lines = [
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
        logger.warning("could not email the digest of %s", person.pk, exc_info=True)
        return False
    return True
