"""The dashboard's and the service page's charts (``feedback.charts``), as template tags:
``{% commitment_chart data service c as spec %}{% chart spec %}``."""

from django import template

from feedback import charts

register = template.Library()


@register.simple_tag
def commitment_chart(data: dict, service: dict, commitment: dict) -> dict:
    return charts.commitment_chart(data["periods"], service, commitment)


@register.simple_tag
def satisfaction_chart(data: dict, satisfaction: dict, chart_id: str, title: str) -> dict:
    return charts.satisfaction_chart(data["periods"], satisfaction, chart_id=chart_id, title=title)


@register.simple_tag
def latest_result_chart(row: dict) -> dict:
    return charts.latest_result_chart(row)
