"""Evidence on a complaint (``carta.attachments``): sent with the complaint form, by
anyone, and seen by the complaint officers only; the sender does not see it again (not
even a signed-in sender on their own complaint's page), as the officers' notes. Officers
may add and withdraw files on the complaint's page. When a complaint is anonymized its
evidence goes with the sender's data (``erase_anonymized_evidence``)."""

from __future__ import annotations

from django.urls import reverse

from carta import attachments
from carta.attachments import Purpose
from feedback import permissions as perms
from feedback.models import Complaint
from feedback.services import SENDER


def can_view(user, complaint: Complaint) -> bool:
    # An anonymized complaint keeps its text for the statistics, not its evidence (which
    # may show the sender): see ``erase_anonymized_evidence``.
    return complaint.anonymized_at is None and perms.can_handle_complaints(user)


def can_add(user, complaint: Complaint) -> bool:
    return complaint.anonymized_at is None and perms.can_handle_complaints(user)


def erase_anonymized_evidence() -> int:
    """Delete the stored files of anonymized complaints' evidence (their rows stay,
    removed); idempotent. To run with ``services.anonymize_complaints``."""
    return attachments.erase_files(
        Complaint, Complaint.objects.filter(anonymized_at__isnull=False).values("pk")
    )


def register_models() -> None:
    attachments.register(
        Complaint,
        purposes=(Purpose.EVIDENCE,),
        can_view=can_view,
        can_add=can_add,
        url_of=lambda complaint: reverse("feedback_complaint_staff", args=[complaint.pk]),
        max_files=5,
        audit_actor_label=SENDER,
        api_name="complaints",
    )
