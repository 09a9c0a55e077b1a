"""Writes on memberships: joining (through an accepted invitation or an application),
changing a role, removing a member and leaving. An organization always keeps at least one
representative. A person whose role changes or who leaves has every open socket closed
once the change is committed (``carta.events.close_sockets_of``): a socket's rights are
checked at its handshake only."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from carta.errors import Conflict, NotAllowed, NotFound
from carta.events import close_sockets_of
from carta.services import diff_fields, notify, record_audit
from stakeholders import permissions as perms
from stakeholders.models import Membership, Organization, Role
from stakeholders.services.validation import check_choice

LAST_REPRESENTATIVE = _(
    "L'organizzazione deve avere almeno un rappresentante: nomina prima un altro rappresentante."
)


def require_manager(actor, organization: Organization) -> None:
    if not perms.can_manage_members(actor, organization):
        raise NotAllowed(_("Solo chi rappresenta l'organizzazione può gestirne i membri."))


def check_role(role: str) -> str:
    return check_choice(role, Role, "role")


def join(*, actor, user, organization: Organization, role: str, verb: str) -> Membership:
    """Make ``user`` a member with ``role`` (representatives vote), grant the role's
    permissions and audit it as ``verb``."""
    if Membership.objects.filter(user=user, organization=organization).exists():
        raise Conflict(_("Fai già parte di questa organizzazione."))
    membership = Membership.objects.create(
        user=user,
        organization=organization,
        role=role,
        can_vote=role == Role.REPRESENTATIVE,
    )
    perms.grant_role(membership)
    record_audit(
        actor=actor,
        verb=verb,
        target=organization,
        changes={"user": user.get_username(), "role": role},
    )
    return membership


def _other_representatives(organization: Organization, user) -> bool:
    return (
        Membership.objects.select_for_update()
        .filter(organization=organization, role=Role.REPRESENTATIVE)
        .exclude(user=user)
        .exists()
    )


def _membership(organization: Organization, user) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .select_related("user", "organization")
        .filter(organization=organization, user=user)
        .first()
    )
    if membership is None:
        raise NotFound(_("Questa persona non fa parte dell'organizzazione."))
    return membership


@transaction.atomic
def change_role(
    *,
    actor,
    organization: Organization,
    user,
    role: str | None = None,
    can_vote: bool | None = None,
) -> Membership:
    """Change a member's role, vote or both; what is not given stays as it is. A member
    made representative votes unless ``can_vote`` says otherwise."""
    require_manager(actor, organization)
    if role is not None:
        check_role(role)
    membership = _membership(organization, user)
    role = membership.role if role is None else role
    if (
        membership.role == Role.REPRESENTATIVE
        and role != Role.REPRESENTATIVE
        and not _other_representatives(organization, user)
    ):
        raise Conflict(LAST_REPRESENTATIVE, field="role")
    new = {"role": role}
    if can_vote is not None:
        new["can_vote"] = can_vote
    elif role == Role.REPRESENTATIVE:
        new["can_vote"] = True
    changes = diff_fields(membership, new)
    if not changes:
        return membership
    for name, value in new.items():
        setattr(membership, name, value)
    membership.save(update_fields=[*changes, "updated_at"])
    perms.grant_role(membership)
    # Sockets are authorized at their handshake: reconnecting checks the new role.
    close_sockets_of([user.pk])
    record_audit(
        actor=actor,
        verb="member.role_changed",
        target=organization,
        changes={"user": user.get_username(), **changes},
    )
    notify(
        recipients=[user],
        kind="member.role_changed",
        title=_("Il tuo ruolo in %(name)s è ora: %(role)s"),
        url=organization.get_absolute_url(),
        params={"name": organization.legal_name, "role": membership.get_role_display()},
        exclude=actor,
    )
    return membership


def _leave(*, actor, organization: Organization, user, verb: str) -> None:
    membership = _membership(organization, user)
    if membership.role == Role.REPRESENTATIVE and not _other_representatives(organization, user):
        raise Conflict(LAST_REPRESENTATIVE)
    membership.delete()
    perms.revoke_role(user, organization)
    close_sockets_of([user.pk])
    record_audit(actor=actor, verb=verb, target=organization, changes={"user": user.get_username()})


@transaction.atomic
def remove_member(*, actor, organization: Organization, user) -> None:
    if actor.pk == user.pk:
        return leave_organization(actor=actor, organization=organization)
    require_manager(actor, organization)
    _leave(actor=actor, organization=organization, user=user, verb="member.removed")
    notify(
        recipients=[user],
        kind="member.removed",
        title=_("Non fai più parte dell'organizzazione %(name)s"),
        params={"name": organization.legal_name},
    )


@transaction.atomic
def leave_organization(*, actor, organization: Organization) -> None:
    if not perms.is_member(actor, organization):
        raise NotFound(_("Non fai parte di questa organizzazione."))
    _leave(actor=actor, organization=organization, user=actor, verb="member.left")
