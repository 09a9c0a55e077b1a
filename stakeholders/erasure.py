"""What the network holds about a person whose account is erased
(``carta.signals.account_erasing``): their memberships end, as if they had left."""

from __future__ import annotations

from django.db.models import Q
from django.dispatch import receiver
from django.utils.translation import gettext_lazy

from carta.models import AuditEntry
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
    # Connected after end_memberships: the rows of the memberships just ended are included.
    forget_username_in_audit(user)
    # An invitation to the person that they did not accept goes (it names their address);
    # an accepted one stays, without the address, as the origin of a membership. Invitations
    # the person sent stay, theirs to the organization, shown as "utente cancellato".
    addressed = Q(invitee=user)
    if user.email:
        addressed |= Q(email__iexact=user.email)
    Invitation.objects.filter(addressed, accepted_at__isnull=True).delete()
    Invitation.objects.filter(addressed | Q(accepted_by=user)).update(email="")


def forget_username_in_audit(user) -> int:
    """The network's audit rows name the member by username (``changes["user"]``: joined,
    role changed, left); the erased person's becomes "utente cancellato", the rest of the
    row stays. The one exception to the append-only log, as for complaints."""
    label = str(gettext_lazy("utente cancellato"))
    entries = list(AuditEntry.objects.filter(changes__user=user.get_username()))
    for entry in entries:
        entry.changes = {**entry.changes, "user": label}
    AuditEntry.objects.bulk_update(entries, ["changes"])
    return len(entries)
