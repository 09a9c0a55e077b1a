"""``{% open_data_licence %}``: the sentence that states the open data's licence, next to
every download link (``carta.opendata.licence``)."""

from django import template

from carta import opendata

register = template.Library()


@register.inclusion_tag("includes/open_data_licence.html")
def open_data_licence():
    return {"licence": opendata.licence()}
