"""Writes of the stakeholders app: applications and decisions, members, invitations,
resources. Every function is keyword-only, takes the ``actor``, checks its right through
``stakeholders.permissions``, audits inside its transaction, and notifies (whose emails
and pushes leave after the commit).
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from carta.errors import Conflict, InvalidInput, NotAllowed, NotFound
from carta.models import Municipality
from carta.services import diff_fields, notify, record_audit
from stakeholders import permissions as perms
from stakeholders.models import (
    KINDS_WITHOUT_RUNTS,
    Invitation,
    Membership,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    Resource,
    ResourceKind,
    Role,
    Visibility,
)
from stakeholders.validators import normalize_tax_code, validate_areas, validate_tax_code

User = get_user_model()

INVITATION_DAYS = 7

ORGANIZATION_FIELDS = (
    "legal_name",
    "kind",
    "tax_code",
    "runts_number",
    "address",
    "areas",
    "email",
    "pec",
    "website",
    "description",
)
RESOURCE_FIELDS = (
    "kind",
    "title",
    "description",
    "areas",
    "capacity",
    "available_from",
    "available_until",
    "contact",
    "visibility",
)


# --- Validation helpers ---------------------------------------------------------------


def _field_error(error: ValidationError, field: str) -> InvalidInput:
    return InvalidInput(" ".join(error.messages), field=field)


def _check_choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        raise InvalidInput(
            gettext("Valore non ammesso: %(value)s.") % {"value": value}, field=field
        )
    return value


def _check_areas(areas: Any) -> list[str]:
    areas = list(areas or [])
    try:
        validate_areas(areas)
    except ValidationError as error:
        raise _field_error(error, "areas") from None
    return areas


def _municipalities(ids: Iterable | None) -> list[Municipality] | None:
    if ids is None:
        return None
    wanted = {int(getattr(item, "pk", item)) for item in ids}
    found = list(Municipality.objects.filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise InvalidInput(gettext("Comune sconosciuto."), field="municipalities")
    return found


def _clean_organization(data: dict, *, instance: Organization | None = None) -> dict:
    if "legal_name" in data:
        data["legal_name"] = (data["legal_name"] or "").strip()
        if not data["legal_name"]:
            raise InvalidInput(gettext("Indica la denominazione."), field="legal_name")
    if "kind" in data:
        _check_choice(data["kind"], OrganizationKind, "kind")
    if "tax_code" in data:
        data["tax_code"] = normalize_tax_code(data["tax_code"])
        try:
            validate_tax_code(data["tax_code"])
        except ValidationError as error:
            raise _field_error(error, "tax_code") from None
        duplicates = Organization.objects.filter(tax_code=data["tax_code"])
        if instance is not None:
            duplicates = duplicates.exclude(pk=instance.pk)
        if duplicates.exists():
            raise InvalidInput(
                gettext("Un'organizzazione con questo codice fiscale è già iscritta."),
                field="tax_code",
            )
    if "areas" in data:
        data["areas"] = _check_areas(data["areas"])
    for name in ("runts_number", "address", "email", "pec", "website", "description"):
        if name in data:
            data[name] = (data[name] or "").strip()
    kind = data.get("kind", instance.kind if instance else None)
    runts = data.get("runts_number", instance.runts_number if instance else "")
    if kind in KINDS_WITHOUT_RUNTS and runts:
        raise InvalidInput(
            gettext("Enti pubblici e gruppi informali non hanno un numero RUNTS."),
            field="runts_number",
        )
    return data


def _save_full_clean(obj, *, exclude: Iterable[str] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise InvalidInput(
            " ".join(messages), field=None if field == "__all__" else field
        ) from None
    obj.save()


def _representatives(organization: Organization) -> list:
    return [
        m.user
        for m in organization.memberships.filter(role=Role.REPRESENTATIVE).select_related("user")
    ]


def _org_url(organization: Organization) -> str:
    return reverse("organization", args=[organization.pk])


# --- Organizations --------------------------------------------------------------------


@transaction.atomic
def apply_organization(
    *,
    actor,
    legal_name: str,
    kind: str,
    tax_code: str,
    runts_number: str = "",
    address: str = "",
    municipalities: Iterable | None = None,
    areas: Iterable[str] = (),
    email: str = "",
    pec: str = "",
    website: str = "",
    description: str = "",
    accept_pact: bool = False,
) -> Organization:
    """Register an application; the actor becomes its first representative. With
    ``accept_pact`` the organization accepts the Carta in force: its revision number and
    the time are recorded (the pact)."""
    if not perms.can_apply(actor):
        raise NotAllowed(_("Accedi per presentare la domanda di adesione."))
    data = _clean_organization(
        {
            "legal_name": legal_name,
            "kind": kind,
            "tax_code": tax_code,
            "runts_number": runts_number,
            "address": address,
            "areas": areas,
            "email": email,
            "pec": pec,
            "website": website,
            "description": description,
        }
    )
    places = _municipalities(municipalities) or []
    organization = Organization(**data, status=OrganizationStatus.PENDING)
    if accept_pact:
        from consultations.charter.selectors import pact_revision_number

        organization.pact_accepted_at = timezone.now()
        organization.pact_revision_number = pact_revision_number()
    try:
        with transaction.atomic():
            _save_full_clean(organization, exclude=["tax_code"])
    except IntegrityError:
        raise InvalidInput(
            gettext("Un'organizzazione con questo codice fiscale è già iscritta."),
            field="tax_code",
        ) from None
    organization.municipalities.set(places)
    membership = Membership.objects.create(
        user=actor, organization=organization, role=Role.REPRESENTATIVE, can_vote=True
    )
    perms.grant_role(membership)
    record_audit(actor=actor, verb="organization.applied", target=organization)
    notify(
        recipients=User.objects.filter(groups__permissions__codename="decide_organization"),
        kind="organization.applied",
        title=_("Nuova domanda di adesione: %(name)s"),
        body=_("L'organizzazione %(name)s ha chiesto di aderire alla rete."),
        url=reverse("organization_queue"),
        params={"name": organization.legal_name},
        exclude=actor,
    )
    return organization


@transaction.atomic
def update_organization(*, actor, organization: Organization, **values) -> Organization:
    """Change the profile; only the given fields change. Representatives and administrators."""
    if not perms.can_change_profile(actor, organization):
        raise NotAllowed(_("Solo chi rappresenta l'organizzazione può modificarne il profilo."))
    unknown = set(values) - set(ORGANIZATION_FIELDS) - {"municipalities"}
    if unknown:
        raise InvalidInput(gettext("Campo non modificabile."), field=sorted(unknown)[0])
    places = _municipalities(values.pop("municipalities", None))
    data = _clean_organization(dict(values), instance=organization)
    changes = diff_fields(organization, data)
    for name, value in data.items():
        setattr(organization, name, value)
    if changes:
        _save_full_clean(organization, exclude=["tax_code"])
    if places is not None:
        before = {m.pk for m in organization.municipalities.all()}
        after = {m.pk for m in places}
        if before != after:
            organization.municipalities.set(places)
            changes["municipalities"] = [sorted(before), sorted(after)]
    if changes:
        record_audit(actor=actor, verb="organization.updated", target=organization, changes=changes)
    return organization


_DECISIONS = {
    # action: (allowed from, new status, audit verb, reason required, title)
    "verify": (
        {OrganizationStatus.PENDING, OrganizationStatus.REJECTED},
        OrganizationStatus.VERIFIED,
        "organization.verify",
        False,
        _("La vostra organizzazione %(name)s è stata verificata"),
    ),
    "reject": (
        {OrganizationStatus.PENDING},
        OrganizationStatus.REJECTED,
        "organization.reject",
        True,
        _("La domanda di adesione di %(name)s non è stata accolta"),
    ),
    "suspend": (
        {OrganizationStatus.VERIFIED},
        OrganizationStatus.SUSPENDED,
        "organization.suspend",
        True,
        _("L'organizzazione %(name)s è stata sospesa dalla rete"),
    ),
    "reinstate": (
        {OrganizationStatus.SUSPENDED},
        OrganizationStatus.VERIFIED,
        "organization.reinstate",
        False,
        _("L'organizzazione %(name)s è stata riammessa nella rete"),
    ),
}


def _decide(action: str, *, actor, organization: Organization, reason: str) -> Organization:
    allowed_from, new_status, verb, needs_reason, title = _DECISIONS[action]
    if not perms.can_decide(actor):
        raise NotAllowed(_("Solo l'Ufficio di Piano può decidere sulle domande di adesione."))
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    reason = (reason or "").strip()
    if needs_reason and not reason:
        raise InvalidInput(gettext("Indica la motivazione."), field="reason")
    if organization.status not in allowed_from:
        raise Conflict(
            gettext("L'operazione non è possibile: l'organizzazione è «%(status)s».")
            % {"status": organization.get_status_display()}
        )
    old_status = organization.status
    organization.status = new_status
    organization.status_reason = reason
    organization.decided_by = actor
    organization.decided_at = timezone.now()
    organization.save(
        update_fields=["status", "status_reason", "decided_by", "decided_at", "updated_at"]
    )
    record_audit(
        actor=actor,
        verb=verb,
        target=organization,
        reason=reason,
        changes={"status": [old_status, new_status]},
    )
    notify(
        recipients=_representatives(organization),
        kind=verb,
        title=title,
        body=_("Motivazione: %(reason)s") if reason else "",
        url=_org_url(organization),
        params={"name": organization.legal_name, "reason": reason},
    )
    return organization


@transaction.atomic
def verify_organization(*, actor, organization: Organization, reason: str = "") -> Organization:
    return _decide("verify", actor=actor, organization=organization, reason=reason)


@transaction.atomic
def reject_organization(*, actor, organization: Organization, reason: str) -> Organization:
    return _decide("reject", actor=actor, organization=organization, reason=reason)


@transaction.atomic
def suspend_organization(*, actor, organization: Organization, reason: str) -> Organization:
    return _decide("suspend", actor=actor, organization=organization, reason=reason)


@transaction.atomic
def reinstate_organization(*, actor, organization: Organization, reason: str = "") -> Organization:
    return _decide("reinstate", actor=actor, organization=organization, reason=reason)


DECISION_SERVICES = {
    "verify": verify_organization,
    "reject": reject_organization,
    "suspend": suspend_organization,
    "reinstate": reinstate_organization,
}


# --- Members --------------------------------------------------------------------------


def _require_manager(actor, organization: Organization) -> None:
    if not perms.can_manage_members(actor, organization):
        raise NotAllowed(_("Solo chi rappresenta l'organizzazione può gestirne i membri."))


def _check_role(role: str) -> str:
    return _check_choice(role, Role, "role")


def _other_representatives(organization: Organization, user) -> bool:
    return (
        Membership.objects.select_for_update()
        .filter(organization=organization, role=Role.REPRESENTATIVE)
        .exclude(user=user)
        .exists()
    )


LAST_REPRESENTATIVE = _(
    "L'organizzazione deve avere almeno un rappresentante: nomina prima un altro rappresentante."
)


def _join(*, actor, user, organization: Organization, role: str, verb: str) -> Membership:
    if Membership.objects.filter(user=user, organization=organization).exists():
        raise Conflict(_("Questa persona fa già parte dell'organizzazione."), field="username")
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


@transaction.atomic
def add_member(
    *, actor, organization: Organization, username: str, role: str = Role.MEMBER
) -> Membership:
    """Add a registered person by username."""
    _require_manager(actor, organization)
    _check_role(role)
    user = User.objects.filter(username__iexact=(username or "").strip(), is_active=True).first()
    if user is None:
        raise InvalidInput(gettext("Nessun utente con questo nome utente."), field="username")
    membership = _join(
        actor=actor, user=user, organization=organization, role=role, verb="member.added"
    )
    notify(
        recipients=[user],
        kind="member.added",
        title=_("Sei stato aggiunto all'organizzazione %(name)s"),
        body=_("Il tuo ruolo è: %(role)s."),
        url=_org_url(organization),
        params={"name": organization.legal_name, "role": membership.get_role_display()},
        exclude=actor,
    )
    return membership


@transaction.atomic
def invite_member(
    *, actor, organization: Organization, email: str, role: str = Role.MEMBER
) -> tuple[Invitation, str]:
    """Invite someone by email; returns the invitation and its token (shown only once)."""
    _require_manager(actor, organization)
    _check_role(role)
    email = User.objects.normalize_email((email or "").strip())
    try:
        from django.core.validators import validate_email

        validate_email(email)
    except ValidationError as error:
        raise _field_error(error, "email") from None
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise Conflict(_("Questa persona fa già parte dell'organizzazione."), field="email")
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
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
    existing = User.objects.filter(email__iexact=email, is_active=True).first()
    if existing is not None:
        notify(
            recipients=[existing],
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
    from django.conf import settings
    from django.core.mail import send_mail

    invitation = Invitation.objects.select_related("organization").get(pk=invitation_id)
    send_mail(
        subject=f"[{settings.CARTA_AMBITO_NAME}] "
        + gettext("Invito a far parte di %(name)s") % {"name": invitation.organization.legal_name},
        message=gettext(
            "Sei invitato a far parte dell'organizzazione %(name)s come %(role)s.\n"
            "Per accettare o rifiutare l'invito apri questo collegamento "
            "entro sette giorni:\n%(link)s"
        )
        % {
            "name": invitation.organization.legal_name,
            "role": invitation.get_role_display(),
            "link": f"{settings.CARTA_SITE_URL}{link}",
        },
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.email],
        fail_silently=True,
    )


def invitation_for_token(token: str, *, lock: bool = False) -> Invitation:
    """The invitation of a token, whatever its state; ``NotFound`` for an unknown token."""
    queryset = Invitation.objects.select_related("organization")
    if lock:
        queryset = queryset.select_for_update()
    invitation = queryset.filter(token_hash=Invitation.hash_token(token or "")).first()
    if invitation is None:
        raise NotFound(_("Invito non trovato. Controlla il collegamento ricevuto."))
    return invitation


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


@transaction.atomic
def accept_invitation(*, actor, token: str) -> Membership:
    if not getattr(actor, "is_authenticated", False):
        raise NotAllowed(_("Accedi o registrati per accettare l'invito."))
    invitation = invitation_for_token(token, lock=True)
    _check_open(invitation)
    membership = _join(
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
        url=_org_url(invitation.organization),
        params={"person": str(actor), "name": invitation.organization.legal_name},
        exclude=actor,
    )
    return membership


@transaction.atomic
def decline_invitation(*, actor, token: str) -> Invitation:
    invitation = invitation_for_token(token, lock=True)
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
    _require_manager(actor, invitation.organization)
    if invitation.is_used:
        raise Conflict(_("Questo invito è già stato usato."))
    record_audit(
        actor=actor,
        verb="member.invitation_revoked",
        target=invitation.organization,
        changes={"email": invitation.email},
    )
    invitation.delete()


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
    *, actor, organization: Organization, user, role: str, can_vote: bool | None = None
) -> Membership:
    _require_manager(actor, organization)
    _check_role(role)
    membership = _membership(organization, user)
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
        url=_org_url(organization),
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
    record_audit(actor=actor, verb=verb, target=organization, changes={"user": user.get_username()})


@transaction.atomic
def remove_member(*, actor, organization: Organization, user) -> None:
    if actor.pk == user.pk:
        return leave_organization(actor=actor, organization=organization)
    _require_manager(actor, organization)
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


# --- Resources ------------------------------------------------------------------------


def _clean_resource(data: dict) -> dict:
    if "kind" in data:
        _check_choice(data["kind"], ResourceKind, "kind")
    if "visibility" in data:
        _check_choice(data["visibility"], Visibility, "visibility")
    if "title" in data:
        data["title"] = (data["title"] or "").strip()
        if not data["title"]:
            raise InvalidInput(gettext("Indica un titolo."), field="title")
    if "areas" in data:
        data["areas"] = _check_areas(data["areas"])
    for name in ("description", "capacity", "contact"):
        if name in data:
            data[name] = (data[name] or "").strip()
    return data


def _check_period(resource: Resource) -> None:
    if (
        resource.available_from
        and resource.available_until
        and resource.available_until < resource.available_from
    ):
        raise InvalidInput(
            gettext("La data di fine disponibilità non può precedere quella di inizio."),
            field="available_until",
        )


@transaction.atomic
def create_resource(
    *,
    actor,
    organization: Organization,
    kind: str,
    title: str,
    description: str = "",
    areas: Iterable[str] = (),
    municipalities: Iterable | None = None,
    capacity: str = "",
    available_from: datetime.date | None = None,
    available_until: datetime.date | None = None,
    contact: str = "",
    visibility: str = Visibility.PUBLIC,
) -> Resource:
    if not perms.can_write_for(actor, organization):
        raise NotAllowed(_("Non puoi registrare risorse a nome di questa organizzazione."))
    data = _clean_resource(
        {
            "kind": kind,
            "title": title,
            "description": description,
            "areas": areas,
            "capacity": capacity,
            "available_from": available_from,
            "available_until": available_until,
            "contact": contact,
            "visibility": visibility,
        }
    )
    places = _municipalities(municipalities) or []
    resource = Resource(organization=organization, **data)
    _check_period(resource)
    _save_full_clean(resource)
    resource.municipalities.set(places)
    record_audit(actor=actor, verb="resource.created", target=resource)
    return resource


@transaction.atomic
def update_resource(*, actor, resource: Resource, **values) -> Resource:
    if not perms.can_write_for(actor, resource.organization):
        raise NotAllowed(_("Non puoi modificare le risorse di questa organizzazione."))
    unknown = set(values) - set(RESOURCE_FIELDS) - {"municipalities"}
    if unknown:
        raise InvalidInput(gettext("Campo non modificabile."), field=sorted(unknown)[0])
    places = _municipalities(values.pop("municipalities", None))
    data = _clean_resource(dict(values))
    changes = diff_fields(resource, data)
    for name, value in data.items():
        setattr(resource, name, value)
    _check_period(resource)
    if changes:
        _save_full_clean(resource)
    if places is not None:
        before = {m.pk for m in resource.municipalities.all()}
        after = {m.pk for m in places}
        if before != after:
            resource.municipalities.set(places)
            changes["municipalities"] = [sorted(before), sorted(after)]
    if changes:
        record_audit(actor=actor, verb="resource.updated", target=resource, changes=changes)
    return resource


@transaction.atomic
def delete_resource(*, actor, resource: Resource) -> None:
    if not perms.can_write_for(actor, resource.organization):
        raise NotAllowed(_("Non puoi eliminare le risorse di questa organizzazione."))
    record_audit(actor=actor, verb="resource.deleted", target=resource)
    resource.delete()
