"""Open data of the network: the public directory of organizations and the catalogue of
resources, as CSV and JSON (docs/open-data.md).

Only what anyone may read: the rows come from the list pages' selectors asked as an
anonymous visitor (verified organizations; public resources of verified organizations),
whoever downloads, so that a member's or the staff's download never carries what the
public page does not show. The columns are the public fields of the detail pages; the
organization's status, its reasons, pact dates and the people in it are never exported.
Rows are read in chunks and streamed (``carta.opendata``): 100,000 rows cost the same
memory as 2,000.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from carta import opendata
from stakeholders import selectors
from stakeholders.models import Organization, Resource

ORGANIZATION_COLUMNS = [
    "id",
    "denominazione",
    "tipologia",
    "codice_fiscale",
    "numero_runts",
    "sede",
    "comuni",
    "aree_di_intervento",
    "email",
    "pec",
    "sito_web",
    "descrizione",
    "pagina",
]

RESOURCE_COLUMNS = [
    "id",
    "titolo",
    "tipologia",
    "organizzazione_id",
    "organizzazione",
    "descrizione",
    "comuni",
    "aree_di_intervento",
    "capacita",
    "disponibile_dal",
    "disponibile_al",
    "contatto",
    "pagina",
]


def public_organizations(**filters) -> QuerySet[Organization]:
    """The directory as the public sees it, in the page's order (``filters`` as the list
    page's: ``q``, ``kind``, ``area``, ``municipality``)."""
    return selectors.organization_list(AnonymousUser(), **filters).order_by("legal_name", "id")


def public_resources(**filters) -> QuerySet[Resource]:
    """The resources as the public sees them (``filters`` as the list page's)."""
    return selectors.resource_list(AnonymousUser(), **filters).order_by("title", "id")


def _site() -> str:
    from django.conf import settings  # noqa: PLC0415

    return settings.CARTA_SITE_URL.rstrip("/")


def organization_record(o: Organization) -> dict:
    # A profile a moderator hid keeps its name, kind and status in public view, not the
    # text the organization wrote about itself (description and website).
    hidden = o.is_hidden
    return {
        "id": o.pk,
        "legal_name": o.legal_name,
        "kind": o.kind,
        "kind_label": str(o.get_kind_display()),
        "tax_code": o.tax_code,
        "runts_number": o.runts_number,
        "address": o.address,
        "municipalities": [m.name for m in o.municipalities.all()],
        "areas": list(o.areas),
        "email": o.email,
        "pec": o.pec,
        "website": "" if hidden else o.website,
        "description": "" if hidden else o.description,
        "url": _site() + o.get_absolute_url(),
    }


def organization_row(o: Organization) -> list:
    r = organization_record(o)
    return [
        r["id"],
        r["legal_name"],
        r["kind_label"],
        r["tax_code"],
        r["runts_number"],
        r["address"],
        "; ".join(r["municipalities"]),
        "; ".join(o.area_labels()),
        r["email"],
        r["pec"],
        r["website"],
        r["description"],
        r["url"],
    ]


def resource_record(r: Resource) -> dict:
    return {
        "id": r.pk,
        "title": r.title,
        "kind": r.kind,
        "kind_label": str(r.get_kind_display()),
        "organization": {"id": r.organization_id, "legal_name": r.organization.legal_name},
        "description": r.description,
        "municipalities": [m.name for m in r.municipalities.all()],
        "areas": list(r.areas),
        "capacity": r.capacity,
        "available_from": r.available_from.isoformat() if r.available_from else None,
        "available_until": r.available_until.isoformat() if r.available_until else None,
        "contact": r.contact,
        "url": _site() + r.get_absolute_url(),
    }


def resource_row(r: Resource) -> list:
    d = resource_record(r)
    return [
        d["id"],
        d["title"],
        d["kind_label"],
        d["organization"]["id"],
        d["organization"]["legal_name"],
        d["description"],
        "; ".join(d["municipalities"]),
        "; ".join(r.area_labels()),
        d["capacity"],
        d["available_from"] or "",
        d["available_until"] or "",
        d["contact"],
        d["url"],
    ]


def organization_rows(**filters) -> Iterator[list]:
    return opendata.iter_rows(public_organizations(**filters), organization_row)


def resource_rows(**filters) -> Iterator[list]:
    return opendata.iter_rows(public_resources(**filters), resource_row)


def organization_records(**filters) -> Iterator[dict]:
    return opendata.iter_rows(public_organizations(**filters), organization_record)


def resource_records(**filters) -> Iterator[dict]:
    return opendata.iter_rows(public_resources(**filters), resource_record)
