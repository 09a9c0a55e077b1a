"""What the network holds about a person whose account is erased
(``carta.signals.account_erasing``): their memberships end, as if they had left."""

from __future__ import annotations

from django.dispatch import receiver

from carta.signals import account_erasing
from stakeholders.services.members import leave_organization


@receiver(account_erasing, dispatch_uid="stakeholders.end_memberships")
def end_memberships(sender, user, **kwargs):
    # The last representative of an organization is refused (Conflict), and with it the
    # whole erasure: the organization must first name another representative.
    for membership in user.memberships.select_related("organization"):
        leave_organization(actor=user, organization=membership.organization)
