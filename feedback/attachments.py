"""Evidence on a complaint (``carta.attachments``): sent with the complaint form, by
anyone, and seen by the complaint officers only; the sender does not see it again (not
even a signed-in sender on their own complaint's page), as the officers' notes. Officers
may add and withdraw files on the complaint's page."""

from __future__ import annotations

from django.urls import reverse

from carta import attachments
from carta.attachments import Purpose
from feedback import permissions as perms
from feedback.models import Complaint
from feedback.services import SENDER


def can_view(user, complaint: Complaint) -> bool:
    return perms.can_handle_complaints(user)


def can_add(user, complaint: Complaint) -> bool:
    return perms.can_handle_complaints(user)


def register_models() -> None:
    attachments.register(
        Complaint,
        purposes=(Purpose.EVIDENCE,),
        can_view=can_view,
        can_add=can_add,
        url_of=lambda complaint: reverse("feedback_complaint_staff", args=[complaint.pk]),
        max_files=5,
        audit_actor_label=SENDER,
    )
