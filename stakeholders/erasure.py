"""What the network holds about a person whose account is erased
(``carta.signals.account_erasing``): their memberships end, as if they had left."""

from __future__ import annotations

from django.db.models import Q
from django.dispatch import receiver

from carta.signals import account_erasing
from stakeholders.models import Invitation
from stakeholders.services.members import leave_organization


@receiver(account_erasing, dispatch_uid="stakeholders.end_memberships")
def end_memberships(sender, user, **kwargs):
    # The last representative of an organization is refused (Conflict), and with it the
    # whole erasure: the organization must first name another representative.
    for membership in user.memberships.select_related("organization"):
        leave_organization(actor=user, organization=membership.organization)


@receiver(account_erasing, dispatch_uid="stakeholders.forget_invitations")
def forget_invitations(sender, user, **kwargs):
    # An invitation to the person that they did not accept goes (it names their address);
    # an accepted one stays, without the address, as the origin of a membership. Invitations
    # the person sent stay, theirs to the organization, shown as "utente cancellato".
    addressed = Q(invitee=user)
    if user.email:
        addressed |= Q(email__iexact=user.email)
    Invitation.objects.filter(addressed, accepted_at__isnull=True).delete()
    Invitation.objects.filter(addressed | Q(accepted_by=user)).update(email="")
