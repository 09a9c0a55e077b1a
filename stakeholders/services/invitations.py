"""Writes on invitations: inviting someone by email or a registered person by username,
accepting or declining (only the person invited, through the token of the link), and
revoking an invitation not yet used. Nobody becomes a member without accepting."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from carta.emails import signed
from carta.errors import Conflict, InvalidInput, NotAllowed, VerificationRequired
from carta.permissions import check_may_take_part, has_verified_address, is_signed_in
from carta.services import notify, record_audit
from stakeholders import permissions as perms
from stakeholders.models import Invitation, Membership, Organization, Role
from stakeholders.selectors import invitation_for_token
from stakeholders.services.members import check_role, join, require_manager
from stakeholders.services.validation import field_error

User = get_user_model()

INVITATION_DAYS = 7


@transaction.atomic
def invite_member(
    *, actor, organization: Organization, email: str, role: str = Role.MEMBER
) -> tuple[Invitation, str]:
    """Invite someone by email; returns the invitation and its token (shown only once).
    When the address belongs to an account the invitation is bound to that account."""
    require_manager(actor, organization)
    check_role(role)
    email = User.objects.normalize_email((email or "").strip())
    try:
        validate_email(email)
    except ValidationError as error:
        raise field_error(error, "email") from None
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise Conflict(_("Questa persona fa già parte dell'organizzazione."), field="email")
    invitee = User.objects.filter(email__iexact=email, is_active=True).first()
    return _invite(actor=actor, organization=organization, email=email, invitee=invitee, role=role)


@transaction.atomic
def invite_user(
    *, actor, organization: Organization, username: str, role: str = Role.MEMBER
) -> tuple[Invitation, str]:
    """Invite a registered person by username: the person becomes a member only by
    accepting. Returns the invitation, bound to the account, and its token."""
    require_manager(actor, organization)
    check_role(role)
    invitee = User.objects.filter(username__iexact=(username or "").strip(), is_active=True).first()
    if invitee is None:
        raise InvalidInput(gettext("Nessun utente con questo nome utente."), field="username")
    if Membership.objects.filter(organization=organization, user=invitee).exists():
        raise Conflict(_("Questa persona fa già parte dell'organizzazione."), field="username")
    return _invite(
        actor=actor, organization=organization, email=invitee.email, invitee=invitee, role=role
    )


def _invite(*, actor, organization: Organization, email: str, invitee, role: str):
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        invitee=invitee,
        role=role,
        token_hash=Invitation.hash_token(token),
        expires_at=timezone.now() + datetime.timedelta(days=INVITATION_DAYS),
        invited_by=actor,
    )
    record_audit(
        actor=actor,
        verb="member.invited",
        target=organization,
        changes={"email": email, "role": role},
    )
    link = reverse("invitation", args=[token])
    if invitee is not None:
        notify(
            recipients=[invitee],
            kind="member.invited",
            title=_("Invito a far parte di %(name)s"),
            body=_("Sei invitato a far parte dell'organizzazione %(name)s come %(role)s."),
            url=link,
            params={"name": organization.legal_name, "role": invitation.get_role_display()},
        )
    else:
        transaction.on_commit(lambda: _email_invitation(invitation.pk, link))
    return invitation, token


def _email_invitation(invitation_id: int, link: str) -> None:
    invitation = Invitation.objects.select_related("organization").get(pk=invitation_id)
    send_mail(
        subject=f"[{settings.CARTA_AMBITO_NAME}] "
        + gettext("Invito a far parte di %(name)s") % {"name": invitation.organization.legal_name},
        message=signed(
            gettext(
                "Sei invitato a far parte dell'organizzazione %(name)s come %(role)s.\n"
                "Per accettare o rifiutare l'invito apri questo collegamento "
                "entro sette giorni:\n%(link)s"
            )
            % {
                "name": invitation.organization.legal_name,
                "role": invitation.get_role_display(),
                "link": f"{settings.CARTA_SITE_URL}{link}",
            }
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.email],
        fail_silently=True,
    )


def _check_open(invitation: Invitation) -> None:
    if invitation.accepted_at is not None:
        raise Conflict(_("Questo invito è già stato accettato."), code="invitation_used")
    if invitation.declined_at is not None:
        raise Conflict(_("Questo invito è già stato rifiutato."), code="invitation_used")
    if invitation.is_expired:
        raise Conflict(
            _(
                "Questo invito è scaduto. Chiedi a chi rappresenta l'organizzazione "
                "di inviarne uno nuovo."
            ),
            code="invitation_expired",
        )
    if invitation.organization.status not in perms.ACTIVE_STATUSES:
        raise Conflict(_("L'organizzazione non accetta nuovi membri in questo momento."))


def _check_addressee(invitation: Invitation, actor) -> None:
    # The link may have been forwarded or seen by others: it identifies the invitation,
    # the account says who answers: the invited account, or one that confirmed the
    # invited address (an address typed at registration proves nothing until confirmed).
    if not invitation.is_addressed_to(actor):
        raise NotAllowed(
            gettext(
                "Questo invito è indirizzato a %(email)s: per rispondere accedi con "
                "l'account di quella persona."
            )
            % {"email": invitation.email}
        )
    if invitation.invitee_id is None and not has_verified_address(actor, invitation.email):
        raise VerificationRequired(
            gettext(
                "Per rispondere all'invito conferma l'indirizzo %(email)s con il link che ti "
                "abbiamo inviato. Dal tuo profilo puoi chiederne uno nuovo."
            )
            % {"email": invitation.email}
        )


@transaction.atomic
def accept_invitation(*, actor, token: str):
    """Make the invited person a member with the invitation's role. Only that person may:
    anyone else holding the link is refused (``NotAllowed``) and nothing changes."""
    if not is_signed_in(actor):
        raise NotAllowed(_("Accedi o registrati per accettare l'invito."))
    invitation = invitation_for_token(token, lock=True)
    _check_addressee(invitation, actor)
    _check_open(invitation)
    check_may_take_part(actor)
    membership = join(
        actor=actor,
        user=actor,
        organization=invitation.organization,
        role=invitation.role,
        verb="member.joined",
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = actor
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    notify(
        recipients=[invitation.invited_by] if invitation.invited_by else [],
        kind="member.joined",
        title=_("%(person)s ha accettato l'invito in %(name)s"),
        url=invitation.organization.get_absolute_url(),
        params={"person": str(actor), "name": invitation.organization.legal_name},
        exclude=actor,
    )
    return membership


@transaction.atomic
def decline_invitation(*, actor, token: str) -> Invitation:
    if not is_signed_in(actor):
        raise NotAllowed(_("Accedi per rifiutare l'invito."))
    invitation = invitation_for_token(token, lock=True)
    _check_addressee(invitation, actor)
    _check_open(invitation)
    invitation.declined_at = timezone.now()
    invitation.save(update_fields=["declined_at", "updated_at"])
    record_audit(
        actor=actor,
        verb="member.declined",
        target=invitation.organization,
        changes={"email": invitation.email},
    )
    return invitation


@transaction.atomic
def revoke_invitation(*, actor, invitation: Invitation) -> None:
    """Withdraw an invitation not yet accepted or declined: its link stops working."""
    require_manager(actor, invitation.organization)
    if invitation.is_used:
        raise Conflict(_("Questo invito è già stato usato."))
    record_audit(
        actor=actor,
        verb="member.invitation_revoked",
        target=invitation.organization,
        changes={"email": invitation.email},
    )
    invitation.delete()
