"""carta.dates: a date with its Italian article or preposition, elided where Italian
elides, and the plain date in other languages."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import translation

from carta import dates

ROME = zoneinfo.ZoneInfo("Europe/Rome")


def day(n: int) -> datetime.date:
    return datetime.date(2026, 10, n)


@pytest.mark.parametrize(
    ("n", "form", "expected"),
    [
        (3, "il", "il 3 ottobre 2026"),
        (8, "il", "l'8 ottobre 2026"),
        (11, "il", "l'11 ottobre 2026"),
        (18, "il", "il 18 ottobre 2026"),
        (1, "il", "il 1° ottobre 2026"),
        (3, "al", "al 3 ottobre 2026"),
        (8, "al", "all'8 ottobre 2026"),
        (11, "al", "all'11 ottobre 2026"),
        (18, "al", "al 18 ottobre 2026"),
        (1, "al", "al 1° ottobre 2026"),
        (3, "dal", "dal 3 ottobre 2026"),
        (8, "dal", "dall'8 ottobre 2026"),
        (11, "dal", "dall'11 ottobre 2026"),
        (18, "dal", "dal 18 ottobre 2026"),
        (1, "dal", "dal 1° ottobre 2026"),
        (3, "del", "del 3 ottobre 2026"),
        (8, "del", "dell'8 ottobre 2026"),
        (11, "del", "dell'11 ottobre 2026"),
        (18, "del", "del 18 ottobre 2026"),
        (1, "del", "del 1° ottobre 2026"),
        (3, "nel", "nel 3 ottobre 2026"),
        (8, "nel", "nell'8 ottobre 2026"),
        (11, "nel", "nell'11 ottobre 2026"),
        (1, "nel", "nel 1° ottobre 2026"),
        (8, "sul", "sull'8 ottobre 2026"),
        (18, "sul", "sul 18 ottobre 2026"),
    ],
)
def test_italian_forms(n, form, expected):
    with translation.override("it"):
        assert dates.on_date(day(n), form) == expected


@pytest.mark.parametrize("form", sorted(dates.FORMS))
@pytest.mark.parametrize("n", [1, 3, 8, 11, 18])
def test_english_is_the_plain_date(n, form):
    with translation.override("en"):
        assert dates.on_date(day(n), form) == f"{n} October 2026"


def test_the_article_is_the_default_form():
    with translation.override("it"):
        assert dates.on_date(day(8)) == "l'8 ottobre 2026"


def test_an_unknown_form_is_refused():
    with translation.override("it"), pytest.raises(ValueError, match="unknown form"):
        dates.on_date(day(8), "della")


def test_no_date_is_empty():
    with translation.override("it"):
        assert dates.on_date(None, "al") == ""
        assert dates.on_datetime(None, "al") == ""
        assert dates.long_date("") == ""


def test_plain_dates_keep_the_first_day_as_a_figure():
    with translation.override("it"):
        assert dates.long_date(day(1)) == "1 ottobre 2026"
    with translation.override("en"):
        assert dates.long_date(day(1)) == "1 October 2026"


@pytest.mark.parametrize(
    ("n", "hour", "form", "italian"),
    [
        (8, 10, "il", "l'8 ottobre 2026 alle 10:00"),
        (11, 18, "al", "all'11 ottobre 2026 alle 18:00"),
        (3, 9, "dal", "dal 3 ottobre 2026 alle 09:00"),
        (1, 0, "il", "il 1° ottobre 2026 alle 00:00"),
        (18, 1, "del", "del 18 ottobre 2026 all'1:00"),
    ],
)
def test_with_a_time(n, hour, form, italian):
    moment = datetime.datetime(2026, 10, n, hour, 0, tzinfo=ROME)
    with translation.override("it"):
        assert dates.on_datetime(moment, form) == italian
    with translation.override("en"):
        assert dates.on_datetime(moment, form) == f"{n} October 2026 at {hour:02d}:00"


def test_an_aware_moment_is_read_in_local_time(settings):
    settings.TIME_ZONE = "Europe/Rome"
    # 22:30 UTC on the 7th is 00:30 on the 8th in Rome (summer time, UTC+2).
    moment = datetime.datetime(2026, 10, 7, 22, 30, tzinfo=datetime.UTC)
    with translation.override("it"):
        assert dates.on_date(moment, "al") == "all'8 ottobre 2026"
        assert dates.on_datetime(moment, "il") == "l'8 ottobre 2026 alle 00:30"


def test_lazy_forms_follow_the_language_when_used():
    text = dates.on_date_lazy(day(11), "il")
    with translation.override("it"):
        assert str(text) == "l'11 ottobre 2026"
    with translation.override("en"):
        assert str(text) == "11 October 2026"


def test_template_filters():
    template = Template(
        "{% load carta_tags %}{{ d|on_date:'al' }}|{{ d|on_date }}|{{ m|on_datetime:'dal' }}"
        "|{{ m|long_datetime }}|{{ d|long_date }}"
    )
    context = Context({"d": day(8), "m": datetime.datetime(2026, 10, 11, 10, 0, tzinfo=ROME)})
    with translation.override("it"):
        assert template.render(context) == (
            "all'8 ottobre 2026|l'8 ottobre 2026|dall'11 ottobre 2026 alle 10:00"
            "|11 ottobre 2026 alle 10:00|8 ottobre 2026"
        )
    with translation.override("en"):
        assert template.render(context) == (
            "8 October 2026|8 October 2026|11 October 2026 at 10:00"
            "|11 October 2026 at 10:00|8 October 2026"
        )
