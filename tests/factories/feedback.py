"""Factories of the feedback app. ``ComplaintFactory`` stores the hash of a known code:
pass ``code=`` to choose it (default ``RCL-TEST-…`` from a sequence)."""

import datetime

import factory
from django.utils import timezone

from feedback import codes, periods
from feedback.models import Complaint, ComplaintCategory, ComplaintStatus


def _code(n: int) -> str:
    body = "".join(codes.ALPHABET[(n * 7 + i * 3) % len(codes.ALPHABET)] for i in range(12))
    return f"RCL-{body[:4]}-{body[4:8]}-{body[8:]}"


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Complaint
        exclude = ("code",)

    code = factory.Sequence(_code)
    tracking_hash = factory.LazyAttribute(lambda o: codes.hash_code(o.code))
    category = ComplaintCategory.COMPLAINT
    description = "Lo sportello di Valtirino era chiuso nell'orario indicato dalla Carta."
    contact_name = "Rosa Marchetti"
    contact_email = factory.Sequence(lambda n: f"mittente{n}@example.org")
    privacy_consent_at = factory.LazyFunction(timezone.now)
    received_at = factory.LazyFunction(timezone.now)
    period = factory.LazyAttribute(lambda o: periods.quarter_of(o.received_at))
    deadline_at = factory.LazyAttribute(lambda o: periods.response_deadline(o.received_at))
    status = ComplaintStatus.RECEIVED


def overdue_complaint(**kwargs) -> Complaint:
    received = timezone.now() - datetime.timedelta(days=45)
    return ComplaintFactory(received_at=received, **kwargs)


__all__ = ["ComplaintFactory", "overdue_complaint"]
