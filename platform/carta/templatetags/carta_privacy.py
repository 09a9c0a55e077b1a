"""``{% retention_periods as periods %}``: the privacy notice's retention table, from the
same function the code that applies the periods reads (``carta.privacy``)."""

from django import template

from carta import privacy

register = template.Library()


@register.simple_tag
def retention_periods():
    return privacy.retention_periods()
