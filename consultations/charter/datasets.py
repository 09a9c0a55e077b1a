"""The Carta's open dataset for the catalogue (``carta.opendata.published_datasets``): the
Carta in force as JSON (``exports.open_data``). Two queries; none published before the
first adoption."""

from __future__ import annotations

from django.db.models import Min
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carta.opendata import Dataset, Distribution, as_date
from consultations.charter import selectors
from consultations.charter.models import Revision


def datasets() -> list[Dataset]:
    revision = selectors.revision_in_force()
    if revision is None:
        return []
    first = Revision.objects.filter(adopted_at__isnull=False).aggregate(first=Min("adopted_at"))
    return [
        Dataset(
            key="carta-dei-servizi",
            title=_("La Carta dei servizi in vigore"),
            description=_(
                "La Carta dei servizi e della cittadinanza sociale in vigore: sezioni, "
                "servizi con requisiti, costi e modalità di accesso, impegni di qualità e "
                "rimborsi previsti."
            ),
            landing_page=reverse("carta_in_force"),
            themes=("SOCI", "GOVE"),
            frequency="IRREG",
            issued=as_date(first["first"] or revision.adopted_at or revision.created_at),
            modified=as_date(revision.adopted_at or revision.updated_at),
            distributions=(Distribution("JSON", reverse("carta_open_data")),),
        )
    ]
