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
def bar_height(value, scale=5):
    """Height in SVG units (0-100) of a bar for ``value`` on a 0-``scale`` axis."""
    if value is None:
        return 0
    return max(0, min(100, round(float(value) / float(scale) * 100)))


@register.filter
def deadline_rule(complaint) -> str:
    """Which rule set the complaint's answer deadline, in words (``services``)."""
    from feedback.services import deadline_rule_text

    return deadline_rule_text(complaint)
