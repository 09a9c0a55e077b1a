"""The feedback app's flags for a new draft of the Carta (registered with
``consultations.charter.draft_flags`` in ``FeedbackConfig.ready``): in the revision the
draft was copied from, each commitment whose latest validated measurement missed its
target, and each commitment that drew complaints judged founded or partly founded."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from consultations.charter.draft_flags import DraftFlag
from consultations.charter.models import QualityCommitment, Revision
from feedback.models import FOUNDED_JUDGEMENTS, Complaint
from feedback.selectors import latest_measurements
from feedback.verdicts import is_met


def draft_flags(source: Revision) -> list[DraftFlag]:
    """Three queries: the source's commitments, their latest measurements, the founded
    complaints per commitment of the source."""
    commitments = {
        c.key: c
        for c in QualityCommitment.objects.filter(service__revision=source).select_related(
            "service"
        )
    }
    flags = []
    latest = {}
    for measurement in (
        latest_measurements()
        .filter(commitment_key__in=list(commitments))
        .order_by("commitment_key", "-period")
    ):
        latest.setdefault(measurement.commitment_key, measurement)
    for key, measurement in latest.items():
        commitment = commitments[key]
        if not is_met(measurement.value, commitment.target_value, commitment.direction):
            value = f"{measurement.value.normalize():f}".replace(".", ",")
            flags.append(
                DraftFlag(
                    commitment.service.key,
                    key,
                    _(
                        "Impegno «%(indicator)s» non rispettato nell'ultima misurazione "
                        "(%(period)s: %(value)s %(unit)s; obiettivo %(target)s)."
                    )
                    % {
                        "indicator": commitment.indicator,
                        "period": measurement.period,
                        "value": value,
                        "unit": commitment.unit,
                        "target": commitment.target_label,
                    },
                )
            )
    founded = (
        Complaint.objects.filter(
            commitment__service__revision=source, judgement__in=FOUNDED_JUDGEMENTS
        )
        .values("commitment_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_id = {c.pk: c for c in commitments.values()}
    for row in founded:
        commitment = by_id.get(row["commitment_id"])
        if commitment is None:
            continue
        flags.append(
            DraftFlag(
                commitment.service.key,
                commitment.key,
                ngettext(
                    "Impegno «%(indicator)s»: %(n)s reclamo giudicato fondato.",
                    "Impegno «%(indicator)s»: %(n)s reclami giudicati fondati.",
                    row["n"],
                )
                % {"indicator": commitment.indicator, "n": row["n"]},
            )
        )
    return flags
