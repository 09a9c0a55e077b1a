"""Reading a Carta written in Markdown: every ATX heading (``#`` to ``######``) starts a
section, nested under the nearest heading of a higher level. A single level-1 heading at
the top is the document's title. Text before the first heading becomes a "Premessa".

Pure functions: ``services.import_markdown`` stores the result as a draft.

The service catalogue (``parse(text, services=True)``): a heading that starts with
``Servizio:`` opens a service card instead of a section, up to the next heading of the
same level or higher. Its first lines name the key and the area (a value of
``carta.models.Area`` or its Italian label); each deeper heading is one field of the card,
by its Italian name; "Impegni di qualità" lists the commitments, one per line, as in the
service form::

    ## Servizio: Assistenza domiciliare
    Chiave: assistenza-domiciliare
    Area: Anziani

    ### Finalità
    Sostenere la persona anziana a casa propria.
    ### Come fare domanda
    Allo sportello sociale del Comune di residenza.
    ### Dove e quando
    Via Roma 1, lunedì e giovedì 9-12, tel. 0123 456789.
    ### Documenti da presentare
    Documento d'identità, ISEE in corso di validità.
    ### Costi e compartecipazione
    Gratuito fino a 8.000,00 € di ISEE.
    ### Impegni di qualità
    - attivazione | Giorni per l'attivazione | al massimo | 30 | giorni | Registro | Rimborso | 50
    - risposta | Giorni per rispondere ai reclami | al massimo | 20 | giorni | | | | termine reclami

A commitment's ninth cell ``termine reclami`` marks it as setting the complaint answer
deadline: at most one in the document, a whole number of days "al massimo" (otherwise
``InvalidInput`` on ``file`` naming the service).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.text import slugify
from django.utils.translation import gettext as _

from carta.errors import InvalidInput
from carta.models import Area
from consultations.charter.governed_rules import governed_rule_problem
from consultations.charter.models import KEY_MAX, GovernedRule, QualityCommitment

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
    # Keyword arguments of ``services.save_service`` (with ``commitments``), one per card.
    services: list[dict] = field(default_factory=list)


SERVICE_PREFIX = "servizio:"
# The Italian names of a card's fields (lowercase, without accents' variants).
SERVICE_FIELDS = {
    "finalità": "purposes",
    "obiettivi specifici": "specific_objectives",
    "funzioni prevalenti": "main_functions",
    "modalità di erogazione": "delivery_modalities",
    "requisiti di accesso": "access_requirements",
    "come fare domanda": "how_to_apply",
    "dove e quando": "where_and_when",
    "documenti da presentare": "documents_required",
    "costi e compartecipazione": "costs",
    "costi": "costs",
}
COMMITMENTS_HEADING = "impegni di qualità"
GOVERNS_WORDS = {
    "termine reclami": GovernedRule.COMPLAINT_DEADLINE,
    "termine di risposta ai reclami": GovernedRule.COMPLAINT_DEADLINE,
    "complaint_deadline": GovernedRule.COMPLAINT_DEADLINE,
}
DIRECTIONS = {
    "almeno": "at_least",
    "al massimo": "at_most",
    "at_least": "at_least",
    "at_most": "at_most",
}


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


def _headings(lines: list[str]) -> list[tuple[int, int, str]]:
    """(line index, level, text) of every ATX heading outside fenced code."""
    headings = []
    fenced = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else _HEADING.match(line)
        if match:
            headings.append((index, len(match.group(1)), match.group(2).strip()))
    return headings


def _fail(title: str, message: str):
    raise InvalidInput(
        _("Servizio «%(title)s»: %(message)s") % {"title": title, "message": message},
        field="file",
    )


def _area(value: str, title: str) -> str:
    value = value.strip()
    for area in Area:
        if value.lower() in (area.value, str(area.label).lower()):
            return area.value
    _fail(title, _("area di intervento «%(area)s» sconosciuta.") % {"area": value})
    return ""


def _commitment(line: str, title: str) -> dict:
    cells = [cell.strip() for cell in line.lstrip("-*+ ").split("|")]
    if len(cells) < 4:
        _fail(title, _("ogni impegno ha almeno chiave, indicatore, verso e valore."))
    cells += [""] * (9 - len(cells))
    direction = DIRECTIONS.get(cells[2].lower())
    if direction is None:
        _fail(title, _("il verso di un impegno è «almeno» oppure «al massimo»."))
    governs = ""
    if cells[8]:
        governs = GOVERNS_WORDS.get(cells[8].lower())
        if governs is None:
            _fail(title, _("«%(word)s» non è una regola della piattaforma.") % {"word": cells[8]})
    try:
        target = Decimal(cells[3].replace(",", "."))
    except InvalidOperation:
        target = None
    if target is None or not target.is_finite():
        _fail(title, _("il valore dell'impegno «%(key)s» non è un numero.") % {"key": cells[0]})
    return {
        "key": cells[0],
        "indicator": cells[1],
        "direction": direction,
        "target_value": cells[3],
        "unit": cells[4],
        "how_measured": cells[5],
        "refund": cells[6],
        "refund_amount": cells[7],
        "governs": governs,
        "_target": target,
    }


def _service(lines: list[str], level: int, title: str, used: set[str]) -> dict:
    """One card: its key and area lines, then its fields under deeper headings."""
    heads = [h for h in _headings(lines) if h[1] > level]
    intro = lines[: heads[0][0]] if heads else lines
    card: dict = {"title": title[:200], "key": "", "area": "", "commitments": []}
    for line in intro:
        name, _sep, value = line.partition(":")
        if name.strip().lower() == "chiave":
            card["key"] = slugify(value)[:KEY_MAX]
        elif name.strip().lower() == "area":
            card["area"] = _area(value, title)
    if not card["area"]:
        _fail(title, _("manca la riga «Area: …»."))
    card["key"] = card["key"] or slugify(title)[:KEY_MAX]
    if not card["key"] or card["key"] in used:
        _fail(title, _("la chiave manca o è già di un altro servizio."))
    used.add(card["key"])
    for position, (start, _level, heading) in enumerate(heads):
        end = heads[position + 1][0] if position + 1 < len(heads) else len(lines)
        body = "\n".join(lines[start + 1 : end]).strip()
        name = heading.strip().lower()
        if name == COMMITMENTS_HEADING:
            card["commitments"] = [
                _commitment(line, title) for line in body.split("\n") if line.strip()
            ]
        elif name in SERVICE_FIELDS:
            card[SERVICE_FIELDS[name]] = body
        else:
            _fail(
                title,
                _("«%(heading)s» non è un campo della scheda del servizio.") % {"heading": heading},
            )
    return card


def _check_rules(cards: list[dict]) -> None:
    """At most one commitment of the document governs a rule, with a target that suits it."""
    taken: dict[str, str] = {}
    for card in cards:
        for item in card["commitments"]:
            target = item.pop("_target")
            if not item["governs"]:
                continue
            if item["governs"] in taken:
                _fail(
                    card["title"],
                    _(
                        "il termine di risposta ai reclami è già fissato da un impegno del "
                        "servizio «%(other)s»: un solo impegno può fissarlo."
                    )
                    % {"other": taken[item["governs"]]},
                )
            taken[item["governs"]] = card["title"]
            problem = governed_rule_problem(
                QualityCommitment(
                    indicator=item["indicator"],
                    direction=item["direction"],
                    target_value=target,
                    governs=item["governs"],
                )
            )
            if problem:
                _fail(card["title"], problem)


def _split_services(lines: list[str]) -> tuple[list[str], list[dict]]:
    """The lines left for sections, and the service cards taken out of them."""
    headings = _headings(lines)
    keep = [True] * len(lines)
    cards: list[dict] = []
    used: set[str] = set()
    for position, (start, level, heading) in enumerate(headings):
        if not heading.lower().startswith(SERVICE_PREFIX) or not keep[start]:
            continue
        end = next((h[0] for h in headings[position + 1 :] if h[1] <= level), len(lines))
        title = heading[len(SERVICE_PREFIX) :].strip()
        if not title:
            raise InvalidInput(
                _("Un titolo «Servizio:» non ha il nome del servizio."), field="file"
            )
        cards.append(_service(lines[start + 1 : end], level, title, used))
        for index in range(start, end):
            keep[index] = False
    _check_rules(cards)
    return [line for line, kept in zip(lines, keep, strict=True) if kept], cards


def parse(text: str, *, services: bool = False) -> ParsedCarta:
    """Split ``text`` into sections (and, with ``services``, service cards: see the
    module's docstring); ``InvalidInput`` when it has no heading at all."""
    if not text.strip():
        raise InvalidInput(_("Il file è vuoto."), field="file")
    lines = text.split("\n")
    cards: list[dict] = []
    if services:
        lines, cards = _split_services(lines)
        if cards and not "\n".join(lines).strip():
            return ParsedCarta(title="", sections=[], services=cards)
    headings = _headings(lines)
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
    return ParsedCarta(title=title[:200], sections=sections, services=cards)
