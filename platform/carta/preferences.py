"""How each person receives notifications: per kind, in the app and by email, and
whether emails come one by one, as a daily digest, or not at all.

Reads and writes of ``NotificationPreference`` and ``NotificationSettings``; ``notify``
(``carta.services``) applies them, ``carta send_digest`` sends the digests.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from carta import notification_kinds
from carta.errors import InvalidInput
from carta.models import EmailDelivery, NotificationPreference, NotificationSettings
from carta.services import record_audit


def preferences_of(user) -> dict[str, Any]:
    """``{"email_delivery": ..., "kinds": {kind: {"label", "group", "in_app", "email"}}}``
    for every declared kind, the defaults where the person chose nothing (two queries)."""
    chosen = {
        p.kind: p
        for p in NotificationPreference.objects.filter(user=user).only("kind", "in_app", "email")
    }
    delivery = (
        NotificationSettings.objects.filter(user=user)
        .values_list("email_delivery", flat=True)
        .first()
        or EmailDelivery.IMMEDIATE
    )
    kinds = {}
    for key, kind in notification_kinds.KINDS.items():
        preference = chosen.get(key)
        kinds[key] = {
            "label": str(kind.label),
            "group": str(kind.group),
            "in_app": preference.in_app if preference else True,
            "email": preference.email if preference else True,
        }
    return {"email_delivery": delivery, "kinds": kinds}


def _as_bool(value, field: str) -> bool:
    if isinstance(value, bool):
        return value
    raise InvalidInput(_("Indica vero o falso."), field=field)


@transaction.atomic
def set_notification_preferences(
    *,
    actor,
    email_delivery: str | None = None,
    kinds: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """Change the actor's choices; only the kinds given change, and a kind given with only
    one of ``in_app``/``email`` keeps the other. An unknown kind or delivery raises
    ``InvalidInput`` naming it, and then nothing changes. A choice equal to the default
    leaves no row. Returns ``preferences_of(actor)``."""
    if email_delivery is not None and email_delivery not in EmailDelivery.values:
        raise InvalidInput(
            _("Scegli come ricevere le email: subito, in un riepilogo al giorno o mai."),
            field="email_delivery",
        )
    kinds = dict(kinds or {})
    for kind, choice in kinds.items():
        if not notification_kinds.is_known(kind):
            raise InvalidInput(
                _("Tipo di notifica sconosciuto: %(kind)s.") % {"kind": kind},
                field=f"kinds.{kind}",
            )
        if not isinstance(choice, Mapping):
            raise InvalidInput(_("Indica in_app ed email."), field=f"kinds.{kind}")
        for name in ("in_app", "email"):
            if name in choice:
                _as_bool(choice[name], f"kinds.{kind}.{name}")
    changes: dict[str, Any] = {}
    if email_delivery is not None:
        current = (
            NotificationSettings.objects.filter(user=actor)
            .values_list("email_delivery", flat=True)
            .first()
            or EmailDelivery.IMMEDIATE
        )
        if current != email_delivery:
            NotificationSettings.objects.update_or_create(
                user=actor, defaults={"email_delivery": email_delivery}
            )
            changes["email_delivery"] = [current, email_delivery]
    if kinds:
        existing = {
            p.kind: p
            for p in NotificationPreference.objects.filter(user=actor, kind__in=list(kinds))
        }
        for kind, choice in kinds.items():
            row = existing.get(kind)
            old = (row.in_app, row.email) if row else (True, True)
            new = (choice.get("in_app", old[0]), choice.get("email", old[1]))
            if new == old:
                continue
            changes[kind] = [list(old), list(new)]
            if new == (True, True):
                row.delete()
            elif row is None:
                NotificationPreference.objects.create(
                    user=actor, kind=kind, in_app=new[0], email=new[1]
                )
            else:
                row.in_app, row.email = new
                row.save(update_fields=["in_app", "email"])
    if changes:
        record_audit(
            actor=actor,
            verb="account.notification_preferences_changed",
            target=actor,
            changes=changes,
        )
    return preferences_of(actor)
