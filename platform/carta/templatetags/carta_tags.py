import datetime

from django import template
from django.utils import dateformat, translation

from carta.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """``{{ body|markdown }}``: Markdown rendered and sanitized (see carta.markdown)."""
    return render_markdown(text)


# Languages that write the month in lower case; Django's catalogues capitalize it.
_LOWER_CASE_MONTHS = {"it"}


@register.filter(name="long_date")
def long_date(value):
    """``{{ day|long_date }}``: "8 ottobre 2026" in Italian, "8 October 2026" in English;
    ``""`` for no date."""
    if not isinstance(value, datetime.date):
        return ""
    month = dateformat.format(value, "F")
    if (translation.get_language() or "").split("-")[0] in _LOWER_CASE_MONTHS:
        month = month.lower()
    return f"{value.day} {month} {value.year}"
