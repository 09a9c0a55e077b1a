"""Who may do what with feedback: the one place that answers it.

Staff rights are global permissions given to groups by data migrations:
``feedback.handle_complaint`` (complaint officers) and ``feedback.record_measurement``
(complaint officers and Carta editors); administrators are superusers and hold every
permission. Everything else (sending a complaint or an evaluation, following a complaint
by code and email) is open to anyone and limited by rate, not by role. The table is
``docs/permissions-feedback.md``; ``feedback/tests/test_permission_matrix.py`` checks it.

What a person may see is one queryset per model (``complaints_visible_to``,
``evaluations_visible_to``); selectors start from them.
"""

from __future__ import annotations

from django.db.models import QuerySet

from carta.permissions import is_administrator, is_signed_in
from feedback.models import HANDLE_COMPLAINT, ISSUE_EVALUATION_CODE, Complaint, Evaluation

__all__ = ["HANDLE_COMPLAINT"]  # also read by the audit log (``Complaint.audit_permission``)
RECORD_MEASUREMENT = "feedback.record_measurement"


def can_handle_complaints(user) -> bool:
    """See every complaint with its sender's data; assign, answer, close, reopen."""
    return is_signed_in(user) and (is_administrator(user) or user.has_perm(HANDLE_COMPLAINT))


def can_see_personal_data(user) -> bool:
    """The sender's name and email: complaint officers and administrators only."""
    return can_handle_complaints(user)


def can_record_measurements(user) -> bool:
    return is_signed_in(user) and (is_administrator(user) or user.has_perm(RECORD_MEASUREMENT))


def can_view_staff_dashboard(user) -> bool:
    """Details behind the public aggregates: comments, overdue counts, who recorded what."""
    return can_handle_complaints(user) or can_record_measurements(user)


def can_issue_evaluation_codes(user) -> bool:
    """Issue single-use evaluation codes for a service (``feedback.issue_evaluation_code``:
    the complaint office; administrators)."""
    return is_signed_in(user) and (is_administrator(user) or user.has_perm(ISSUE_EVALUATION_CODE))


def can_assign_to(user) -> bool:
    """Who may receive a complaint to handle."""
    return can_handle_complaints(user)


def complaints_visible_to(user) -> QuerySet[Complaint]:
    """Every complaint for officers; one's own (filed while signed in) for others; none
    for anonymous visitors, who follow theirs by code and email. No query of its own
    beyond the permission check (one, cached on the user)."""
    if can_handle_complaints(user):
        return Complaint.objects.all()
    if is_signed_in(user):
        return Complaint.objects.filter(submitted_by=user)
    return Complaint.objects.none()


def evaluations_visible_to(user) -> QuerySet[Evaluation]:
    """All evaluations (with comments) for staff who handle feedback; one's own for a
    signed-in person; none for anonymous visitors, who see the aggregates."""
    if can_view_staff_dashboard(user):
        return Evaluation.objects.all()
    if is_signed_in(user):
        return Evaluation.objects.filter(user=user)
    return Evaluation.objects.none()


def can_submit_measurements_for(user, organization) -> bool:
    """An organization that provides a service submits its measurements through those who
    may write in its name (representatives and editors, ``stakeholders.permissions``);
    staff validate them."""
    from stakeholders.permissions import can_write_for

    return is_signed_in(user) and can_write_for(user, organization)
