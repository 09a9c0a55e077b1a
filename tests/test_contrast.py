"""Every badge, background and text-colour class the templates use, paired as they are on
the element, reaches WCAG 2.1's contrast: 4.5:1 for text (1.4.3), 3:1 for the charts'
bars and lines (1.4.11).

The colours are read from the stylesheets the pages load, the vendored Bootstrap Italia
and the platform's ``carta.css``: their rules for each class (the last one wins, an
``!important`` over one without), custom properties resolved from the class's own rule
and ``:root``. The templates are scanned for ``class="..."`` attributes; a class chosen
by ``{% if %}`` makes one variant per branch. A text class without a background class
on the same element is read on the page's white background; a background without a
text class carries the body's text (``.badge`` its own white). What an ancestor's
background does is for the browser check (``tests/browser/test_charts.py``)."""

from __future__ import annotations

import colorsys
import re
from functools import cache
from pathlib import Path

import pytest
import tinycss2

from carta.charts import COLOURS

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "platform" / "carta" / "static"
BOOTSTRAP = STATIC / "vendor" / "bootstrap-italia" / "css" / "bootstrap-italia.min.css"
CARTA = STATIC / "carta" / "css" / "carta.css"
WHITE = (255.0, 255.0, 255.0)
SKIP_DIRS = {".venv", "node_modules", "vendor", ".git", "htmlcov"}

# Classes that set a colour or a background: Bootstrap's utilities and the platform's own.
COLOUR_CLASS = re.compile(
    r"^(badge|btn|btn-[a-z-]+|bg-[a-z0-9-]+|text-bg-[a-z]+|text-[a-z-]+|carta-[a-z0-9-]+|fb-[a-z-]+)$"
)
# Text utilities that set no colour.
NOT_COLOUR = re.compile(
    r"^text-(start|end|center|left|right|justify|wrap|nowrap|break|truncate|lowercase|"
    r"uppercase|capitalize|decoration-[a-z-]+|reset|opacity-[0-9]+|[a-z]+-(start|end|center))$"
)


# --- Colours -------------------------------------------------------------------------------


def luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a, b) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _number(text: str, scale: float = 1.0) -> float:
    text = text.strip()
    if text.endswith("%"):
        return float(text[:-1]) * scale / 100
    return float(text)


def parse_colour(text: str) -> tuple[tuple[float, float, float], float] | None:
    """``(rgb, alpha)`` of a CSS colour (hex, rgb[a], hsl[a], a few names), else None."""
    text = text.strip().lower().replace("!important", "").strip()
    names = {"white": ("#fff", 1), "black": ("#000", 1), "transparent": ("#000", 0)}
    if text in names:
        return parse_colour(names[text][0])[0], names[text][1]
    if text.startswith("#"):
        digits = text[1:]
        if len(digits) in (3, 4):
            digits = "".join(d * 2 for d in digits)
        alpha = int(digits[6:8], 16) / 255 if len(digits) == 8 else 1.0
        return tuple(float(int(digits[i : i + 2], 16)) for i in (0, 2, 4)), alpha
    match = re.fullmatch(r"(rgba?|hsla?)\((.*)\)", text)
    if not match:
        return None
    parts = [p for p in re.split(r"[,\s/]+", match.group(2).strip()) if p]
    alpha = _number(parts[3], 1.0) if len(parts) > 3 else 1.0
    if match.group(1).startswith("rgb"):
        return tuple(_number(p, 255.0) for p in parts[:3]), alpha
    h = float(parts[0].replace("deg", "")) / 360
    s, lightness = _number(parts[1], 1.0), _number(parts[2], 1.0)
    r, g, b = colorsys.hls_to_rgb(h, lightness, s)
    return (r * 255, g * 255, b * 255), alpha


def over(colour, ground) -> tuple[float, float, float]:
    """``colour`` (rgb, alpha) laid over an opaque ``ground``."""
    rgb, alpha = colour
    return tuple(alpha * c + (1 - alpha) * g for c, g in zip(rgb, ground, strict=True))


# --- Stylesheets ---------------------------------------------------------------------------


