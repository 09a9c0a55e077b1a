"""Reads of the platform core, already filtered by who is asking."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Q, QuerySet

from carta.models import AuditEntry, Notification
from carta.permissions import can_view_audit


def notifications_for(user) -> QuerySet[Notification]:
    """The user's own notifications, newest first (one query)."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def audit_entries_for(user) -> QuerySet[AuditEntry]:
    """The audit log for staff who may read it; nothing for anyone else (one query).

    A model that declares ``audit_permission`` (a permission name) keeps its rows for
    the holders of that permission: the rows about its objects, and the rows without a
    target whose verb begins with its name (``complaint.reminders_sent``). Complaints and
    evaluations are read so by complaint officers and administrators only.
    """
    if not can_view_audit(user):
        return AuditEntry.objects.none()
    entries = AuditEntry.objects.select_related("actor", "content_type")
    for model in apps.get_models():
        permission = getattr(model, "audit_permission", None)
        if permission is None or user.has_perm(permission):
            continue
        app_label, name = model._meta.app_label, model._meta.model_name
        entries = entries.exclude(
            Q(content_type__app_label=app_label, content_type__model=name)
            | Q(content_type__isnull=True, verb__startswith=f"{name}.")
        )
    return entries
