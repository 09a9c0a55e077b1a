"""Writes on resources: what an organization brings to the network."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from carta.errors import InvalidInput, NotAllowed
from carta.services import diff_fields, record_audit
from stakeholders import permissions as perms
from stakeholders.models import Organization, Resource, ResourceKind, Visibility
from stakeholders.services.validation import (
    check_areas,
    check_choice,
    municipalities_from,
    save_full_clean,
    set_municipalities,
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


def _clean_resource(data: dict) -> dict:
    if "kind" in data:
        check_choice(data["kind"], ResourceKind, "kind")
    if "visibility" in data:
        check_choice(data["visibility"], Visibility, "visibility")
    if "title" in data:
        data["title"] = (data["title"] or "").strip()
        if not data["title"]:
            raise InvalidInput(gettext("Indica un titolo."), field="title")
    if "areas" in data:
        data["areas"] = check_areas(data["areas"])
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
    places = municipalities_from(municipalities) or []
    resource = Resource(organization=organization, **data)
    _check_period(resource)
    save_full_clean(resource)
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
    places = municipalities_from(values.pop("municipalities", None))
    data = _clean_resource(dict(values))
    changes = diff_fields(resource, data)
    for name, value in data.items():
        setattr(resource, name, value)
    _check_period(resource)
    if changes:
        save_full_clean(resource)
    set_municipalities(resource, places, changes)
    if changes:
        record_audit(actor=actor, verb="resource.updated", target=resource, changes=changes)
    return resource


@transaction.atomic
def delete_resource(*, actor, resource: Resource) -> None:
    if not perms.can_write_for(actor, resource.organization):
        raise NotAllowed(_("Non puoi eliminare le risorse di questa organizzazione."))
    record_audit(actor=actor, verb="resource.deleted", target=resource)
    resource.delete()
