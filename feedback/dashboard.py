"""The commitments dashboard: for each service of the Carta in force, each quality
commitment's target against the values measured per quarter, satisfaction averages and
counts, and complaint figures (received, median response time, share answered in time);
each commitment also counts the complaints found founded or partly founded that name it,
per quarter of receipt.

``build_dashboard`` costs a fixed number of queries whatever the number of services,
quarters and rows: two for the Carta (services, commitments), one for the measurements,
one aggregate over evaluations, one aggregate over complaints, one list of response
times for the medians (medians are not portable SQL aggregates: SQLite lacks one; the
list holds two timestamps per answered complaint in the window).
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from decimal import Decimal

from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback import charter, periods
from feedback.models import (
    FOUNDED_JUDGEMENTS,
    OPEN_STATUSES,
    Complaint,
    Evaluation,
    ImprovementAction,
    RefundStatus,
)
from feedback.selectors import latest_measurements
from feedback.services import RATINGS
from feedback.verdicts import is_met

NO_SERVICE = ""


def _round(value, digits=2):
    return None if value is None else round(float(value), digits)


def _empty_satisfaction() -> dict:
    return {"count": 0, **dict.fromkeys(RATINGS)}


def _empty_complaints() -> dict:
    return {
        "received": 0,
        "answered": 0,
        "answered_in_time": 0,
        "due": 0,
        "in_time_share": None,
        "median_response_days": None,
        "open": 0,
        "overdue": 0,
    }


def _empty_refunds() -> dict:
    return {"due": 0, "due_amount": Decimal("0.00"), "paid": 0, "paid_amount": Decimal("0.00")}


def _add_refunds(out: dict, row: dict) -> None:
    out["due"] += row["refunds_due"]
    out["paid"] += row["refunds_paid"]
    out["due_amount"] += row["refunds_due_amount"] or Decimal("0.00")
    out["paid_amount"] += row["refunds_paid_amount"] or Decimal("0.00")


def _weighted(rows: list[dict]) -> dict:
    """Totals of several (service or quarter) satisfaction rows, weighted by count."""
    total = sum(row["count"] for row in rows)
    out = {"count": total}
    for name in RATINGS:
        weighted = sum((row[name] or 0) * row["count"] for row in rows)
        out[name] = _round(weighted / total) if total else None
    return out


def build_dashboard(
    *, quarters: list[str] | None = None, staff: bool = False, now: datetime.datetime | None = None
) -> dict:
    """Every figure of the dashboard as plain data (for pages, API and CSV).

    ``staff`` adds who recorded each measurement, its note, and open and overdue counts.
    """
    now = now or timezone.now()
    quarters = quarters or periods.recent_quarters(4, until=now)
    catalogue = charter.catalogue()
    service_keys = [s.key for s in catalogue]
    commitment_keys = [c.key for s in catalogue for c in s.commitments.all()]

    # The latest version of each (commitment, quarter): corrections replace the figure,
    # their history stays in the table (``selectors.measurement_history``).
    measurements = latest_measurements().filter(
        commitment_key__in=commitment_keys, period__in=quarters
    )
    if staff:
        measurements = measurements.select_related("recorded_by")
    measured = {(m.commitment_key, m.period): m for m in measurements}
    actions = {
        (a.commitment_key, a.period): a
        for a in ImprovementAction.objects.filter(
            commitment_key__in=commitment_keys, period__in=quarters
        )
    }

    satisfaction: dict[tuple[str, str], dict] = {}
    for row in (
        Evaluation.objects.filter(service_key__in=service_keys, period__in=quarters)
        .values("service_key", "period")
        .annotate(count=Count("id"), **{name: Avg(name) for name in RATINGS})
        .order_by()
    ):
        satisfaction[(row["service_key"], row["period"])] = {
            "count": row["count"],
            **{name: _round(row[name]) for name in RATINGS},
        }

    open_q = Q(status__in=OPEN_STATUSES)
    complaints: dict[tuple[str, str], dict] = {}
    # Founded (and partly founded) complaints per commitment key and quarter of receipt:
    # the same aggregate, grouped also by commitment, so that it costs no query of its own.
    founded: dict[tuple[str, str], int] = defaultdict(int)
    # Refunds the Carta promises, owed on founded complaints: per commitment and overall.
    refunds_by_key: dict[str, dict] = defaultdict(_empty_refunds)
    refunds = _empty_refunds()
    due_q, paid_q = Q(refund_status=RefundStatus.DUE), Q(refund_status=RefundStatus.PAID)
    for row in (
        Complaint.objects.filter(period__in=quarters)
        .values("service_key", "commitment_key", "period")
        .annotate(
            founded=Count("id", filter=Q(judgement__in=FOUNDED_JUDGEMENTS)),
            received=Count("id"),
            answered=Count("id", filter=Q(first_answered_at__isnull=False)),
            answered_in_time=Count("id", filter=Q(answered_in_time=True)),
            open=Count("id", filter=open_q),
            overdue=Count(
                "id", filter=open_q & Q(deadline_at__lt=now, first_answered_at__isnull=True)
            ),
            refunds_due=Count("id", filter=due_q),
            refunds_due_amount=Sum("refund_amount", filter=due_q),
            refunds_paid=Count("id", filter=paid_q),
            refunds_paid_amount=Sum("refund_amount", filter=paid_q),
        )
        .order_by()
    ):
        if row["commitment_key"]:
            founded[(row["commitment_key"], row["period"])] += row["founded"]
            _add_refunds(refunds_by_key[row["commitment_key"]], row)
        _add_refunds(refunds, row)
        figures = complaints.setdefault((row["service_key"], row["period"]), _empty_complaints())
        for name in ("received", "answered", "answered_in_time", "open", "overdue"):
            figures[name] += row[name]

    durations: dict[tuple[str, str], list[float]] = defaultdict(list)
    for key, period, received, answered in Complaint.objects.filter(
        period__in=quarters, first_answered_at__isnull=False
    ).values_list("service_key", "period", "received_at", "first_answered_at"):
        durations[(key, period)].append(periods.days_between(received, answered))

    def complaint_figures(keys: list[str], period_list: list[str]) -> dict:
        out = _empty_complaints()
        days: list[float] = []
        for key in keys:
            for period in period_list:
                row = complaints.get((key, period))
                days.extend(durations.get((key, period), ()))
                if row:
                    for name in ("received", "answered", "answered_in_time", "open", "overdue"):
                        out[name] += row[name]
        # A complaint counts towards the share once it is answered or its deadline passed.
        out["due"] = out["answered"] + out["overdue"]
        out["in_time_share"] = (
            _round(out["answered_in_time"] / out["due"], 4) if out["due"] else None
        )
        out["median_response_days"] = _round(statistics.median(days), 1) if days else None
        if not staff:
            out.pop("open")
            out.pop("overdue")
        return out

    services_out = []
    for service in catalogue:
        commitments_out = []
        improvement = []
        for commitment in service.commitments.all():
            by_period = {}
            for period in quarters:
                m = measured.get((commitment.key, period))
                if m is None:
                    by_period[period] = None
                    continue
                entry = {
                    "value": m.value,
                    "met": is_met(m.value, commitment.target_value, commitment.direction),
                    "version": m.version,
                    "corrected": m.version > 1,
                    "improvement_action": _action_entry(actions.get((commitment.key, period))),
                }
                if staff:
                    entry.update(
                        note=m.note,
                        recorded_by=str(m.recorded_by) if m.recorded_by else "",
                        recorded_at=m.recorded_at,
                    )
                by_period[period] = entry
            improvement += [
                {
                    "indicator": commitment.indicator,
                    "period": p,
                    "action": entry["improvement_action"],
                }
                for p, entry in by_period.items()
                if entry and entry["improvement_action"]
            ]
            latest = next((by_period[p] for p in reversed(quarters) if by_period[p]), None)
            founded_by_period = {p: founded.get((commitment.key, p), 0) for p in quarters}
            commitments_out.append(
                {
                    "id": commitment.id,
                    "key": commitment.key,
                    "indicator": commitment.indicator,
                    "target": commitment.target_value,
                    "unit": commitment.unit,
                    "how_measured": commitment.how_measured,
                    "direction": commitment.direction,
                    "periods": by_period,
                    "latest_met": latest["met"] if latest else None,
                    "founded_complaints": founded_by_period,
                    "founded_complaints_total": sum(founded_by_period.values()),
                    "refund": commitment.refund,
                    "refund_amount": commitment.refund_amount,
                    "refunds": dict(refunds_by_key.get(commitment.key) or _empty_refunds()),
                }
            )
        sat_periods = {
            p: satisfaction.get((service.key, p), _empty_satisfaction()) for p in quarters
        }
        services_out.append(
            {
                "id": service.id,
                "key": service.key,
                "title": service.title,
                "area": service.area,
                "commitments": commitments_out,
                "improvement_actions": improvement,
                "satisfaction": {
                    "periods": sat_periods,
                    "total": _weighted(list(sat_periods.values())),
                },
                "complaints": {
                    "periods": {p: complaint_figures([service.key], [p]) for p in quarters},
                    "total": complaint_figures([service.key], quarters),
                },
            }
        )

    all_keys = sorted({key for key, _p in complaints} | set(service_keys))
    overall_sat = {
        p: _weighted([satisfaction.get((k, p), _empty_satisfaction()) for k in service_keys])
        for p in quarters
    }
    return {
        "periods": quarters,
        "generated_at": now,
        "carta_in_force": bool(catalogue),
        "services": services_out,
        "overall": {
            "satisfaction": {
                "periods": overall_sat,
                "total": _weighted(list(overall_sat.values())),
            },
            "complaints": {
                "periods": {p: complaint_figures(all_keys, [p]) for p in quarters},
                "total": complaint_figures(all_keys, quarters),
            },
            "complaints_without_service": complaint_figures([NO_SERVICE], quarters),
            "refunds": refunds,
        },
    }


def _action_entry(action: ImprovementAction | None) -> dict | None:
    """The public fields of a commitment's improvement action in a quarter."""
    if action is None:
        return None
    return {
        "id": action.id,
        "description": action.description,
        "responsible": action.responsible,
        "due_date": action.due_date,
        "status": action.status,
        "status_label": str(action.get_status_display()),
        "outcome": action.outcome,
    }


