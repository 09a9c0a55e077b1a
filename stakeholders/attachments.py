"""Files on an organization's application (``carta.attachments``): the statute and the
RUNTS certificate. Seen by the staff who verify organizations and by the organization's
representatives, never by the public or by its other members; added and withdrawn by
its representatives."""

from __future__ import annotations

from carta import attachments
from carta.attachments import Purpose
from stakeholders import permissions as perms
from stakeholders.models import Organization


def can_view(user, organization: Organization) -> bool:
    return perms.can_decide(user) or perms.is_representative(user, organization)


def can_add(user, organization: Organization) -> bool:
    return organization.status in perms.ACTIVE_STATUSES and perms.is_representative(
        user, organization
    )


def register_models() -> None:
    attachments.register(
        Organization,
        purposes=(Purpose.STATUTE, Purpose.RUNTS_CERTIFICATE, Purpose.OTHER),
        can_view=can_view,
        can_add=can_add,
        api_name="organizations",
    )
