"""The content of a draft: its sections and its catalogue of services with their quality
commitments and providers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from carta.errors import Conflict, InvalidInput
from carta.models import Area
from carta.services import diff_fields, record_audit
from consultations.charter.governed_rules import governed_rule_problem
from consultations.charter.models import (
    KEY_MAX,
    Direction,
    GovernedRule,
    QualityCommitment,
    Revision,
    Section,
    Service,
)
from consultations.charter.services.common import (
    clean_text,
    locked,
    require_editor,
    require_open,
)


def _clean_key(value: str, *, field: str = "key") -> str:
    key = slugify(value or "")[:KEY_MAX]
    if not key:
        raise InvalidInput(_("Indica una chiave (lettere, numeri e trattini)."), field=field)
    return key


@transaction.atomic
def save_section(
    *,
    actor,
    revision: Revision,
    key: str,
    heading: str,
    body: str = "",
    parent_key: str = "",
    position: int | None = None,
) -> Section:
    """Create or change the section ``key`` of a draft."""
    require_editor(actor)
    revision = locked(revision)
    require_open(revision)
    key = _clean_key(key)
    heading = clean_text(heading, field="heading", max_length=255)
    body = clean_text(body, field="body", required=False)
    parent_key = slugify(parent_key or "")
    existing = {s.key: s for s in revision.sections.all()}
    if parent_key:
        if parent_key not in existing or parent_key == key:
            raise InvalidInput(_("La sezione madre indicata non esiste."), field="parent_key")
        ancestor = existing.get(parent_key)
        while ancestor is not None:
            if ancestor.key == key:
                raise InvalidInput(
                    _("Una sezione non può stare dentro una sua sottosezione."), field="parent_key"
                )
            ancestor = existing.get(ancestor.parent_key)
    section = existing.get(key)
    if position is None:
        position = section.position if section else len(existing)
    new = {"heading": heading, "body": body, "parent_key": parent_key, "position": position}
    if section is None:
        section = Section.objects.create(revision=revision, key=key, **new)
        record_audit(actor=actor, verb="carta.section_added", target=revision, changes={"key": key})
        return section
    changes = diff_fields(section, new)
    if changes:
        for name, value in new.items():
            setattr(section, name, value)
        section.save(update_fields=list(changes))
        record_audit(
            actor=actor,
            verb="carta.section_changed",
            target=revision,
            changes={"key": key, **{k: v for k, v in changes.items() if k != "body"}},
        )
    return section


@transaction.atomic
def delete_section(*, actor, revision: Revision, key: str) -> None:
    require_editor(actor)
    revision = locked(revision)
    require_open(revision)
    section = revision.sections.filter(key=key).first()
    if section is None:
        raise InvalidInput(_("La sezione indicata non esiste."), field="key")
    if revision.sections.filter(parent_key=key).exists():
        raise Conflict(_("La sezione ha delle sottosezioni: spostale o eliminale prima."))
    section.delete()
    record_audit(actor=actor, verb="carta.section_removed", target=revision, changes={"key": key})


def _refund(item: Mapping) -> dict:
    """The refund or indemnity a commitment promises when breached: what (text) and, when
    it is an amount, how much (euros, not negative)."""
    refund = clean_text(item.get("refund"), field="refund", required=False, max_length=255)
    amount = item.get("refund_amount")
    if amount in (None, ""):
        return {"refund": refund, "refund_amount": None}
    amount = _decimal(amount, "refund_amount")
    if amount < 0:
        raise InvalidInput(
            _("L'importo del rimborso non può essere negativo."), field="refund_amount"
        )
    if not refund:
        raise InvalidInput(
            _("Descrivi il rimborso o l'indennizzo a cui si riferisce l'importo."), field="refund"
        )
    return {"refund": refund, "refund_amount": amount}


def _check_governed_rules(service: Service, rows: list[QualityCommitment]) -> None:
    """Refuse a rule governed twice in the revision, by the service's new commitments or
    by those of its other services, and a target that does not suit its rule."""
    taken = dict(
        QualityCommitment.objects.filter(service__revision_id=service.revision_id)
        .exclude(service=service)
        .exclude(governs="")
        .values_list("governs", "service__title")
    )
    for row in rows:
        if not row.governs:
            continue
        if row.governs not in GovernedRule.values:
            raise InvalidInput(_("Regola della piattaforma sconosciuta."), field="governs")
        label = GovernedRule(row.governs).label
        if row.governs in taken:
            raise InvalidInput(
                _(
                    "Nella revisione un altro impegno (servizio «%(service)s») fissa già "
                    "la regola «%(rule)s»: una regola è fissata da un solo impegno."
                )
                % {"service": taken[row.governs], "rule": label},
                field="governs",
            )
        taken[row.governs] = service.title
        problem = governed_rule_problem(row)
        if problem:
            raise InvalidInput(problem, field="governs")


def _decimal(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("Indica un numero."), field=field) from None
    if not number.is_finite() or abs(number) >= Decimal("1e8"):
        raise InvalidInput(_("Indica un numero."), field=field)
    return number.quantize(Decimal("0.01"))


@transaction.atomic
def save_service(
    *,
    actor,
    revision: Revision,
    key: str,
    title: str,
    area: str,
    purposes: str = "",
    specific_objectives: str = "",
    main_functions: str = "",
    delivery_modalities: str = "",
    access_requirements: str = "",
    how_to_apply: str = "",
    where_and_when: str = "",
    documents_required: str = "",
    costs: str = "",
    position: int | None = None,
    commitments: Iterable[Mapping] | None = None,
    providers: Iterable | None = None,
) -> Service:
    """Create or change the service ``key`` of a draft; ``commitments`` (dicts with key,
    indicator, direction, target_value, unit, how_measured and optionally governs, refund,
    refund_amount) replace the existing ones. A commitment marked as governing a platform
    rule (``governs``) must be the only one of the revision to govern it, and its target
    must suit the rule (``InvalidInput`` on ``governs``); a refund amount needs the refund
    it pays (``InvalidInput`` on ``refund``)."""
    require_editor(actor)
    revision = locked(revision)
    require_open(revision)
    key = _clean_key(key)
    if area not in Area.values:
        raise InvalidInput(_("Scegli un'area di intervento."), field="area")
    values = {
        "title": clean_text(title, field="title", max_length=200),
        "area": area,
        "purposes": clean_text(purposes, field="purposes", required=False),
        "specific_objectives": clean_text(
            specific_objectives, field="specific_objectives", required=False
        ),
        "main_functions": clean_text(main_functions, field="main_functions", required=False),
        "delivery_modalities": clean_text(
            delivery_modalities, field="delivery_modalities", required=False
        ),
        "access_requirements": clean_text(
            access_requirements, field="access_requirements", required=False
        ),
        "how_to_apply": clean_text(how_to_apply, field="how_to_apply", required=False),
        "where_and_when": clean_text(where_and_when, field="where_and_when", required=False),
        "documents_required": clean_text(
            documents_required, field="documents_required", required=False
        ),
        "costs": clean_text(costs, field="costs", required=False),
    }
    service = revision.services.filter(key=key).first()
    if service is None:
        service = Service.objects.create(
            revision=revision,
            key=key,
            position=position if position is not None else revision.services.count(),
            **values,
        )
        verb, changes = "carta.service_added", {"key": key}
    else:
        changes = diff_fields(service, values)
        for name, value in values.items():
            setattr(service, name, value)
        if position is not None:
            service.position = position
        service.save()
        verb = "carta.service_changed"
        changes = {"key": key, "fields": sorted(changes)}
    if commitments is not None:
        rows, seen = [], set()
        for index, item in enumerate(commitments):
            ckey = _clean_key(item.get("key") or item.get("indicator", ""), field="commitments")
            if ckey in seen:
                raise InvalidInput(_("Due impegni hanno la stessa chiave."), field="commitments")
            seen.add(ckey)
            direction = item.get("direction") or Direction.AT_LEAST
            if direction not in Direction.values:
                raise InvalidInput(_("Verso dell'impegno non valido."), field="commitments")
            rows.append(
                QualityCommitment(
                    service=service,
                    key=ckey,
                    position=index,
                    indicator=clean_text(
                        item.get("indicator"), field="commitments", max_length=255
                    ),
                    direction=direction,
                    target_value=_decimal(item.get("target_value"), "commitments"),
                    unit=clean_text(
                        item.get("unit"), field="commitments", required=False, max_length=40
                    ),
                    how_measured=clean_text(
                        item.get("how_measured"), field="commitments", required=False
                    ),
                    **_refund(item),
                    governs=(item.get("governs") or "").strip(),
                )
            )
        _check_governed_rules(service, rows)
        service.commitments.all().delete()
        QualityCommitment.objects.bulk_create(rows)
    if providers is not None:
        service.provider_organizations.set(list(providers))
    record_audit(actor=actor, verb=verb, target=revision, changes=changes)
    return service


@transaction.atomic
def store_imported_services(*, actor, revision: Revision, services: Iterable[Mapping]) -> int:
    """Store the service cards a Markdown import found (``importer.parse(...,
    services=True)``) in the draft ``revision``, each through ``save_service`` (its checks,
    its audit row). Returns how many."""
    count = 0
    for position, card in enumerate(services):
        save_service(actor=actor, revision=revision, position=position, **dict(card))
        count += 1
    return count
