"""Small filters for the dashboard templates."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``mapping|get_item:key`` for dictionaries keyed by a variable (quarters)."""
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def percent(share):
    return "—" if share is None else f"{share * 100:.0f}%"


@register.filter
def deadline_rule(complaint) -> str:
    """Which rule set the complaint's answer deadline, in words (``services``)."""
    from feedback.services import deadline_rule_text

    return deadline_rule_text(complaint)


@register.filter
def days_left(complaint) -> str:
    """The days left to answer, or how many days it is overdue, in words; "" once answered
    or closed."""
    from django.utils.translation import gettext, ngettext

    from feedback.selectors import days_to_deadline

    days = days_to_deadline(complaint)
    if days is None:
        return ""
    if days == 0:
        return gettext("scade oggi")
    if days > 0:
        return ngettext("manca %(n)s giorno", "mancano %(n)s giorni", days) % {"n": days}
    return ngettext(
        "oltre il termine da %(n)s giorno", "oltre il termine da %(n)s giorni", -days
    ) % {"n": -days}
