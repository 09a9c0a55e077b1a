"""What the network shows in the personal area (``carta.personal_area``): the person's
organizations with their role, and what awaits them there (an invitation to answer, a
pact to renew, an application being examined)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from carta import personal_area
from carta.dates import on_date
from carta.permissions import is_signed_in
from stakeholders import permissions as perms
from stakeholders.models import Invitation, Membership, Organization, OrganizationStatus, Role


def organizations_section(user, limit: int | None) -> dict | None:
    """The person's memberships, by organization name (two queries: the rows, the count)."""
    if not is_signed_in(user):
        return None
    memberships = Membership.objects.filter(user=user).select_related("organization")
    total = memberships.count()
    if not total:
        return {"memberships": [], "total": 0, "apply_url": reverse("organization_apply")}
    rows = memberships.order_by("organization__legal_name", "pk")
    return {
        "memberships": list(rows[:limit] if limit else rows),
        "total": total,
        "apply_url": reverse("organization_apply"),
    }


def awaiting(user) -> list[personal_area.Awaiting]:
    """Invitations to answer, pacts to renew, applications under examination (two
    queries); for those who decide on applications, how many wait (two more)."""
    if not is_signed_in(user):
        return []
    items = []
    invitations = Invitation.objects.filter(
        invitee=user,
        accepted_at__isnull=True,
        declined_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("organization")
    for invitation in invitations:
        items.append(
            personal_area.Awaiting(
                _(
                    "%(name)s ti ha invitato a farne parte come %(role)s: apri il link "
                    "dell'email che hai ricevuto entro %(date)s."
                )
                % {
                    "name": invitation.organization.legal_name,
                    "role": invitation.get_role_display().lower(),
                    "date": on_date(invitation.expires_at, "il"),
                },
                invitation.organization.get_absolute_url(),
            )
        )
    for membership in Membership.objects.filter(user=user).select_related("organization"):
        organization = membership.organization
        if membership.role == Role.REPRESENTATIVE and organization.pact_renew_by:
            items.append(
                personal_area.Awaiting(
                    _("Rinnova il patto di partecipazione entro %(date)s.")
                    % {"date": on_date(organization.pact_renew_by, "il")},
                    reverse("organization_pact", args=[organization.pk]),
                    organization.pk,
                )
            )
        if organization.status == OrganizationStatus.PENDING:
            items.append(
                personal_area.Awaiting(
                    _("La domanda di adesione alla rete è in esame presso l'Ufficio di Piano."),
                    organization.get_absolute_url(),
                    organization.pk,
                )
            )
    if perms.can_decide(user):
        pending = Organization.objects.filter(status=OrganizationStatus.PENDING).count()
        if pending:
            items.append(
                personal_area.Awaiting(
                    ngettext(
                        "%(count)s domanda di adesione alla rete da esaminare.",
                        "%(count)s domande di adesione alla rete da esaminare.",
                        pending,
                    )
                    % {"count": pending},
                    reverse("organization_queue"),
                )
            )
    return items


def register() -> None:
    personal_area.register_section(
        "organizations",
        title=gettext_lazy("Le mie organizzazioni"),
        template="stakeholders/personal_area/organizations.html",
        build=organizations_section,
        order=10,
    )
    personal_area.register_awaiting("stakeholders", awaiting)
