"""Reads of the platform core, already filtered by who is asking."""

from __future__ import annotations

from django.db.models import QuerySet

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
    """The audit log for staff who may read it; nothing for anyone else (one query)."""
    if not can_view_audit(user):
        return AuditEntry.objects.none()
    return AuditEntry.objects.select_related("actor", "content_type")
