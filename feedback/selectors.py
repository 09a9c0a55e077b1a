"""Reads of the feedback app, already filtered by who is asking.

Lists cost a fixed number of queries whatever their length; the personal data of a
complaint's sender leaves this module only for officers (``feedback.permissions``).
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from carta.errors import NotAllowed, NotFound
from feedback import permissions as perms
from feedback.models import OPEN_STATUSES, CommitmentMeasurement, Complaint, Evaluation


def complaints_visible_to(user) -> QuerySet[Complaint]:
    """Every complaint for officers; one's own (filed while signed in) for others; none
    for anonymous visitors, who follow theirs by code and email. No query of its own
    beyond the permission check (one, cached on the user)."""
    queryset = Complaint.objects.select_related("assigned_to")
    if perms.can_handle_complaints(user):
        return queryset
    if getattr(user, "is_authenticated", False):
        return queryset.filter(submitted_by=user)
    return queryset.none()


def overdue(queryset: QuerySet[Complaint], now: datetime.datetime | None = None):
    """Still without an answer after their deadline."""
    return queryset.filter(status__in=OPEN_STATUSES, deadline_at__lt=now or timezone.now())


def complaint_queue(
    user,
    *,
    status: str = "",
    category: str = "",
    overdue_only: bool = False,
    assigned_to_me: bool = False,
) -> QuerySet[Complaint]:
    queryset = complaints_visible_to(user)
    if status:
        queryset = queryset.filter(status=status)
    if category:
        queryset = queryset.filter(category=category)
    if overdue_only:
        queryset = overdue(queryset).order_by("deadline_at", "id")
    if assigned_to_me and getattr(user, "is_authenticated", False):
        queryset = queryset.filter(assigned_to=user)
    return queryset


def get_complaint_for(user, pk, *, check=None) -> Complaint:
    """The complaint ``pk`` if ``user`` may see it (else ``NotFound``), and may do what
    ``check(user, complaint)`` asks (else ``NotAllowed``). One query."""
    try:
        complaint = complaints_visible_to(user).get(pk=int(pk))
    except (Complaint.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None
    if check is not None and not check(user, complaint):
        raise NotAllowed()
    return complaint


def complaint_officers():
    """People a complaint may be assigned to."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from carta.permissions import StaffGroup

    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name=StaffGroup.COMPLAINT_OFFICERS) | Q(is_superuser=True))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def evaluations_visible_to(user) -> QuerySet[Evaluation]:
    """All evaluations (with comments) for staff who handle feedback; one's own for a
    signed-in person; none for anonymous visitors, who see the aggregates."""
    if perms.can_view_staff_dashboard(user):
        return Evaluation.objects.all()
    if getattr(user, "is_authenticated", False):
        return Evaluation.objects.filter(user=user)
    return Evaluation.objects.none()


def measurements_list(*, service_key: str = "", period: str = "") -> QuerySet:
    """Measurements are public figures; ``recorded_by`` joined for the list."""
    queryset = CommitmentMeasurement.objects.select_related("recorded_by")
    if service_key:
        queryset = queryset.filter(service_key=service_key)
    if period:
        queryset = queryset.filter(period=period)
    return queryset
