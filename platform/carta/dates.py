"""Dates in sentences: "8 ottobre 2026", and in Italian the article or preposition that
goes before it, elided where Italian elides ("l'8 ottobre", "all'11 ottobre").

Italian sentences never write "il %(date)s" or "fino al {{ date }}" (docs/copy.md): the
msgid says "La consultazione apre %(date)s" and the placeholder carries the article,
``on_date(day, "il")`` → "l'8 ottobre 2026" / "il 3 ottobre 2026" / "il 1° ottobre 2026".
In every other language the placeholder is the plain date ("8 October 2026") and the
translation writes its own preposition ("The consultation opens on %(date)s").

The forms, by the Italian word written before a date of the 3rd:

========  ===========  ============  ==================
form      the 3rd      the 8th/11th  the 1st
========  ===========  ============  ==================
``il``    il 3         l'8, l'11     il 1°
``al``    al 3         all'8         al 1°
``dal``   dal 3        dall'8        dal 1°
``del``   del 3        dell'8        del 1°
``nel``   nel 3        nell'8        nel 1°
``sul``   sul 3        sull'8        sul 1°
========  ===========  ============  ==================

The 1st of the month takes "il 1°" ("il primo"), the usage of Italian official writing,
rather than "l'1". Plain dates, without an article, stay "1 ottobre 2026" (``long_date``).

With a time: "l'8 ottobre 2026 alle 10:00" ("all'1:30" for the one o'clock hour), in
English "8 October 2026 at 10:00".
"""

from __future__ import annotations

import datetime

from django.utils import dateformat, timezone, translation
from django.utils.functional import lazy
from django.utils.translation import pgettext

# Languages that write the month in lower case; Django's catalogues capitalize it.
_LOWER_CASE_MONTHS = {"it"}

# The Italian form before a date → (before a consonant, elided before a vowel sound).
FORMS: dict[str, tuple[str, str]] = {
    "il": ("il ", "l'"),
    "al": ("al ", "all'"),
    "dal": ("dal ", "dall'"),
    "del": ("del ", "dell'"),
    "nel": ("nel ", "nell'"),
    "sul": ("sul ", "sull'"),
}

# Days whose Italian name begins with a vowel: otto, undici (and 18 is "diciotto").
_VOWEL_DAYS = {8, 11}


def _language() -> str:
    return (translation.get_language() or "").split("-")[0]


def _italian() -> bool:
    return _language() == "it"


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)  # the day as it is where the Ambito is
    return value


def long_date(value) -> str:
    """ "8 ottobre 2026" in Italian, "8 October 2026" in English; ``""`` for no date.
    An aware datetime is taken in local time."""
    if not isinstance(value, datetime.date):
        return ""
    value = _local(value)
    month = dateformat.format(value, "F")
    if _language() in _LOWER_CASE_MONTHS:
        month = month.lower()
    return f"{value.day} {month} {value.year}"


def _time(value: datetime.datetime) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def long_datetime(value) -> str:
    """ "8 ottobre 2026 alle 10:00" / "8 October 2026 at 10:00"; a plain date for a date."""
    if not isinstance(value, datetime.datetime):
        return long_date(value)
    value = _local(value)
    if _italian():
        at = "all'" if value.hour == 1 else "alle "
        time = f"{value.hour}:{value.minute:02d}" if value.hour == 1 else _time(value)
        return f"{long_date(value)} {at}{time}"
    # Translators: a date and a time, as in "8 October 2026 at 10:00".
    return pgettext("date and time", "%(date)s at %(time)s") % {
        "date": long_date(value),
        "time": _time(value),
    }


def _with_form(text: str, day: int, form: str) -> str:
    try:
        plain, elided = FORMS[form]
    except KeyError:
        raise ValueError(f"unknown form {form!r}: one of {', '.join(FORMS)}") from None
    if day == 1:
        return f"{plain}1°{text[1:]}"  # "il 1° ottobre 2026"
    return f"{elided if day in _VOWEL_DAYS else plain}{text}"


def on_date(value, form: str = "il") -> str:
    """The date with the Italian ``form`` before it ("l'8 ottobre 2026", "all'11 ottobre
    2026", "il 1° ottobre 2026"); in other languages the plain date ("8 October 2026").
    ``""`` for no date."""
    text = long_date(value)
    if not text or not _italian():
        return text
    return _with_form(text, _local(value).day, form)


def on_datetime(value, form: str = "il") -> str:
    """As :func:`on_date`, with the time: "l'8 ottobre 2026 alle 10:00", in English
    "8 October 2026 at 10:00"."""
    text = long_datetime(value)
    if not text or not _italian():
        return text
    return _with_form(text, _local(value).day, form)


# Formatted when the string is used (a notification written in each recipient's language).
long_date_lazy = lazy(long_date, str)
on_date_lazy = lazy(on_date, str)
on_datetime_lazy = lazy(on_datetime, str)