def _rules(path: Path):
    """(selectors, declarations) of the sheet's top-level style rules (media queries and
    other at-rules left out: the pages' colours do not change with the width)."""
    sheet = tinycss2.parse_stylesheet(path.read_text(), skip_comments=True, skip_whitespace=True)
    for rule in sheet:
        if rule.type != "qualified-rule":
            continue
        selectors = [s.strip() for s in tinycss2.serialize(rule.prelude).split(",")]
        declarations = tinycss2.parse_blocks_contents(
            rule.content, skip_comments=True, skip_whitespace=True
        )
        yield selectors, [d for d in declarations if d.type == "declaration"]


class Sheets:
    """The declarations of each class (``.name`` alone as a selector, or for carta.css
    also as the last part of a descendant selector), and ``:root``'s custom properties."""

    def __init__(self):
        self.root: dict[str, str] = {}
        self.classes: dict[str, dict[str, tuple[str, bool]]] = {}
        for path, descendant in ((BOOTSTRAP, False), (CARTA, True)):
            for selectors, declarations in _rules(path):
                for selector in selectors:
                    if selector == ":root":
                        for d in declarations:
                            if d.name.startswith("--"):
                                self.root[d.name] = tinycss2.serialize(d.value).strip()
                        continue
                    last = selector.split()[-1] if descendant else selector
                    match = re.fullmatch(r"\.([a-z0-9-]+)", last)
                    if not match or (not descendant and " " in selector):
                        continue
                    own = self.classes.setdefault(match.group(1), {})
                    for d in declarations:
                        value = tinycss2.serialize(d.value).strip()
                        name = d.name.lower()
                        if name == "background":
                            name = "background-color"
                        if name in own and own[name][1] and not d.important:
                            continue
                        own[name] = (value, d.important)

    def resolve(self, value: str, local: dict[str, str]) -> str:
        for _ in range(10):
            found = re.search(
                r"var\((--[a-z0-9-]+)(?:\s*,\s*([^()]*(?:\([^()]*\))?[^()]*))?\)", value, re.I
            )
            if not found:
                return value
            name, fallback = found.group(1), found.group(2)
            replacement = local.get(name, self.root.get(name, fallback or ""))
            value = value[: found.start()] + replacement + value[found.end() :]
        return value

    def property(self, classes: list[str], name: str) -> str | None:
        """The value of ``name`` on an element with ``classes`` (later rules already won
        within a class; across classes, ``!important`` wins, then the class named later
        in the sheets, approximated by the order of the list)."""
        local: dict[str, str] = {}
        for cls in classes:
            for prop, (value, _important) in self.classes.get(cls, {}).items():
                if prop.startswith("--"):
                    local[prop] = value
        chosen, chosen_important = None, False
        for cls in classes:
            entry = self.classes.get(cls, {}).get(name)
            if entry is None:
                continue
            value, important = entry
            if chosen is None or important or not chosen_important:
                chosen, chosen_important = value, important or chosen_important
        return None if chosen is None else self.resolve(chosen, local)


@cache
def sheets() -> Sheets:
    return Sheets()


def colours_of(classes: list[str]) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """(text, background) of an element with ``classes`` on the white page."""
    s = sheets()
    body = parse_colour(s.resolve("var(--bs-body-color)", {}))
    background = WHITE
    value = s.property(classes, "background-color")
    if value and parse_colour(value):
        background = over(parse_colour(value), WHITE)
    text = s.property(classes, "color")
    colour = parse_colour(text) if text else None
    return over(colour or body, background), background


def light_text_on_an_ancestor(classes: list[str]) -> bool:
    """White or light text on an element with no background of its own (the header's
    bell, the footer's headings): its ground is an ancestor's, which only the browser
    knows (``tests/browser/test_charts.py`` reads it there)."""
    s = sheets()
    value = s.property(classes, "background-color")
    has_ground = bool(value and parse_colour(value) and parse_colour(value)[1] > 0)
    text = s.property(classes, "color")
    colour = parse_colour(text) if text else None
    return not has_ground and colour is not None and luminance(colour[0]) > 0.5


# --- Templates -----------------------------------------------------------------------------

CLASS_ATTR = re.compile(r'\bclass="((?:\{%.*?%\}|\{\{.*?\}\}|[^"])*)"', re.S)
TAG = re.compile(r"(\{%.*?%\}|\{\{.*?\}\})", re.S)


