"""Word-level comparison of two texts, for proposal versions (page and API)."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import TypedDict

_TOKENS = re.compile(r"\s+|[^\s]+")


class DiffPart(TypedDict):
    op: str  # "equal", "insert" or "delete"
    text: str


def word_diff(old: str, new: str) -> list[DiffPart]:
    """The changes from ``old`` to ``new`` as a list of equal / delete / insert runs of
    words (whitespace kept), in reading order; a replacement is a delete then an insert."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    parts: list[DiffPart] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append({"op": "equal", "text": "".join(a[i1:i2])})
            continue
        if tag in ("delete", "replace"):
            parts.append({"op": "delete", "text": "".join(a[i1:i2])})
        if tag in ("insert", "replace"):
            parts.append({"op": "insert", "text": "".join(b[j1:j2])})
    return parts


def diff_texts(old: dict[str, str], new: dict[str, str], fields) -> dict[str, list[DiffPart]]:
    """``{field: word_diff}`` for each of ``fields``; unchanged fields give one equal run."""
    return {name: word_diff(old.get(name, ""), new.get(name, "")) for name in fields}


def changed(parts: list[DiffPart]) -> bool:
    return any(part["op"] != "equal" for part in parts)
