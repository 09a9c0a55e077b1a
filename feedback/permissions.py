"""Who may do what with feedback: the one place that answers it.

Staff rights are global permissions given to groups by data migrations:
``feedback.handle_complaint`` (complaint officers) and ``feedback.record_measurement``
(complaint officers and Carta editors); administrators are superusers and hold every
permission. Everything else (sending a complaint or an evaluation, following a complaint
by code and email) is open to anyone and limited by rate, not by role. The table is
``docs/permissions-feedback.md``; ``feedback/tests/test_permission_matrix.py`` checks it.
"""

from __future__ import annotations

from carta.permissions import is_administrator

APP = "feedback"
HANDLE_COMPLAINT = f"{APP}.handle_complaint"
RECORD_MEASUREMENT = f"{APP}.record_measurement"


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_handle_complaints(user) -> bool:
    """See every complaint with its sender's data; assign, answer, close, reopen."""
    return _authenticated(user) and (is_administrator(user) or user.has_perm(HANDLE_COMPLAINT))


def can_see_personal_data(user) -> bool:
    """The sender's name and email: complaint officers and administrators only."""
    return can_handle_complaints(user)


def can_record_measurements(user) -> bool:
    return _authenticated(user) and (is_administrator(user) or user.has_perm(RECORD_MEASUREMENT))


def can_view_staff_dashboard(user) -> bool:
    """Details behind the public aggregates: comments, overdue counts, who recorded what."""
    return can_handle_complaints(user) or can_record_measurements(user)


def can_view_complaint(user, complaint) -> bool:
    """Officers see every complaint; a signed-in sender sees the ones they filed."""
    if can_handle_complaints(user):
        return True
    return _authenticated(user) and complaint.submitted_by_id == user.pk


def can_reopen_as_sender(user, complaint) -> bool:
    return _authenticated(user) and complaint.submitted_by_id == user.pk


def can_assign_to(user) -> bool:
    """Who may receive a complaint to handle."""
    return can_handle_complaints(user)
