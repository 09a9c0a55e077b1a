"""Charts as data: the specification that ``carta/js/charts.js`` draws with Chart.js
(``vendor/chartjs``, docs/charts.md).

A page renders a specification with ``{% chart spec %}`` (``carta_charts``): a hidden
canvas that the script fills and shows, and the specification as JSON
(``json_script``, which the Content-Security-Policy lets through: it is data, not a
script). The table beside each chart carries the same figures for screen readers and for
browsers without JavaScript; the canvas itself is an image whose label summarizes it.

Every value shown on the chart is written here, already formatted in the page's language
(``display``), so that the chart, its table and the tests read the same figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils.formats import number_format

# Colours on the page's white background (tests/test_contrast.py checks them): bars and
# the target line at least 3:1, as graphics; text and axes at least 4.5:1.
COLOURS = {
    "bar": "#0066cc",  # Bootstrap Italia's primary: 5.6:1
    "target": "#a61919",  # dark red, dashed: 7.6:1
    "text": "#1a1a1a",  # body text: 17.4:1
    "axis": "#5d7083",  # Bootstrap Italia's secondary: 5.1:1
    "grid": "#d9dadb",  # decoration only; the values are written on the bars
}


def number(value: float | int | Decimal | None, digits: int = 1) -> str:
    """``value`` as the page writes numbers (``12,5``), with up to ``digits`` decimals."""
    if value is None:
        return "—"
    value = Decimal(str(value))
    if value == value.to_integral_value():
        return number_format(int(value), use_l10n=True)
    return number_format(round(value, digits).normalize(), decimal_pos=None, use_l10n=True)


def measured_number(value: float | int | Decimal | None) -> str:
    """A measured value as the tables write it (``floatformat:"-2"``): whole numbers
    without decimals, others with two (``12,50``)."""
    return "—" if value is None else floatformat(value, "-2")


def percent_text(value: float | None) -> str:
    """A percentage with one decimal, as the results' tables write it (``33,3%``)."""
    if value is None:
        return ""
    return f"{number_format(value, decimal_pos=1, use_l10n=True)}%"


def bar_chart(
    *,
    chart_id: str,
    labels: Sequence[str],
    values: Sequence[float | int | None],
    display: Sequence[str],
    series: str,
    summary: str,
    category_axis: str,
    value_axis: str,
    horizontal: bool = False,
    maximum: float | None = None,
    target: float | None = None,
    target_label: str = "",
    size: str = "",
    keys: Sequence[str] | None = None,
) -> dict:
    """One series of bars, each with its value written beside it, and an optional target
    line (dashed, with its own entry in the legend).

    ``values`` are the bars' lengths (``None`` draws no bar: nothing measured);
    ``display`` the text written at the end of each bar. ``maximum`` fixes the value
    axis (5 for ratings, 100 for shares); otherwise it fits the values and the target.
    ``size`` is ``"small"`` for the service page's charts. ``keys`` name the bars for
    live updates (``CartaCharts.update``), in the order of ``labels``.
    """
    if len(labels) != len(values) or len(values) != len(display):
        raise ValueError("labels, values and display must have the same length")
    return {
        "id": chart_id,
        "kind": "bar",
        "horizontal": horizontal,
        "labels": [str(label) for label in labels],
        "keys": [str(key) for key in keys] if keys is not None else [],
        "series": [
            {
                "label": str(series),
                "values": [None if v is None else float(v) for v in values],
                "display": [str(text) for text in display],
            }
        ],
        "target": (
            None
            if target is None
            else {"value": float(target), "label": str(target_label or target)}
        ),
        "axes": {
            "category": str(category_axis),
            "value": str(value_axis),
            "min": 0,
            "max": maximum,
        },
        "legend": target is not None,
        "summary": str(summary),
        "size": size,
        "colours": COLOURS,
    }
