"""Amendments to a revision, their supports, and the editors' decisions, which write an
accepted amendment into a draft."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carta.errors import Conflict, InvalidInput, NotAllowed
from carta.services import diff_fields, notify, record_audit
from consultations.charter import permissions as perms
from consultations.charter.models import (
    Amendment,
    AmendmentKind,
    AmendmentStatus,
    AmendmentSupport,
    Revision,
    Service,
)
from consultations.charter.services.common import (
    COMMENT_MAX,
    acting_for,
    clean_text,
    locked,
    require_open,
    require_participant,
)


def _service_changes(service: Service, changes: Mapping) -> dict:
    if not isinstance(changes, Mapping) or not changes:
        raise InvalidInput(_("Indica almeno un campo da modificare."), field="service_changes")
    clean = {}
    for name, value in changes.items():
        if name not in Service.TEXT_FIELDS:
            raise InvalidInput(
                _("Il campo «%(name)s» non può essere emendato.") % {"name": name},
                field="service_changes",
            )
        value = clean_text(value, field="service_changes", required=name == "title")
        if value != getattr(service, name):
            clean[name] = value
    if not clean:
        raise InvalidInput(
            _("I valori proposti sono uguali a quelli attuali."), field="service_changes"
        )
    return clean


@transaction.atomic
def propose_amendment(
    *,
    actor,
    revision: Revision,
    kind: str,
    target_key: str,
    new_text: str = "",
    service_changes: Mapping | None = None,
    rationale: str = "",
    organization=None,
) -> Amendment:
    """Propose replacement text for a section, or new values for a service's fields."""
    require_participant(actor, revision, for_organization=organization is not None)
    organization = acting_for(actor, organization)
    rationale = clean_text(rationale, field="rationale", required=False, max_length=COMMENT_MAX)
    if kind == AmendmentKind.SECTION:
        section = revision.sections.filter(key=target_key).first()
        if section is None:
            raise InvalidInput(
                _("La sezione indicata non esiste in questa revisione."), field="target_key"
            )
        new_text = clean_text(new_text, field="new_text")
        if new_text == section.body:
            raise InvalidInput(_("Il testo proposto è uguale a quello attuale."), field="new_text")
        fields = {"new_text": new_text, "base_text": section.body, "service_changes": {}}
    elif kind == AmendmentKind.SERVICE:
        service = revision.services.filter(key=target_key).first()
        if service is None:
            raise InvalidInput(
                _("Il servizio indicato non esiste in questa revisione."), field="target_key"
            )
        clean = _service_changes(service, service_changes or {})
        fields = {"new_text": "", "base_text": "", "service_changes": clean}
    else:
        raise InvalidInput(_("Tipo di emendamento non valido."), field="kind")
    amendment = Amendment.objects.create(
        revision=revision,
        kind=kind,
        target_key=target_key,
        rationale=rationale,
        author=actor,
        organization=organization,
        **fields,
    )
    record_audit(actor=actor, verb="carta.amendment_proposed", target=amendment)
    notify(
        recipients=perms.carta_editors(),
        kind="carta.amendment_proposed",
        title=gettext_lazy("Nuovo emendamento alla revisione %(number)s"),
        body=gettext_lazy("%(name)s propone una modifica a «%(key)s»."),
        params={"number": revision.number, "name": amendment.signed_as, "key": target_key},
        url=amendment.get_absolute_url(),
        exclude=actor,
    )
    return amendment


