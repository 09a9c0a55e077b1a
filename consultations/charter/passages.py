"""Quoted passages of a section: finding a quote in the section's Markdown, and marking
the commented passages in the rendered HTML.

A reader selects a passage in the rendered page, where the Markdown's markup is gone
(``**``, ``_``, link targets, list markers) and line breaks read as spaces. The browser
and the server both collapse white space (``normalize_quote``: every run of white space
becomes one space, the ends trimmed), and ``locate`` finds the quote in a projection of
the source with the markup dropped (linear time, whatever the text), so that a selection
across formatting is found where it is, and its offsets are those of the source. Pure
functions, no queries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

import nh3
from django.utils.safestring import SafeString, mark_safe

from carta import markdown as carta_markdown

# Markup that may lie, in the source, between the words the reader sees: emphasis and
# code markers, backslash escapes, a link's brackets (its target is skipped whole), and
# at the start of a line a list, quote or heading marker.
_MARKUP_CHARS = frozenset("*_~`\\[]")
_SKIPPED = re.compile(
    r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)|(?m:^[ \t]*(?:[-+*>]|#{1,6}|\d{1,9}[.)])[ \t]+)"
)
MAX_QUOTE = 2000


def normalize_quote(text: str | None) -> str:
    """The quote as both sides compare it: white space collapsed to single spaces and
    trimmed (the page's script does the same to a selection)."""
    return " ".join((text or "").split())


def _projection(text: str, *, source: bool) -> tuple[str, list[int]]:
    """``text`` as the reader sees it, markup dropped and white space collapsed, with the
    index in ``text`` of each character kept. Linear in the length of ``text``."""
    skipped = bytearray(len(text))
    if source:
        for match in _SKIPPED.finditer(text):
            # A link's target goes, its closing bracket with it; a marker keeps one space.
            begin = match.start() + (1 if text[match.start()] == "]" else 0)
            skipped[begin : match.end()] = b"\x01" * (match.end() - begin)
            if text[match.start()] != "]":
                skipped[match.end() - 1] = 0
    chars: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        if skipped[index] or char in _MARKUP_CHARS:
            continue
        if char.isspace():
            if chars and chars[-1] != " ":
                chars.append(" ")
                where.append(index)
            continue
        chars.append(char)
        where.append(index)
    if chars and chars[-1] == " ":
        chars.pop()
        where.pop()
    return "".join(chars), where


def _occurrences(body: str, quote: str) -> list[tuple[int, int]]:
    """Every ``(start, end)`` in ``body`` where the words of ``quote`` are."""
    needle, _where = _projection(quote[: MAX_QUOTE * 2], source=False)
    if not needle:
        return []
    seen, where = _projection(body, source=True)
    found, index = [], seen.find(needle)
    while index >= 0:
        found.append((where[index], where[index + len(needle) - 1] + 1))
        index = seen.find(needle, index + 1)
    return found


def locate(body: str, quote: str) -> tuple[int, int] | None:
    """``(start, end)`` of ``quote`` in the Markdown ``body``: the exact text first, then
    the same words across white space and markup; None when it is not there."""
    if not quote:
        return None
    index = body.find(quote)
    if index >= 0:
        return index, index + len(quote)
    found = _occurrences(body, quote)
    return found[0] if found else None


def _occurrence(body: str, quote: str, start: int | None) -> int:
    """Which occurrence (0, 1, ...) of ``quote`` in ``body`` begins at ``start``."""
    if start is None:
        return 0
    for number, (begin, _end) in enumerate(_occurrences(body, quote)):
        if begin >= start:
            return number
    return 0


def plain_quote(quote: str) -> str:
    """The quote as the rendered page reads it: markup and link targets dropped."""
    text = re.sub(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)", "", quote or "")
    text = re.sub(r"(?m)^[ \t]*(?:[-+*>]|#{1,6}|\d{1,9}[.)])[ \t]+", "", text)
    return normalize_quote(re.sub(r"[*_~`\\\[\]]", "", text))


# --- Marking the rendered HTML --------------------------------------------------------

_BLOCKS = {
    "p",
    "br",
    "hr",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
_VOID = {"br", "hr"}


@dataclass
class Passage:
    """A passage commented on: the comments that quote it, and where it is marked."""

    quote: str
    occurrence: int = 0
    comment_ids: list[int] = field(default_factory=list)
    anchor: str = ""  # the id of its first mark, once marked


class _Tokens(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple[str, str, str]] = []  # (kind, tag, raw or text)

    def handle_starttag(self, tag, attrs):
        self.tokens.append(("start", tag, self.get_starttag_text() or f"<{tag}>"))

    def handle_startendtag(self, tag, attrs):
        self.tokens.append(("start", tag, self.get_starttag_text() or f"<{tag}>"))

    def handle_endtag(self, tag):
        self.tokens.append(("end", tag, f"</{tag}>"))

    def handle_data(self, data):
        self.tokens.append(("text", "", data))


def _find_all(norm: str, needle: str) -> list[int]:
    found, index = [], norm.find(needle)
    while index >= 0 and needle:
        found.append(index)
        index = norm.find(needle, index + 1)
    return found


def mark_passages(html: str, passages: Sequence[Passage], *, describedby: str = "") -> SafeString:
    """``html`` (sanitized Markdown) with each passage's text wrapped in ``<mark>``
    elements (one per text node it covers) naming the comments that quote it. A passage
    not found in the text is left unmarked. The result is sanitized again, ``mark`` and
    its attributes added to the allow-list, so no markup can come from a quote."""
    parser = _Tokens()
    parser.feed(str(html))
    parser.close()
    tokens = parser.tokens
    # The text the reader sees, one space for each block boundary, and where each of
    # its normalized characters comes from (token index, offset in that token's text).
    norm_chars: list[str] = []
    origin: list[tuple[int, int] | None] = []
    pending_space = False
    for number, (kind, tag, raw) in enumerate(tokens):
        if kind != "text":
            if tag in _BLOCKS:
                pending_space = True
            continue
        for offset, char in enumerate(raw):
            if char.isspace():
                pending_space = True
                continue
            if pending_space and norm_chars:
                norm_chars.append(" ")
                origin.append(None)
            pending_space = False
            norm_chars.append(char)
            origin.append((number, offset))
    norm = "".join(norm_chars)
    # For each text token, the passage indexes covering each of its characters.
    covered: dict[int, list[set[int]]] = {}
    starts: dict[tuple[int, int], int] = {}
    for index, passage in enumerate(passages):
        spots = []
        for needle in dict.fromkeys((normalize_quote(passage.quote), plain_quote(passage.quote))):
            spots = _find_all(norm, needle)
            if spots:
                break
        if not spots:
            continue
        begin = spots[min(passage.occurrence, len(spots) - 1)]
        end = begin + len(needle)
        first = None
        last_token = last_offset = None
        for position in range(begin, end):
            where = origin[position]
            if where is None:
                continue
            number, offset = where
            if first is None:
                first = where
            # The white space between two marked characters: inside one text node, or
            # at the end of the one before and the start of this one (around a tag).
            if last_token == number and last_offset is not None:
                for gap in range(last_offset + 1, offset):
                    _cover(covered, tokens, number, gap, index)
            elif last_token is not None and last_offset is not None:
                before = tokens[last_token][2]
                if before[last_offset + 1 :].isspace():
                    for gap in range(last_offset + 1, len(before)):
                        _cover(covered, tokens, last_token, gap, index)
                if tokens[number][2][:offset].isspace():
                    for gap in range(offset):
                        _cover(covered, tokens, number, gap, index)
            _cover(covered, tokens, number, offset, index)
            last_token, last_offset = number, offset
        if first is not None:
            starts.setdefault(first, index)
    out: list[str] = []
    for number, (kind, _tag, raw) in enumerate(tokens):
        if kind != "text":
            out.append(raw)
            continue
        marks = covered.get(number)
        if not marks:
            out.append(escape(raw, quote=False))
            continue
        run_start = 0
        for offset in range(1, len(raw) + 1):
            if (
                offset < len(raw)
                and marks[offset] == marks[run_start]
                and ((number, offset) not in starts)
            ):
                continue
            chunk = escape(raw[run_start:offset], quote=False)
            owners = marks[run_start]
            if owners:
                ids = sorted({i for p in owners for i in passages[p].comment_ids})
                attrs = f'class="carta-passage" data-comments="{" ".join(map(str, ids))}"'
                starting = starts.get((number, run_start))
                if starting is not None:
                    anchor = f"passaggio-{passages[starting].comment_ids[0]}"
                    passages[starting].anchor = anchor
                    attrs += f' id="{anchor}" tabindex="0" role="button"'
                    if describedby:
                        attrs += f' aria-describedby="{escape(describedby)}"'
                out.append(f"<mark {attrs}>{chunk}</mark>")
            else:
                out.append(chunk)
            run_start = offset
    return mark_safe(_sanitize("".join(out)))  # noqa: S308 - sanitized just above


def _cover(covered, tokens, number, offset, index) -> None:
    marks = covered.setdefault(number, [set() for _ in tokens[number][2]])
    marks[offset].add(index)


def _sanitize(html: str) -> str:
    attributes = {
        **carta_markdown.ALLOWED_ATTRIBUTES,
        "mark": {"class", "data-comments", "id", "tabindex", "role", "aria-describedby"},
    }
    return nh3.clean(
        html,
        tags=carta_markdown.ALLOWED_TAGS | {"mark"},
        attributes=attributes,
        url_schemes=carta_markdown.URL_SCHEMES,
        link_rel="nofollow noopener",
    )


def passages_of(body: str, comments: Iterable) -> list[Passage]:
    """The passages quoted by ``comments`` that anyone reading them may see: neither
    hidden nor with texts withheld from the reader. Comments quoting the same place
    share one passage."""
    by_place: dict[tuple[str, int], Passage] = {}
    for comment in comments:
        if not comment.quote or comment.is_hidden or not getattr(comment, "can_read_texts", True):
            continue
        quote = normalize_quote(comment.quote)
        start = comment.quote_start if comment.anchored_text == body else None
        if start is None:
            located = locate(body, comment.quote)
            if located is None:  # written on a text that no longer holds it
                continue
            start = located[0]
        place = (quote, _occurrence(body, comment.quote, start))
        passage = by_place.setdefault(place, Passage(quote=quote, occurrence=place[1]))
        passage.comment_ids.append(comment.pk)
    return list(by_place.values())


def highlighted(body: str, comments: Iterable, *, describedby: str = "") -> SafeString:
    """The section's body rendered (``carta.markdown``) with its commented passages
    marked; each comment quoting a marked passage gets ``passage_anchor``."""
    comments = list(comments)
    html = carta_markdown.render_markdown(body)
    passages = passages_of(body, comments)
    if not passages:
        return html
    marked = mark_passages(html, passages, describedby=describedby)
    anchors = {pk: p.anchor for p in passages for pk in p.comment_ids if p.anchor}
    for comment in comments:
        comment.passage_anchor = anchors.get(comment.pk, "")
    return marked
