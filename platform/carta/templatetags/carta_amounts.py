"""Amounts in euros as the Ambito writes them, whatever the language: ``48.000,00 €``
(the Carta's refunds, proposals' budgets, the dashboard)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


def format_euro(value) -> str:
    """``Decimal("48000")`` -> ``"48.000,00 €"``; "" for None or what is not a number."""
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return ""
    text = f"{number:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"{text} €"


@register.filter
def euro(value) -> str:
    return format_euro(value)
