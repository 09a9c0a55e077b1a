"""The commitments dashboard's open dataset for the catalogue
(``carta.opendata.published_datasets``): the quality commitments' measured values,
satisfaction and complaints per quarter, as CSV and JSON. Two queries."""

from __future__ import annotations

from django.db.models import Max, Min
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carta.opendata import Dataset, Distribution, as_date
from feedback.models import CommitmentMeasurement


def datasets() -> list[Dataset]:
    span = CommitmentMeasurement.objects.aggregate(
        first=Min("recorded_at"), last=Max("recorded_at")
    )
    if span["first"] is None:
        return []
    return [
        Dataset(
            key="impegni-di-qualita",
            title=_("Gli impegni di qualità della Carta"),
            description=_(
                "Per ogni impegno di qualità della Carta in vigore: il valore misurato in "
                "ciascun trimestre e se l'impegno è stato rispettato, la soddisfazione "
                "espressa e i reclami ricevuti."
            ),
            landing_page=reverse("feedback_dashboard"),
            themes=("SOCI", "GOVE"),
            frequency="QUARTERLY",
            issued=as_date(span["first"]),
            modified=as_date(span["last"]),
            distributions=(
                Distribution("CSV", reverse("feedback_dashboard_csv")),
                Distribution("JSON", reverse("api-dashboard")),
            ),
        )
    ]
