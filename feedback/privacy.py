"""What the platform holds about one registered person, for the download the GDPR grants
(art. 15 and 20): account, email addresses, the SPID/CIE identity and what the gateways
sent, notifications, activity recorded in the audit log, memberships of organizations,
and from this app the complaints filed while signed in and the evaluations given. A fixed
number of queries (one per section).

Other apps' data is included where it is one cheap query with no one else's personal data
(memberships); comments, proposals and ballots of the other apps are not included yet.
Secret ballots are never linked to their voter and cannot be.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.conf import settings
from django.utils import timezone

from carta.models import AuditEntry, Identity, Notification
from feedback.models import Complaint


def _iso(value):
    return value.isoformat() if value else None


def _identity(user) -> dict[str, Any] | None:
    record = Identity.objects.filter(user=user).first()
    if record is None:
        return None
    return {
        "provider": record.provider,
        "fiscal_code": record.fiscal_code,
        "level": record.level,
        "acr": record.acr,
        "linked_at": _iso(record.created_at),
        "verified_at": _iso(record.verified_at),
    }


def personal_data_of(user) -> dict[str, Any]:
    data: dict[str, Any] = {
        "generated_at": _iso(timezone.now()),
        "controller": settings.CARTA_AMBITO_NAME,
        "privacy_contact": settings.CARTA_PRIVACY_EMAIL,
        "account": {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "preferred_language": user.preferred_language,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("-primary", "email")
        ],
        "identity": _identity(user),
        # What each SPID/CIE gateway sent at the last sign-in, as it sent it.
        "identity_providers": [
            {
                "provider": account.provider,
                "subject": account.uid,
                "claims": account.extra_data,
                "linked_at": _iso(account.date_joined),
                "last_sign_in": _iso(account.last_login),
            }
            for account in SocialAccount.objects.filter(user=user).order_by("pk")
        ],
        "notifications": [
            {
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "url": n.url,
                "created_at": _iso(n.created_at),
                "read_at": _iso(n.read_at),
            }
            for n in Notification.objects.filter(recipient=user).order_by("created_at", "id")
        ],
        "activity": [
            {
                "verb": entry.verb,
                "object": entry.object_repr,
                "reason": entry.reason,
                "created_at": _iso(entry.created_at),
            }
            for entry in AuditEntry.objects.filter(actor=user).order_by("created_at", "id")
        ],
        "complaints": [
            {
                "reference": c.reference,
                "category": c.category,
                "service": c.service_key,
                "commitment": c.commitment_key,
                "channel": c.channel,
                "description": c.description,
                "contact_name": c.contact_name,
                "contact_email": c.contact_email,
                "status": c.status,
                "received_at": _iso(c.received_at),
                "deadline_at": _iso(c.deadline_at),
                "answer": c.answer,
                "answered_at": _iso(c.answered_at),
                "closed_at": _iso(c.closed_at),
                # As on the tracking page: the finding once answered, not its internal reason.
                "judgement": c.judgement if c.status in ("answered", "closed") else "",
            }
            for c in Complaint.objects.filter(submitted_by=user).order_by("received_at", "id")
        ],
        "evaluations": _evaluations(user),
        "memberships": _memberships(user),
    }
    return data


def _evaluations(user) -> list[dict]:
    try:
        Evaluation = apps.get_model("feedback", "Evaluation")
    except LookupError:
        return []
    fields = ("service_key", "access", "timeliness", "courtesy", "clarity", "overall", "comment")
    return [
        {**{name: getattr(e, name) for name in fields}, "created_at": _iso(e.created_at)}
        for e in Evaluation.objects.filter(user=user).order_by("created_at", "id")
    ]


def _memberships(user) -> list[dict]:
    try:
        Membership = apps.get_model("stakeholders", "Membership")
    except LookupError:
        return []
    return [
        {
            "organization": m.organization.legal_name,
            "role": m.role,
            "can_vote": m.can_vote,
            "since": _iso(m.created_at),
        }
        for m in Membership.objects.filter(user=user).select_related("organization")
    ]
