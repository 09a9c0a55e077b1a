"""The dashboard's and the service page's charts (``carta.charts``), from the figures of
``dashboard.build_dashboard`` and ``service_page.service_extras``: each commitment's
measured values per quarter against its target (a dashed line), and the average of the
evaluations per quarter on the 1-5 scale."""

from __future__ import annotations

from django.utils.text import slugify
from django.utils.translation import gettext as _

from carta.charts import bar_chart, measured_number, number


def target_text(commitment: dict) -> str:
    """The target as the dashboard writes it (``Obiettivo: ≥ 90 %``)."""
    sign = "≤" if commitment["direction"] == "at_most" else "≥"
    value = f"{number(commitment['target'], 2)} {commitment['unit']}".strip()
    return _("Obiettivo: %(sign)s %(value)s") % {"sign": sign, "value": value}


def _value_text(value, unit: str) -> str:
    return f"{measured_number(value)} {unit}".strip()


def commitment_chart(periods: list[str], service: dict, commitment: dict) -> dict:
    """Bars of the values measured in each quarter (none where nothing was measured) and
    the target line."""
    entries = [commitment["periods"].get(p) for p in periods]
    values = [e["value"] if e else None for e in entries]
    # The bars say the number only: the unit is the axis' title.
    display = [measured_number(e["value"]) if e else "—" for e in entries]
    figures = "; ".join(
        f"{p}: {_value_text(e['value'], commitment['unit']) if e else _('non misurato')}"
        for p, e in zip(periods, entries, strict=True)
    )
    return bar_chart(
        chart_id=f"chart-commitment-{slugify(service['key'])}-{slugify(commitment['key'])}",
        labels=periods,
        values=values,
        display=display,
        series=_("Valore misurato"),
        summary=_("Grafico a barre. %(indicator)s (%(target)s). %(figures)s.")
        % {
            "indicator": commitment["indicator"],
            "target": target_text(commitment),
            "figures": figures,
        },
        category_axis=_("Trimestre"),
        value_axis=commitment["unit"] or _("Valore"),
        target=commitment["target"],
        target_label=target_text(commitment),
    )


def satisfaction_chart(
    periods: list[str], satisfaction: dict, *, chart_id: str, title: str
) -> dict:
    """Bars of the overall rating's average per quarter, on the 1-5 scale."""
    rows = [satisfaction["periods"].get(p) or {} for p in periods]
    values = [row.get("overall") for row in rows]
    display = [number(v, 2) if v is not None else "—" for v in values]
    figures = "; ".join(
        f"{p}: {number(v, 2) if v is not None else _('nessuna valutazione')}"
        for p, v in zip(periods, values, strict=True)
    )
    return bar_chart(
        chart_id=chart_id,
        labels=periods,
        values=values,
        display=display,
        series=_("Giudizio complessivo"),
        summary=_("Grafico a barre. %(title)s. %(figures)s.")
        % {"title": title, "figures": figures},
        category_axis=_("Trimestre"),
        value_axis=_("Media da 1 a 5"),
        maximum=5,
    )


def latest_result_chart(row: dict) -> dict:
    """The service page: a commitment's latest measured value beside its target."""
    commitment = row["commitment"]
    measurement = row["measurement"]
    data = {
        "key": commitment.key,
        "indicator": commitment.indicator,
        "direction": commitment.direction,
        "target": commitment.target_value,
        "unit": commitment.unit,
    }
    value_text = _value_text(measurement.value, commitment.unit)
    return bar_chart(
        chart_id=f"chart-latest-{commitment.pk}",
        labels=[measurement.period],
        values=[measurement.value],
        display=[measured_number(measurement.value)],
        series=_("Ultimo valore"),
        summary=_("Grafico a barre. %(indicator)s: %(value)s nel trimestre %(period)s; %(target)s.")
        % {
            "indicator": commitment.indicator,
            "value": value_text,
            "period": measurement.period,
            "target": target_text(data),
        },
        category_axis=_("Trimestre"),
        value_axis=commitment.unit or _("Valore"),
        horizontal=True,
        target=commitment.target_value,
        target_label=target_text(data),
        size="small",
    )
