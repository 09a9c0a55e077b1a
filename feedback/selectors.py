"""Reads of the feedback app, already filtered by who is asking: complaints and
evaluations start from the visibility querysets of ``feedback.permissions``.

Lists cost a fixed number of queries whatever their length; the personal data of a
complaint's sender leaves this module only for officers (``feedback.permissions``).
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from carta.errors import NotFound
from carta.permissions import StaffGroup, is_signed_in
from feedback import periods
from feedback import permissions as perms
from feedback.models import (
    OPEN_STATUSES,
    CommitmentMeasurement,
    Complaint,
    Evaluation,
    ImprovementAction,
    MeasurementStatus,
)


def complaints_visible_to(user) -> QuerySet[Complaint]:
    """The complaints ``user`` may see, with the officer each is assigned to."""
    return perms.complaints_visible_to(user).select_related(
        "assigned_to", "revision", "deadline_commitment", "service", "commitment"
    )


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
    service_key: str = "",
    assignee: str = "",
) -> QuerySet[Complaint]:
    """The officers' queue, narrowed by the filters given: ``service_key`` (the service's
    stable key, so a service is followed across revisions), ``assignee`` (``"me"``,
    ``"none"`` for the unassigned, or an officer's id), ``overdue_only`` (still without an
    answer past the deadline, the most overdue first). One query for the rows, with the
    service, the commitment and the assignee joined."""
    queryset = complaints_visible_to(user)
    if status:
        queryset = queryset.filter(status=status)
    if category:
        queryset = queryset.filter(category=category)
    if service_key:
        queryset = queryset.filter(service_key=service_key)
    if overdue_only:
        queryset = overdue(queryset).order_by("deadline_at", "id")
    if assigned_to_me and is_signed_in(user):
        queryset = queryset.filter(assigned_to=user)
    if assignee == "me" and is_signed_in(user):
        queryset = queryset.filter(assigned_to=user)
    elif assignee == "none":
        queryset = queryset.filter(assigned_to__isnull=True)
    elif assignee.isdigit():
        queryset = queryset.filter(assigned_to_id=int(assignee))
    return queryset


def get_complaint_for(user, pk) -> Complaint:
    """The complaint ``pk`` if ``user`` may see it, else ``NotFound`` (404). One query;
    what the user may do with it is the services' question (403)."""
    try:
        return complaints_visible_to(user).get(pk=int(pk))
    except (Complaint.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None


def complaint_officers():
    """People a complaint may be assigned to."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name=StaffGroup.COMPLAINT_OFFICERS) | Q(is_superuser=True))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def evaluation_list(user, *, service_key: str = "", period: str = "") -> QuerySet[Evaluation]:
    """The evaluations ``user`` may see (``feedback.permissions.evaluations_visible_to``),
    narrowed by service and quarter. One query."""
    queryset = perms.evaluations_visible_to(user)
    if service_key:
        queryset = queryset.filter(service_key=service_key)
    if period:
        queryset = queryset.filter(period=period)
    return queryset


def evaluation_counts(quarters: list[str]) -> dict:
    """The evaluations of ``quarters`` counted apart: ``verified`` ones (sent with a code
    the service's office handed out) and ``open`` ones (anyone, limited per address), per
    quarter and in all. Public figures, no person. One query."""
    rows = (
        Evaluation.objects.filter(period__in=quarters)
        .values("period")
        .annotate(
            n_verified=Count("id", filter=Q(verified=True)),
            n_open=Count("id", filter=Q(verified=False)),
        )
    )
    by_period = {row["period"]: row for row in rows}
    periods_out = [
        {
            "period": period,
            "verified": by_period.get(period, {}).get("n_verified", 0),
            "open": by_period.get(period, {}).get("n_open", 0),
        }
        for period in quarters
    ]
    return {
        "periods": periods_out,
        "verified": sum(row["verified"] for row in periods_out),
        "open": sum(row["open"] for row in periods_out),
    }


def latest_measurements() -> QuerySet[CommitmentMeasurement]:
    """The latest version of each (commitment key, quarter): the figure every count uses.
    One query (a ``NOT EXISTS`` over a newer version)."""
    validated = CommitmentMeasurement.objects.filter(status=MeasurementStatus.VALIDATED)
    newer = validated.filter(
        commitment_key=OuterRef("commitment_key"),
        period=OuterRef("period"),
        version__gt=OuterRef("version"),
    )
    # Only validated values count: a provider's submission waits for staff.
    return validated.filter(~Exists(newer))


def measurements_list(*, service_key: str = "", period: str = "") -> QuerySet:
    """Measurements are public figures: the latest version of each, ``recorded_by``
    joined for the list."""
    queryset = latest_measurements().select_related("recorded_by")
    if service_key:
        queryset = queryset.filter(service_key=service_key)
    if period:
        queryset = queryset.filter(period=period)
    return queryset


def measurement_history(
    *,
    commitment_key: str = "",
    period: str = "",
    service_key: str = "",
    staff: bool = False,
    status: str = "",
) -> QuerySet[CommitmentMeasurement]:
    """Every validated version of the measurements (of a commitment key and quarter, when
    given), oldest first within each; ``staff`` also see the values providers submitted,
    pending or rejected, and may filter by ``status``. One query."""
    queryset = CommitmentMeasurement.objects.select_related(
        "recorded_by", "organization", "validated_by"
    ).order_by("service_key", "commitment_key", "period", "version")
    if not staff:
        queryset = queryset.filter(status=MeasurementStatus.VALIDATED)
    elif status:
        queryset = queryset.filter(status=status)
    if commitment_key:
        queryset = queryset.filter(commitment_key=commitment_key)
    if period:
        queryset = queryset.filter(period=period)
    if service_key:
        queryset = queryset.filter(service_key=service_key)
    return queryset


def improvement_actions(
    *, service_key: str = "", commitment_key: str = "", status: str = "", period: str = ""
) -> QuerySet[ImprovementAction]:
    """Improvement actions are public: every one, narrowed by the filters given, with the
    commitment and the measurement that opened it. One query."""
    queryset = ImprovementAction.objects.select_related("commitment", "measurement", "updated_by")
    if service_key:
        queryset = queryset.filter(service_key=service_key)
    if commitment_key:
        queryset = queryset.filter(commitment_key=commitment_key)
    if status:
        queryset = queryset.filter(status=status)
    if period:
        queryset = queryset.filter(period=period)
    return queryset


def get_improvement_action(pk) -> ImprovementAction:
    """The improvement action ``pk`` or ``NotFound`` (404); all are public, writing is
    the services' question (403)."""
    try:
        return improvement_actions().get(pk=int(pk))
    except (ImprovementAction.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound() from None


def get_measurement(pk) -> CommitmentMeasurement:
    """A measurement by id (any status: whoever may decide on it is the service's
    question), else ``NotFound``. One query."""
    try:
        return CommitmentMeasurement.objects.select_related("commitment", "organization").get(
            pk=int(pk)
        )
    except (CommitmentMeasurement.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None


def days_to_deadline(complaint: Complaint, now: datetime.datetime | None = None) -> int | None:
    """Local days from today to the complaint's answer deadline: positive while days are
    left, 0 on the last day, negative once overdue; None when it no longer waits for an
    answer. Days of the Ambito's calendar, as the deadline itself (``feedback.periods``)."""
    if complaint.status not in OPEN_STATUSES:
        return None
    today = periods.local(now or timezone.now()).date()
    return (periods.local(complaint.deadline_at).date() - today).days
