"""The results page's charts (``carta.charts``): one per question, from the tally that
``results.consultation_results`` publishes. Bars are the counts (votes, or Borda points
for a ranking), each written with its share; a ranking's bars are in the order of its
Borda points, each named with its place in the Schulze ranking."""

from __future__ import annotations

from django.utils.translation import gettext as _

from carta.charts import bar_chart, number, percent_text


def chart_id(electorate: str, question: dict) -> str:
    """The chart's element id, which the live results script finds it by."""
    return f"chart-{electorate}-{question['id']}"


def option_text(option: dict) -> str:
    """What a bar says: the count and, beside it, the share (``12 (40,0%)``)."""
    share = percent_text(option["percent"])
    return f"{number(option['count'])} ({share})" if share else number(option["count"])


def schulze_places(question: dict) -> dict[str, int]:
    """Each option's place in the Schulze ranking (ties share a place)."""
    return {
        option["key"]: place
        for place, tier in enumerate(question.get("schulze") or [], start=1)
        for option in tier
    }


def question_chart(electorate: str, question: dict) -> dict:
    options = question["options"]
    ranking = question["kind"] == "ranking"
    places = schulze_places(question) if ranking else {}
    labels = [
        (
            _("%(place)s° %(label)s") % {"place": places[o["key"]], "label": o["label"]}
            if o["key"] in places
            else o["label"]
        )
        for o in options
    ]
    display = [option_text(o) for o in options]
    if ranking:
        value_axis = _("Punti Borda")
        series = _("Punti Borda")
    else:
        value_axis = _("Voti")
        series = _("Voti")
    figures = "; ".join(f"{label}: {text}" for label, text in zip(labels, display, strict=True))
    return bar_chart(
        chart_id=chart_id(electorate, question),
        labels=labels,
        values=[o["count"] for o in options],
        display=display,
        keys=[o["key"] for o in options],
        series=series,
        summary=_("Grafico a barre. %(question)s %(figures)s.")
        % {"question": question["text"], "figures": figures},
        category_axis=_("Risposta"),
        value_axis=value_axis,
        horizontal=True,
    )