def variants(attribute: str) -> list[list[str]]:
    """The class lists an attribute can produce: the classes outside any ``{% if %}``
    with each branch's classes in turn (and with none, for an ``{% if %}`` without
    ``{% else %}``)."""
    common: list[str] = []
    branches: list[list[str]] = []
    has_else = False
    depth = 0
    current: list[str] | None = None
    for part in TAG.split(attribute):
        if part.startswith("{%"):
            word = part[2:-2].split()[0] if part[2:-2].split() else ""
            if word == "if":
                depth += 1
                if depth == 1:
                    current = []
                    branches.append(current)
            elif word in ("elif", "else") and depth == 1:
                has_else = has_else or word == "else"
                current = []
                branches.append(current)
            elif word == "endif":
                depth -= 1
                if depth == 0:
                    current = None
            continue
        if part.startswith("{{"):
            continue
        # A class completed by a variable (``carta-identity-{{ kind }}``) names no rule.
        words = [w for w in part.split() if not w.endswith("-")]
        (current if current is not None else common).extend(words)
    if not branches:
        return [common]
    return [common + branch for branch in branches] + ([] if has_else else [common])


def template_files():
    for path in ROOT.rglob("*.html"):
        if SKIP_DIRS.intersection(path.relative_to(ROOT).parts):
            continue
        if "templates" in path.parts:
            yield path


@cache
def used_pairs() -> dict[tuple[str, ...], list[str]]:
    """Each colour-setting class combination used on an element, with where."""
    pairs: dict[tuple[str, ...], list[str]] = {}
    for path in template_files():
        text = path.read_text()
        for match in CLASS_ATTR.finditer(text):
            for classes in variants(match.group(1)):
                chosen = tuple(
                    c for c in classes if COLOUR_CLASS.match(c) and not NOT_COLOUR.match(c)
                )
                relevant = [c for c in chosen if c in sheets().classes]
                if not relevant:
                    continue
                if not any(
                    sheets().property([c], p)
                    for c in relevant
                    for p in ("color", "background-color")
                ):
                    continue
                if light_text_on_an_ancestor(list(chosen)):
                    continue
                line = text.count("\n", 0, match.start()) + 1
                pairs.setdefault(chosen, []).append(f"{path.relative_to(ROOT)}:{line}")
    return pairs


# --- Tests ---------------------------------------------------------------------------------


def test_the_colour_parser_reads_the_sheets_notations():
    assert parse_colour("#06c") == ((0.0, 102.0, 204.0), 1.0)
    assert parse_colour("rgba(0, 102, 204, 1)")[0] == (0.0, 102.0, 204.0)
    rgb, _alpha = parse_colour("hsl(210, 100%, 40%)")
    assert [round(c) for c in rgb] == [0, 102, 204]
    assert round(ratio(WHITE, (0.0, 0.0, 0.0)), 1) == 21.0
    # The badge's text and Bootstrap Italia's success background, through var().
    text, background = colours_of(["badge", "bg-success"])
    assert [round(c) for c in text] == [255, 255, 255]
    assert [round(c) for c in background] == [0, 128, 85]


def test_the_templates_use_the_state_badges():
    pairs = used_pairs()
    # The scan finds what the pages show: state badges, muted text, the dashboard's verdicts.
    assert ("badge", "bg-success") in pairs
    assert ("badge", "bg-danger") in pairs
    assert ("badge", "bg-secondary") in pairs
    assert any("text-muted" in classes for classes in pairs)
    assert ("fb-unmet",) in pairs and ("fb-met",) in pairs


@pytest.mark.parametrize("classes", sorted(used_pairs()), ids=" ".join)
def test_every_badge_and_text_colour_pair_reaches_4_5_to_1(classes):
    text, background = colours_of(list(classes))
    value = ratio(text, background)
    where = ", ".join(used_pairs()[classes][:3])
    assert value >= 4.5, f"{' '.join(classes)}: {value:.2f}:1 ({where})"


def test_the_charts_colours_reach_their_contrast_on_white():
    # Text and axes as text, bars and the target line as graphics.
    for name in ("text", "axis"):
        assert ratio(parse_colour(COLOURS[name])[0], WHITE) >= 4.5, name
    for name in ("bar", "target"):
        assert ratio(parse_colour(COLOURS[name])[0], WHITE) >= 3, name
    # The values are written in the text colour on a white ground over the bars.
    assert ratio(parse_colour(COLOURS["text"])[0], WHITE) >= 4.5
