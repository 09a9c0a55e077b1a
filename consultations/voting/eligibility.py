"""Eligibility lists as staff send them: a CSV file or a JSON list of fiscal codes, read
into numbered entries and checked. Pure: no database; ``services.replace_eligibility_list``
stores the result, as keyed digests only.

The file: one fiscal code per row, in the first column (files separated by ``;`` or ``,``
keep anything else in the other columns, which is ignored); an optional header row whose
first cell is ``codice_fiscale``; blank rows skipped; UTF-8 with or without a BOM, UTF-16
with a BOM, or Windows-1252 (what spreadsheets save). Codes are normalized as the
sign-in does (``carta.fiscalcode.normalize``: capitals, no spaces, no ``TINIT-``).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carta import fiscalcode
from carta.errors import InvalidInput

MAX_ROWS = 200_000
MAX_BYTES = 5 * 1024 * 1024
# How many rows at fault an error names.
SHOWN_FAULTS = 20
HEADER = "codice_fiscale"

# (row number as staff see it in their file or list, the text given)
Entry = tuple[int, str]


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Only the first column matters and codes are ASCII: whatever the other
        # columns hold, a wrong guess here cannot change a code.
        return data.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return ";" if ";" in first else ","


def too_large(size: int | None) -> InvalidInput | None:
    """The refusal of a file of ``size`` bytes, or ``None``."""
    if size is not None and size > MAX_BYTES:
        return InvalidInput(
            _("Il file supera i %(mb)d MB consentiti.") % {"mb": MAX_BYTES // (1024 * 1024)},
            field="file",
        )
    return None


def entries_from_csv(data: bytes) -> list[Entry]:
    """The first cell of every non-blank row, numbered by the file's line, without the
    header row. ``InvalidInput`` (field ``file``) for a file too large, unreadable, empty
    or longer than ``MAX_ROWS`` codes."""
    refusal = too_large(len(data))
    if refusal is not None:
        raise refusal
    if b"\x00" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InvalidInput(
            _(
                "Il file non è leggibile come CSV: salvalo dal foglio di calcolo in formato CSV "
                "e invialo di nuovo."
            ),
            field="file",
        )
    text = _decode(data)
    entries: list[Entry] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    first_row = True
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            first = row[0].strip()
            if first_row:
                first_row = False
                if first.strip('"').lower() == HEADER:
                    continue
            entries.append((reader.line_num, first))
            if len(entries) > MAX_ROWS:
                raise _too_many("file")
    except csv.Error:
        raise InvalidInput(
            _(
                "Il file non è leggibile come CSV: salvalo dal foglio di calcolo in formato CSV "
                "e invialo di nuovo."
            ),
            field="file",
        ) from None
    if not entries:
        raise InvalidInput(_("Il file non contiene alcun codice fiscale."), field="file")
    return entries


def entries_from_list(values: Sequence[object]) -> list[Entry]:
    """A JSON list of codes, numbered from 1. ``InvalidInput`` (field ``fiscal_codes``)
    for an empty list or one longer than ``MAX_ROWS``; an item that is not text is a row
    at fault, found by ``valid_codes``."""
    if not values:
        raise InvalidInput(_("L'elenco non contiene alcun codice fiscale."), field="fiscal_codes")
    if len(values) > MAX_ROWS:
        raise _too_many("fiscal_codes")
    return [
        (number, value if isinstance(value, str) else "")
        for number, value in enumerate(values, start=1)
    ]


def _too_many(field: str) -> InvalidInput:
    return InvalidInput(
        _("L'elenco supera i %(n)s codici fiscali consentiti.")
        % {"n": f"{MAX_ROWS:,}".replace(",", ".")},
        field=field,
    )


def valid_codes(entries: Iterable[Entry], *, field: str) -> set[str]:
    """The normalized codes, each once; ``InvalidInput`` naming the rows at fault (the first
    ``SHOWN_FAULTS``, and how many more) if any code is not a valid codice fiscale."""
    codes: set[str] = set()
    faults: list[int] = []
    for number, raw in entries:
        code = fiscalcode.normalize(raw)
        if fiscalcode.is_valid(code):
            codes.add(code)
        else:
            faults.append(number)
    if faults:
        shown = ", ".join(str(n) for n in faults[:SHOWN_FAULTS])
        rest = len(faults) - SHOWN_FAULTS
        message = ngettext(
            "Il codice fiscale della riga %(rows)s non è valido.",
            "I codici fiscali delle righe %(rows)s non sono validi.",
            len(faults),
        ) % {"rows": shown}
        if rest > 0:
            message += " " + ngettext(
                "C'è un'altra riga non valida.",
                "Ci sono altre %(n)d righe non valide.",
                rest,
            ) % {"n": rest}
        message += " " + _("Correggi l'elenco e invialo di nuovo: non è stato salvato nulla.")
        raise InvalidInput(message, field=field)
    return codes
