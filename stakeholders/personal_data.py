"""The network's part of a person's data download (``carta.privacy``): memberships with
their role, invitations received and sent, pacts accepted for an organization. Resources
record no person (an organization registers them), so none is listed. What erasure does
is in ``stakeholders.erasure`` and declared below. Registered from ``StakeholdersConfig``.
"""

from __future__ import annotations

from django.db.models import Q, TextChoices
from django.utils.translation import gettext_lazy as _

from carta import privacy
from stakeholders.models import Invitation, Membership, PactAcceptance, Role


def memberships(user) -> list[dict]:
    return [
        {
            "organization": m.organization.legal_name,
            "role": m.role,
            "can_vote": m.can_vote,
            "since": m.created_at,
        }
        for m in Membership.objects.filter(user=user)
        .select_related("organization")
        .order_by("created_at", "pk")
    ]


class InvitationStatus(TextChoices):
    PENDING = "pending", _("In attesa di risposta")
    ACCEPTED = "accepted", _("Accettato")
    DECLINED = "declined", _("Rifiutato")


class Direction(TextChoices):
    RECEIVED = "received", _("Ricevuto")
    SENT = "sent", _("Inviato da te")


def _invitation_status(invitation) -> str:
    if invitation.accepted_at:
        return "accepted"
    if invitation.declined_at:
        return "declined"
    return "pending"


def invitations(user) -> list[dict]:
    """Invitations addressed to the person (with the address they were sent to) and those
    the person sent (without the invitee's address: another person's data). One query."""
    addressed = Q(invitee=user) | Q(accepted_by=user)
    if user.email:
        addressed |= Q(email__iexact=user.email)
    rows = []
    for invitation in (
        Invitation.objects.filter(addressed | Q(invited_by=user))
        .select_related("organization")
        .order_by("created_at", "pk")
    ):
        received = user.pk in (invitation.invitee_id, invitation.accepted_by_id) or bool(
            user.email and invitation.email.lower() == user.email.lower()
        )
        rows.append(
            {
                "direction": "received" if received else "sent",
                "organization": invitation.organization.legal_name,
                "role": invitation.role,
                "email": invitation.email if received else "",
                "created_at": invitation.created_at,
                "status": _invitation_status(invitation),
            }
        )
    return rows


def pacts(user) -> list[dict]:
    return [
        {
            "organization": p.organization.legal_name,
            "revision": p.revision_number,
            "accepted_at": p.accepted_at,
        }
        for p in PactAcceptance.objects.filter(accepted_by=user)
        .select_related("organization")
        .order_by("accepted_at", "pk")
    ]


def register() -> None:
    privacy.register_section(
        "memberships",
        title=_("Organizzazioni di cui fai parte"),
        collect=memberships,
        columns={
            "organization": _("Organizzazione"),
            "role": _("Ruolo"),
            "can_vote": _("Può votare per l'organizzazione"),
            "since": _("Dal"),
        },
        fields={
            "stakeholders.Membership.user": privacy.ERASED,
            "stakeholders.OrganizationUserObjectPermission.user": privacy.ERASED,
        },
        choices={"role": Role},
    )
    privacy.register_section(
        "invitations",
        title=_("Inviti"),
        collect=invitations,
        columns={
            "created_at": _("Data"),
            "direction": _("Ricevuto o inviato"),
            "organization": _("Organizzazione"),
            "role": _("Ruolo"),
            "email": _("Indirizzo invitato"),
            "status": _("Stato"),
        },
        fields={
            "stakeholders.Invitation.invitee": privacy.ERASED,
            "stakeholders.Invitation.email": privacy.ERASED,
            "stakeholders.Invitation.accepted_by": privacy.kept(
                "the accepted invitation records the membership's origin; its address is erased"
            ),
            "stakeholders.Invitation.invited_by": privacy.kept(
                "an organization's act, shown as 'utente cancellato'"
            ),
        },
        choices={"role": Role, "status": InvitationStatus, "direction": Direction},
    )
    privacy.register_section(
        "pacts",
        title=_("Patti accettati per un'organizzazione"),
        collect=pacts,
        columns={
            "organization": _("Organizzazione"),
            "revision": _("Revisione della Carta"),
            "accepted_at": _("Accettato il"),
        },
        fields={
            "stakeholders.PactAcceptance.accepted_by": privacy.kept(
                "the organization's pact, accepted on its behalf, shown as 'utente cancellato'"
            ),
            "stakeholders.Organization.decided_by": privacy.kept(
                "a staff decision on an application, exported as activity"
            ),
            "stakeholders.Organization.hidden_by": privacy.kept(
                "a moderator's act, exported as activity"
            ),
            "stakeholders.Resource.hidden_by": privacy.kept(
                "a moderator's act, exported as activity"
            ),
            "stakeholders.Organization.email": privacy.kept(
                "the organization's address, not a person's"
            ),
            "stakeholders.Organization.pec": privacy.kept(
                "the organization's certified address, not a person's"
            ),
            "stakeholders.Resource.contact": privacy.kept(
                "the organization's contact for a resource, published by it"
            ),
        },
    )
