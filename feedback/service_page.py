"""What the feedback app adds to the Carta's page of a service (registered with
``consultations.charter.service_extras`` in ``FeedbackConfig.ready``): the buttons to
evaluate the service or file a complaint about it, with the service chosen; the latest
result of each of its commitments; its improvement actions still open."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

from consultations.charter.models import Service
from feedback.models import PENDING_IMPROVEMENT_STATUSES, ImprovementAction
from feedback.selectors import latest_measurements
from feedback.verdicts import is_met


def service_extras(request, service: Service) -> str:
    """The fragment for ``service`` (of the revision in force): two queries, the latest
    measurements of its commitments and their pending improvement actions (the
    commitments come prefetched with the service)."""
    commitments = list(service.commitments.all())
    keys = [c.key for c in commitments]
    latest: dict[str, object] = {}
    for measurement in (
        latest_measurements().filter(commitment_key__in=keys).order_by("commitment_key", "-period")
    ):
        latest.setdefault(measurement.commitment_key, measurement)
    results = []
    for commitment in commitments:
        measurement = latest.get(commitment.key)
        results.append(
            {
                "commitment": commitment,
                "measurement": measurement,
                "met": (
                    is_met(measurement.value, commitment.target_value, commitment.direction)
                    if measurement is not None
                    else None
                ),
            }
        )
    indicators = {c.key: c.indicator for c in commitments}
    actions = [
        {"action": action, "indicator": indicators.get(action.commitment_key, "")}
        for action in ImprovementAction.objects.filter(
            commitment_key__in=keys, status__in=PENDING_IMPROVEMENT_STATUSES
        ).order_by("period", "commitment_key")
    ]
    return render_to_string(
        "feedback/_service_extras.html",
        {
            "service": service,
            "results": results,
            "any_result": bool(latest),
            "actions": actions,
            "evaluate_url": f"{reverse('feedback_evaluate')}?servizio={service.pk}",
            "complaint_url": f"{reverse('feedback_complaint')}?servizio={service.pk}",
            "dashboard_url": reverse("feedback_dashboard"),
        },
        request=request,
    )
