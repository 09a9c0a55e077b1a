import datetime

from django import template
from django.utils import dateformat, timezone, translation

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
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)  # the day as it is where the Ambito is
    month = dateformat.format(value, "F")
    if (translation.get_language() or "").split("-")[0] in _LOWER_CASE_MONTHS:
        month = month.lower()
    return f"{value.day} {month} {value.year}"


@register.filter(name="page_window")
def page_window(page, around: int = 2):
    """``{% for number in page_obj|page_window %}``: the page numbers worth a link — the
    first, the last and ``around`` each side of the current one — with None where numbers
    are left out (an ellipsis). A list of at most ``2 * around + 5`` items whatever the
    number of pages, so the links cost the same at 5 pages and at 5,000."""
    last = page.paginator.num_pages
    current = page.number
    shown = sorted({1, last, *range(max(1, current - around), min(last, current + around) + 1)})
    window: list[int | None] = []
    for number in shown:
        if window and number - window[-1] > 1:
            window.append(None)
        window.append(number)
    return window


@register.simple_tag(takes_context=True)
def home_blocks(context):
    """``{% home_blocks as blocks %}``: what the home page shows alive (carta.home)."""
    from carta import home  # noqa: PLC0415 - the registry fills when the apps are ready

    request = context.get("request")
    return home.blocks(request) if request is not None else []
