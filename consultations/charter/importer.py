"""Reading a Carta written in Markdown: every ATX heading (``#`` to ``######``) starts a
section, nested under the nearest heading of a higher level. A single level-1 heading at
the top is the document's title. Text before the first heading becomes a "Premessa".

Pure functions: ``services.import_markdown`` stores the result as a draft.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.text import slugify
from django.utils.translation import gettext as _

from carta.errors import InvalidInput

MAX_BYTES = 2 * 1024 * 1024
EXTENSIONS = (".md", ".markdown", ".txt")
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


@dataclass
class ParsedSection:
    key: str
    parent_key: str
    heading: str
    body: str
    level: int


@dataclass
class ParsedCarta:
    title: str
    sections: list[ParsedSection]


def decode(data: bytes, filename: str = "") -> str:
    """The file's text, or ``InvalidInput`` on ``file`` saying why it cannot be read."""
    if filename and not filename.lower().endswith(EXTENSIONS):
        raise InvalidInput(
            _("Il file deve essere un testo Markdown (estensione .md, .markdown o .txt)."),
            field="file",
        )
    if len(data) > MAX_BYTES:
        raise InvalidInput(_("Il file supera i 2 MB."), field="file")
    if not data.strip():
        raise InvalidInput(_("Il file è vuoto."), field="file")
    if b"\x00" in data:
        raise InvalidInput(
            _("Il file non è un testo Markdown: sembra un documento binario."), field="file"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            _("Il file non è un testo in UTF-8: salvalo come testo Markdown e riprova."),
            field="file",
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _unique_key(heading: str, used: set[str]) -> str:
    base = slugify(heading)[:90] or "sezione"
    key, n = base, 2
    while key in used:
        key = f"{base}-{n}"
        n += 1
    used.add(key)
    return key


def parse(text: str) -> ParsedCarta:
    """Split ``text`` into sections; ``InvalidInput`` when it has no heading at all."""
    if not text.strip():
        raise InvalidInput(_("Il file è vuoto."), field="file")
    headings: list[tuple[int, int, str]] = []  # (line index, level, text)
    lines = text.split("\n")
    fenced = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else _HEADING.match(line)
        if match:
            headings.append((index, len(match.group(1)), match.group(2).strip()))
    if not headings:
        raise InvalidInput(
            _(
                "Nel file non c'è nessun titolo Markdown (righe che iniziano con #): "
                "senza titoli non è possibile dividere la Carta in sezioni."
            ),
            field="file",
        )
    title = ""
    preamble_start = 0
    if headings[0][1] == 1 and sum(1 for h in headings if h[1] == 1) == 1:
        title = headings[0][2]
        preamble_start = headings[0][0] + 1
        headings = headings[1:]
    first_line = headings[0][0] if headings else len(lines)
    preamble = "\n".join(lines[preamble_start:first_line]).strip()
    used: set[str] = set()
    sections: list[ParsedSection] = []
    if preamble:
        sections.append(
            ParsedSection(_unique_key("premessa", used), "", _("Premessa"), preamble, 1)
        )
    stack: list[ParsedSection] = []
    for position, (line_index, level, heading) in enumerate(headings):
        end = headings[position + 1][0] if position + 1 < len(headings) else len(lines)
        body = "\n".join(lines[line_index + 1 : end]).strip()
        while stack and stack[-1].level >= level:
            stack.pop()
        section = ParsedSection(
            key=_unique_key(heading, used),
            parent_key=stack[-1].key if stack else "",
            heading=heading[:255],
            body=body,
            level=level,
        )
        sections.append(section)
        stack.append(section)
    return ParsedCarta(title=title[:200], sections=sections)
