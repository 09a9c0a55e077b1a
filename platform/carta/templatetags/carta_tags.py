from urllib.parse import urlencode

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from carta import dates
from carta.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """``{{ body|markdown }}``: Markdown rendered and sanitized (see carta.markdown)."""
    return render_markdown(text)


@register.filter(name="long_date", is_safe=True)
def long_date(value):
    """``{{ day|long_date }}``: "8 ottobre 2026" in Italian, "8 October 2026" in English;
    ``""`` for no date (carta.dates)."""
    return mark_safe(dates.long_date(value))  # noqa: S308 - figures and month names only


@register.filter(name="long_datetime", is_safe=True)
def long_datetime(value):
    """``{{ moment|long_datetime }}``: "8 ottobre 2026 alle 10:00", "8 October 2026 at
    10:00" (carta.dates)."""
    return mark_safe(dates.long_datetime(value))  # noqa: S308 - figures and month names only


@register.filter(name="on_date", is_safe=True)
def on_date(value, form="il"):
    """``{{ day|on_date:"al" }}``: the date with the Italian article or preposition before
    it, elided where Italian elides ("all'8 ottobre 2026", "il 3 ottobre 2026"); the plain
    date in other languages, whose translation writes its own preposition (carta.dates).
    The msgid then reads "fino {{ date }}", never "fino al {{ date }}"."""
    return mark_safe(dates.on_date(value, form))  # noqa: S308 - figures and month names only


@register.filter(name="on_datetime", is_safe=True)
def on_datetime(value, form="il"):
    """``{{ moment|on_datetime:"dal" }}``: as ``on_date``, with the time ("dall'8 ottobre
    2026 alle 10:00"; "8 October 2026 at 10:00")."""
    return mark_safe(dates.on_datetime(value, form))  # noqa: S308 - figures and month names only


@register.filter(name="page_window")
def page_window(page, around: int = 2):
    """``{% for number in page_obj|page_window %}``: the page numbers worth a link — the
    first, the last and ``around`` each side of the current one — with None where numbers
    are left out (an ellipsis). A list of at most ``2 * around + 5`` items whatever the
    number of pages, so the links cost the same at 5 pages and at 5,000. When the
    paginator has not counted to the end (``carta.pages.CappedPaginator``), the last
    page is not known: the window ends with an ellipsis instead."""
    last = page.paginator.num_pages
    current = page.number
    exact = getattr(page.paginator, "count_exact", True)
    ends = {1, last} if exact else {1}
    shown = sorted({*ends, *range(max(1, current - around), min(last, current + around) + 1)})
    window: list[int | None] = []
    for number in shown:
        if window and number - window[-1] > 1:
            window.append(None)
        window.append(number)
    if not exact:
        window.append(None)
    return window


@register.simple_tag(takes_context=True)
def home_blocks(context):
    """``{% home_blocks as blocks %}``: what the home page shows alive (carta.home)."""
    from carta import home  # noqa: PLC0415 - the registry fills when the apps are ready

    request = context.get("request")
    return home.blocks(request) if request is not None else []


@register.simple_tag(takes_context=True)
def on_demand(context, kind, target, label, anchor, form=None):
    """A form the page loads only when asked, so that a page with one on every comment (a
    reply, a report, an outcome) does not carry them all.

    ``{% on_demand "rispondi" comment.pk label "rispondi-{}" form=refused %}`` is a link,
    ``label``, to ``?rispondi=<target>#<anchor>`` (``anchor`` with the target in its
    ``{}``: the id of the form's outer element). With htmx it fetches the form alone and
    puts it in the link's place (``hx-get``; the view answers an htmx request with the
    form's template only); without JavaScript it opens the whole page with that form
    open at ``#<anchor>``. The form itself is rendered in place when the page was asked
    for it (``on_demand_asked`` in the context is ``"<kind>=<target>"``) or when
    ``form`` (a refused form, with its errors and the typed text) is given.
    ``on_demand_templates`` in the context maps ``kind`` to the form's template,
    rendered with the page's context, ``f`` (the refused form or None) and
    ``on_demand_open`` (true)."""
    if form is not None or context.get("on_demand_asked") == f"{kind}={target}":
        form_template = context.template.engine.get_template(context["on_demand_templates"][kind])
        with context.push(f=form, on_demand_open=True):
            return form_template.render(context)
    query = urlencode({kind: target})
    return format_html(
        '<a href="?{}#{}" hx-get="?{}" hx-swap="outerHTML">{}</a>',
        query,
        anchor.format(target),
        query,
        label,
    )
