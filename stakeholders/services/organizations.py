"""Writes on organizations: the application (with the pact), the profile, and the
decisions of the Ufficio di Piano (verify, reject, suspend, reinstate)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from carta.errors import Conflict, InvalidInput, NotAllowed
from carta.events import close_sockets_of
from carta.permissions import check_may_take_part
from carta.services import diff_fields, notify, record_audit
from stakeholders import pact
from stakeholders import permissions as perms
from stakeholders.models import (
    KINDS_WITHOUT_RUNTS,
    TAX_CODE_TAKEN,
    Membership,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    Role,
)
from stakeholders.services.pact import ask_renewal_if_behind, record_pact_acceptance
from stakeholders.services.validation import (
    check_areas,
    check_choice,
    field_error,
    municipalities_from,
    save_full_clean,
    set_municipalities,
)
from stakeholders.validators import normalize_tax_code, validate_tax_code

User = get_user_model()

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
DUPLICATE_TAX_CODE = _("Un'organizzazione con questo codice fiscale è già iscritta.")


def _clean_organization(data: dict, *, instance: Organization | None = None) -> dict:
    if "legal_name" in data:
        data["legal_name"] = (data["legal_name"] or "").strip()
        if not data["legal_name"]:
            raise InvalidInput(gettext("Indica la denominazione."), field="legal_name")
    if "kind" in data:
        check_choice(data["kind"], OrganizationKind, "kind")
    if "tax_code" in data:
        data["tax_code"] = normalize_tax_code(data["tax_code"])
        try:
            validate_tax_code(data["tax_code"])
        except ValidationError as error:
            raise field_error(error, "tax_code") from None
        # A rejected application does not hold its tax code: it may be corrected and
        # presented again (a new row; the rejected one stays in the history).
        duplicates = Organization.objects.filter(tax_code=data["tax_code"]).filter(TAX_CODE_TAKEN)
        if instance is not None:
            duplicates = duplicates.exclude(pk=instance.pk)
        if duplicates.exists():
            raise InvalidInput(DUPLICATE_TAX_CODE, field="tax_code")
    if "areas" in data:
        data["areas"] = check_areas(data["areas"])
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
    ``accept_pact`` the organization accepts the Carta in force: its revision number (from
    ``stakeholders.pact``) and the time are recorded (the pact).

    A tax code is taken by a pending, verified or suspended organization (``InvalidInput``
    on ``tax_code``, "già iscritta"); after a rejection it may apply again: a new
    application, while the rejected one stays as it was, in the history staff read. Two
    applications at once with one tax code: the conditional unique constraint lets one
    through, the other gets the same ``InvalidInput``."""
    check_may_take_part(actor, _("Accedi per presentare la domanda di adesione."))
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
    places = municipalities_from(municipalities) or []
    organization = Organization(**data, status=OrganizationStatus.PENDING)
    try:
        with transaction.atomic():
            save_full_clean(organization, exclude=["tax_code"])
    except IntegrityError:
        raise InvalidInput(DUPLICATE_TAX_CODE, field="tax_code") from None
    organization.municipalities.set(places)
    membership = Membership.objects.create(
        user=actor, organization=organization, role=Role.REPRESENTATIVE, can_vote=True
    )
    perms.grant_role(membership)
    earlier = list(
        Organization.objects.filter(
            tax_code=organization.tax_code, status=OrganizationStatus.REJECTED
        ).values_list("pk", flat=True)
    )
    record_audit(
        actor=actor,
        verb="organization.applied",
        target=organization,
        changes={"rejected_applications": earlier} if earlier else None,
    )
    if accept_pact:
        record_pact_acceptance(
            organization,
            actor=actor,
            revision_number=pact.revision_in_force_number(),
            now=timezone.now(),
        )
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
    places = municipalities_from(values.pop("municipalities", None))
    data = _clean_organization(dict(values), instance=organization)
    changes = diff_fields(organization, data)
    for name, value in data.items():
        setattr(organization, name, value)
    if changes:
        save_full_clean(organization, exclude=["tax_code"])
    set_municipalities(organization, places, changes)
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


def _check_pact_for_verification(organization: Organization) -> None:
    """Verification requires the pact on the revision in force (one query for it);
    ``Conflict`` (409, code ``pact_required``) saying what is missing. With no revision in
    force the pact accepted without a number suffices."""
    in_force = pact.revision_in_force_number()
    if perms.pact_is_current(organization, in_force):
        return
    if organization.pact_accepted_at is None:
        message = gettext(
            "L'organizzazione non ha ancora accettato il patto: potrai verificarla quando chi "
            "la rappresenta lo avrà accettato dalla pagina dell'organizzazione."
        )
    else:
        message = gettext(
            "L'organizzazione ha accettato il patto su una revisione della Carta che non è "
            "più in vigore: potrai verificarla quando chi la rappresenta lo avrà rinnovato "
            "sulla revisione n. %(number)s."
        ) % {"number": in_force}
    raise Conflict(message, code="pact_required")


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
    if action == "verify":
        _check_pact_for_verification(organization)
    old_status = organization.status
    organization.status = new_status
    organization.status_reason = reason
    organization.decided_by = actor
    organization.decided_at = timezone.now()
    try:
        with transaction.atomic():
            organization.save(
                update_fields=["status", "status_reason", "decided_by", "decided_at", "updated_at"]
            )
    except IntegrityError:
        # A rejected application verified after all, while a newer one holds its tax code.
        raise Conflict(
            gettext(
                "Un'altra domanda con lo stesso codice fiscale è in corso o già accolta: "
                "decidi su quella."
            ),
            code="tax_code_taken",
        ) from None
    record_audit(
        actor=actor,
        verb=verb,
        target=organization,
        reason=reason,
        changes={"status": [old_status, new_status]},
    )
    if action == "reinstate":
        # Back in the network: a Carta that took effect meanwhile is to be renewed too.
        ask_renewal_if_behind(organization, actor=actor)
    if new_status not in perms.ACTIVE_STATUSES:
        # Rejected or suspended: its members lose what they followed in its name.
        close_sockets_of(organization.memberships.values_list("user_id", flat=True))
    representatives = organization.memberships.filter(role=Role.REPRESENTATIVE)
    notify(
        recipients=[m.user for m in representatives.select_related("user")],
        kind=verb,
        title=title,
        body=_("Motivazione: %(reason)s") if reason else "",
        url=organization.get_absolute_url(),
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
