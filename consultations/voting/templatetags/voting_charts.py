"""``{% question_chart entry question as spec %}`` for the results page."""

from django import template

from consultations.voting.charts import question_chart as build

register = template.Library()


@register.simple_tag
def question_chart(entry: dict, question: dict) -> dict:
    return build(entry["electorate"], question)