CSV_HEADER = ["service_key", "service", "period", "measure", "value", "target", "unit", "met"]


def csv_rows(data: dict):
    """Long-format rows of the dashboard (one figure per row), header first."""
    yield CSV_HEADER
    for service in data["services"]:
        base = [service["key"], service["title"]]
        for commitment in service["commitments"]:
            for period, entry in commitment["periods"].items():
                if entry is None:
                    continue
                met = "" if entry["met"] is None else ("sì" if entry["met"] else "no")
                yield [
                    *base,
                    period,
                    _("impegno: %(indicator)s") % {"indicator": commitment["indicator"]},
                    entry["value"],
                    "" if commitment["target"] is None else commitment["target"],
                    commitment["unit"],
                    met,
                ]
            for period, count in commitment["founded_complaints"].items():
                if count:
                    yield [
                        *base,
                        period,
                        _("reclami fondati sull'impegno: %(indicator)s")
                        % {"indicator": commitment["indicator"]},
                        count,
                        "",
                        "",
                        "",
                    ]
        for period, row in service["satisfaction"]["periods"].items():
            yield [*base, period, _("valutazioni ricevute"), row["count"], "", "", ""]
            for name in RATINGS:
                if row[name] is not None:
                    yield [
                        *base,
                        period,
                        _("media %(name)s") % {"name": name},
                        row[name],
                        "",
                        "1-5",
                        "",
                    ]
        for period, row in service["complaints"]["periods"].items():
            yield [*base, period, _("reclami ricevuti"), row["received"], "", "", ""]
            if row["median_response_days"] is not None:
                yield [
                    *base,
                    period,
                    _("tempo mediano di risposta"),
                    row["median_response_days"],
                    "",
                    _("giorni"),
                    "",
                ]
            if row["in_time_share"] is not None:
                yield [
                    *base,
                    period,
                    _("quota di risposte nei termini"),
                    row["in_time_share"],
                    "",
                    "",
                    "",
                ]
