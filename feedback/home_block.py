"""The home page's block of the commitments: the latest figures the dashboard publishes
(``carta.home``): how many commitments were met in the latest quarter measured, the average
satisfaction, the share of complaints answered in time. The dashboard's own queries."""

from __future__ import annotations

from django.utils.translation import gettext

from carta import home
from feedback.dashboard import build_dashboard


def quarter_label(period: str) -> str:
    """``"2026-Q4"`` -> ``"4º trimestre 2026"``."""
    year, _sep, quarter = period.partition("-Q")
    return gettext("%(quarter)sº trimestre %(year)s") % {"quarter": quarter, "year": year}


def figures(data: dict) -> dict | None:
    """The home page's three figures from the dashboard's data, or ``None`` when no
    Carta is in force or nothing was measured or evaluated yet."""
    if not data["carta_in_force"]:
        return None
    latest_period = None
    met = measured = 0
    for period in reversed(data["periods"]):
        entries = [
            commitment["periods"].get(period)
            for service in data["services"]
            for commitment in service["commitments"]
        ]
        entries = [entry for entry in entries if entry]
        if entries:
            latest_period = period
            measured = len(entries)
            met = sum(1 for entry in entries if entry["met"])
            break
    satisfaction = data["overall"]["satisfaction"]["total"]
    complaints = data["overall"]["complaints"]["total"]
    if latest_period is None and not satisfaction["count"] and not complaints.get("due"):
        return None
    return {
        "period": latest_period,
        "period_label": quarter_label(latest_period) if latest_period else "",
        "met": met,
        "measured": measured,
        "satisfaction": satisfaction["overall"],
        "evaluations": satisfaction["count"],
        "in_time_share": complaints.get("in_time_share"),
        "complaints_due": complaints.get("due", 0),
    }


def _context(request) -> dict | None:
    shown = figures(build_dashboard(staff=False))
    return {"figures": shown} if shown else None


def register() -> None:
    home.register_block(
        "commitments", order=40, template="feedback/_home_block.html", context=_context
    )
