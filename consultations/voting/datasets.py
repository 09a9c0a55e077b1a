"""The consultations' open dataset for the catalogue (``carta.opendata.published_datasets``):
the results of every closed consultation, as JSON and CSV (``views.consultation_results_*``).
One query; none published before the first closing."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carta.opendata import Dataset, Distribution, as_date
from consultations.voting import permissions

# The catalogue lists the latest closed consultations; the landing page lists them all.
LIMIT = 200


def datasets() -> list[Dataset]:
    now = timezone.now()
    closed = list(
        permissions.consultations_visible_to(AnonymousUser())
        .filter(Q(closes_at__lte=now) | Q(closed_early_at__lte=now))
        .order_by("-closes_at", "-id")[:LIMIT]
    )
    if not closed:
        return []
    distributions = []
    for consultation in closed:
        for fmt, route in (
            ("JSON", "consultation_results_json"),
            ("CSV", "consultation_results_csv"),
        ):
            distributions.append(
                Distribution(fmt, reverse(route, args=[consultation.pk]), consultation.title)
            )
    return [
        Dataset(
            key="risultati-consultazioni",
            title=_("I risultati delle consultazioni"),
            description=_(
                "I risultati delle consultazioni e delle votazioni chiuse: votanti, "
                "affluenza, quorum e voti per domanda e opzione, per ciascun elettorato."
            ),
            landing_page=reverse("consultations"),
            themes=("GOVE", "SOCI"),
            frequency="IRREG",
            issued=as_date(min(c.effective_closes_at for c in closed)),
            modified=as_date(max(c.effective_closes_at for c in closed)),
            distributions=tuple(distributions),
        )
    ]