@transaction.atomic
def support_amendment(*, actor, amendment: Amendment, organization=None) -> AmendmentSupport:
    """One support per person, and one per organization (the database decides)."""
    amendment = Amendment.objects.select_related("revision").get(pk=amendment.pk)
    require_participant(actor, amendment.revision, for_organization=organization is not None)
    organization = acting_for(actor, organization)
    if amendment.status != AmendmentStatus.OPEN:
        raise Conflict(_("L'emendamento è già stato deciso."))
    if amendment.is_hidden:
        raise Conflict(_("L'emendamento è stato nascosto dalla moderazione."))
    try:
        with transaction.atomic():
            support = AmendmentSupport.objects.create(
                amendment=amendment, user=actor, organization=organization
            )
    except IntegrityError:
        raise Conflict(
            _("%(name)s ha già sostenuto questo emendamento.") % {"name": organization}
            if organization
            else _("Hai già sostenuto questo emendamento."),
            code="already_supported",
        ) from None
    record_audit(
        actor=actor,
        verb="carta.amendment_supported",
        target=amendment,
        changes={"organization": organization.pk if organization else None},
    )
    return support


def _apply(amendment: Amendment, draft: Revision) -> dict:
    """Write the amendment into ``draft``; the changes made, for the audit row."""
    if amendment.kind == AmendmentKind.SECTION:
        section = draft.sections.filter(key=amendment.target_key).first()
        if section is None:
            raise Conflict(_("La sezione emendata non esiste più nella bozza scelta."))
        old = section.body
        section.body = amendment.new_text
        section.save(update_fields=["body"])
        return {"section": amendment.target_key, "body": [len(old), len(section.body)]}
    service = draft.services.filter(key=amendment.target_key).first()
    if service is None:
        raise Conflict(_("Il servizio emendato non esiste più nella bozza scelta."))
    changes = diff_fields(service, amendment.service_changes)
    for name, value in amendment.service_changes.items():
        setattr(service, name, value)
    service.save(update_fields=list(amendment.service_changes))
    return {"service": amendment.target_key, "fields": sorted(changes)}


@transaction.atomic
def accept_amendment(
    *, actor, amendment: Amendment, into: Revision | None = None, reason: str = ""
) -> Amendment:
    """Accept the amendment into a draft (its own revision while open, or ``into``),
    changing that draft's text."""
    if not perms.can_decide(actor):
        raise NotAllowed(_("Solo la redazione della Carta decide sugli emendamenti."))
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    if amendment.status != AmendmentStatus.OPEN:
        raise Conflict(_("L'emendamento è già stato deciso."))
    draft = locked(into or amendment.revision)
    require_open(draft)
    applied = _apply(amendment, draft)
    amendment.status = AmendmentStatus.ACCEPTED
    amendment.decision_reason = (reason or "").strip()
    amendment.decided_by = actor
    amendment.decided_at = timezone.now()
    amendment.applied_to = draft
    amendment.save(
        update_fields=["status", "decision_reason", "decided_by", "decided_at", "applied_to"]
    )
    record_audit(
        actor=actor,
        verb="carta.amendment_accepted",
        target=amendment,
        reason=amendment.decision_reason,
        changes={"into": draft.number, **applied},
    )
    _tell_amendment(amendment, actor)
    return amendment


@transaction.atomic
def reject_amendment(*, actor, amendment: Amendment, reason: str) -> Amendment:
    if not perms.can_decide(actor):
        raise NotAllowed(_("Solo la redazione della Carta decide sugli emendamenti."))
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    if amendment.status != AmendmentStatus.OPEN:
        raise Conflict(_("L'emendamento è già stato deciso."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Spiega perché l'emendamento non è accolto."), field="reason")
    amendment.status = AmendmentStatus.REJECTED
    amendment.decision_reason = reason
    amendment.decided_by = actor
    amendment.decided_at = timezone.now()
    amendment.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    record_audit(actor=actor, verb="carta.amendment_rejected", target=amendment, reason=reason)
    _tell_amendment(amendment, actor)
    return amendment


def _tell_amendment(amendment: Amendment, actor) -> None:
    notify(
        recipients=[amendment.author],
        kind="carta.amendment_decided",
        title=gettext_lazy("Il tuo emendamento è stato %(status)s"),
        body=gettext_lazy("%(reason)s"),
        params={
            "status": amendment.get_status_display().lower(),
            "reason": amendment.decision_reason,
        },
        url=amendment.get_absolute_url(),
        exclude=actor,
    )
