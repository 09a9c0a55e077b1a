"""The network's open datasets for the catalogue (``carta.opendata.published_datasets``):
the public directory of organizations and the resources. Two queries each."""

from __future__ import annotations

from django.db.models import Max, Min
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carta.opendata import Dataset, Distribution, as_date
from stakeholders import exports


def _dates(queryset):
    span = queryset.order_by().aggregate(first=Min("created_at"), last=Max("updated_at"))
    if span["first"] is None:
        return None
    return as_date(span["first"]), as_date(span["last"])


def datasets() -> list[Dataset]:
    found = []
    organizations = _dates(exports.public_organizations())
    if organizations:
        found.append(
            Dataset(
                key="organizzazioni",
                title=_("La rete delle organizzazioni"),
                description=_(
                    "Le organizzazioni verificate della rete dell'Ambito: denominazione, "
                    "tipologia, codice fiscale, sede, comuni e aree in cui operano, contatti."
                ),
                landing_page=reverse("organizations"),
                themes=("SOCI",),
                frequency="UPDATE_CONT",
                issued=organizations[0],
                modified=organizations[1],
                distributions=(
                    Distribution("CSV", reverse("organizations_csv")),
                    Distribution("JSON", reverse("organizations_json")),
                ),
            )
        )
    resources = _dates(exports.public_resources())
    if resources:
        found.append(
            Dataset(
                key="risorse",
                title=_("Il catalogo delle risorse"),
                description=_(
                    "Servizi, spazi, mezzi e competenze che le organizzazioni della rete "
                    "mettono a disposizione, con i comuni coperti e i contatti."
                ),
                landing_page=reverse("resources"),
                themes=("SOCI",),
                frequency="UPDATE_CONT",
                issued=resources[0],
                modified=resources[1],
                distributions=(
                    Distribution("CSV", reverse("resources_csv")),
                    Distribution("JSON", reverse("resources_json")),
                ),
            )
        )
    return found
