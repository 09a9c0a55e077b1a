"""``{% chart spec %}``: a chart drawn by ``carta/js/charts.js`` from its specification
(``carta.charts``). The page loads the scripts with ``{% chart_scripts %}``."""

from django import template

register = template.Library()


@register.inclusion_tag("carta/includes/chart.html")
def chart(spec: dict) -> dict:
    return {"spec": spec, "data_id": f"{spec['id']}-data"}


@register.inclusion_tag("carta/includes/chart_scripts.html")
def chart_scripts() -> dict:
    return {}
