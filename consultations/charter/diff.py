"""Comparison of two revisions of the Carta, and the word-level diff of two texts.

Pure functions over plain data (no queries): ``selectors.revision_diff`` loads the two
revisions and calls ``compare``. A text is cut into tokens (words and single punctuation
marks, each with the white space after it) whose concatenation is the text itself, so that a diff is
lossless: the ``old`` parts of ``word_diff(old, new)`` join into ``old``, its ``new`` parts into
``new``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypedDict

from django.utils.translation import gettext_lazy as _

from consultations.charter.models import QualityCommitment, Service

# A word or a punctuation mark with the white space that follows it; white space at the
# very start is a token of its own. Keeping the spaces with the words halves the tokens
# and avoids thousands of identical " " tokens, which make the matcher quadratic.
_TOKEN = re.compile(r"^\s+|\w+\s*|[^\w\s]\s*", re.UNICODE)


class Op(TypedDict, total=False):
    op: str  # "equal" | "insert" | "delete" | "replace"
    old: str
    new: str


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


# Above this many token pairs the matcher is too slow for a page (it grows with the
# product of the lengths): the texts are first compared line by line, and only the
# changed blocks word by word (or, if a block is itself too long, as a whole).
WORD_LIMIT = 1_000_000


def _token_ops(a: list[str], b: list[str]) -> list[Op]:
    ops: list[Op] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old_part, new_part = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            ops.append({"op": "equal", "old": old_part, "new": new_part})
        elif tag == "insert":
            ops.append({"op": "insert", "old": "", "new": new_part})
        elif tag == "delete":
            ops.append({"op": "delete", "old": old_part, "new": ""})
        else:
            ops.append({"op": "replace", "old": old_part, "new": new_part})
    return ops


def word_diff(old: str, new: str) -> list[Op]:
    """The operations that turn ``old`` into ``new``, word by word; ``[]`` when equal."""
    old = old or ""
    new = new or ""
    if old == new:
        return []
    a, b = tokens(old), tokens(new)
    if len(a) * len(b) <= WORD_LIMIT:
        return _token_ops(a, b)
    la, lb = old.splitlines(keepends=True), new.splitlines(keepends=True)
    ops: list[Op] = []
    matcher = difflib.SequenceMatcher(None, la, lb, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old_part, new_part = "".join(la[i1:i2]), "".join(lb[j1:j2])
        if tag == "equal":
            ops.append({"op": "equal", "old": old_part, "new": new_part})
            continue
        ta, tb = tokens(old_part), tokens(new_part)
        if ta and tb and len(ta) * len(tb) <= WORD_LIMIT:
            ops.extend(_token_ops(ta, tb))
        elif not ta:
            ops.append({"op": "insert", "old": "", "new": new_part})
        elif not tb:
            ops.append({"op": "delete", "old": old_part, "new": ""})
        else:
            ops.append({"op": "replace", "old": old_part, "new": new_part})
    return ops


def _moved_keys(old_order: list[str], new_order: list[str]) -> set[str]:
    """Keys present in both orders that are not part of their longest common run."""
    common = set(old_order) & set(new_order)
    a = [k for k in old_order if k in common]
    b = [k for k in new_order if k in common]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    kept: set[str] = set()
    for block in matcher.get_matching_blocks():
        kept.update(a[block.a : block.a + block.size])
    return common - kept


def _field_diffs(old: Mapping[str, Any], new: Mapping[str, Any], fields: Iterable[str]) -> dict:
    out = {}
    for name in fields:
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        if isinstance(before, str | type(None)) and isinstance(after, str | type(None)):
            out[name] = {"old": before, "new": after, "ops": word_diff(before or "", after or "")}
        else:
            out[name] = {"old": before, "new": after}
    return out


SECTION_FIELDS = ("heading", "body")
SERVICE_FIELDS = ("title", "area", *Service.TEXT_FIELDS[1:], "providers")
COMMITMENT_FIELDS = (
    "indicator",
    "direction",
    "target_value",
    "unit",
    "how_measured",
    "governs",
    "refund",
    "refund_amount",
)


def _compare_items(
    old_items: list[dict], new_items: list[dict], fields: Sequence[str], *, tree: bool
) -> list[dict]:
    old_by_key = {item["key"]: item for item in old_items}
    new_by_key = {item["key"]: item for item in new_items}
    moved = _moved_keys([i["key"] for i in old_items], [i["key"] for i in new_items])
    changes: list[dict] = []
    for item in new_items:
        key = item["key"]
        before = old_by_key.get(key)
        if before is None:
            changes.append({"key": key, "change": "added", "label": item["label"], "new": item})
            continue
        entry: dict[str, Any] = {"key": key, "label": item["label"], "kinds": []}
        if key in moved or (tree and before.get("parent_key") != item.get("parent_key")):
            entry["kinds"].append("moved")
            if tree:
                entry["parent_key"] = {"old": before.get("parent_key"), "new": item["parent_key"]}
        fields_changed = _field_diffs(before, item, fields)
        if fields_changed:
            entry["kinds"].append("changed")
            entry["fields"] = fields_changed
        if "commitments" in item:
            sub = _compare_items(
                before.get("commitments", []), item["commitments"], COMMITMENT_FIELDS, tree=False
            )
            if sub:
                if "changed" not in entry["kinds"]:
                    entry["kinds"].append("changed")
                entry["commitments"] = sub
        if entry["kinds"]:
            entry["change"] = "changed" if "changed" in entry["kinds"] else "moved"
            changes.append(entry)
    for item in old_items:
        if item["key"] not in new_by_key:
            changes.append(
                {"key": item["key"], "change": "removed", "label": item["label"], "old": item}
            )
    return changes


def compare(old: Mapping[str, list[dict]], new: Mapping[str, list[dict]]) -> dict:
    """Sections and services added, removed, moved and changed between two snapshots
    (as made by ``selectors.snapshot``). Both lists are empty when nothing differs."""
    return {
        "sections": _compare_items(old["sections"], new["sections"], SECTION_FIELDS, tree=True),
        "services": _compare_items(old["services"], new["services"], SERVICE_FIELDS, tree=False),
    }


def _label(model, name: str) -> str:
    if name == "providers":
        return _("enti che lo erogano")
    try:
        return model._meta.get_field(name).verbose_name
    except Exception:  # noqa: BLE001 - a field of the snapshot that is no model field
        return name


def _choice_words(model, name: str, field: dict) -> dict:
    """A field with choices (a service's area, a commitment's direction) in the words of
    its choices rather than its stored values."""
    try:
        choices = dict(model._meta.get_field(name).choices or ())
    except Exception:  # noqa: BLE001 - a field of the snapshot that is no model field
        return field
    if not choices or "ops" not in field:
        return field
    old = str(choices.get(field["old"], field["old"] or ""))
    new = str(choices.get(field["new"], field["new"] or ""))
    return {"old": old, "new": new, "ops": word_diff(old, new)}


def labelled(changes: Mapping[str, list[dict]]) -> dict:
    """``changes`` (as made by ``compare``) with, on each item and commitment, ``rows``:
    ``(label, field)`` pairs naming the changed fields in words (for the page; the API
    keeps the field names)."""
    section_labels = {"heading": _("Titolo"), "body": _("Testo")}

    def rows(fields: Mapping[str, dict], names, model=None) -> list[tuple[str, dict]]:
        return [
            (names(name), _choice_words(model, name, field) if model else field)
            for name, field in fields.items()
        ]

    sections = [
        {**item, "rows": rows(item.get("fields", {}), lambda n: section_labels.get(n, n))}
        for item in changes["sections"]
    ]
    services = []
    for item in changes["services"]:
        commitments = [
            {
                **c,
                "rows": rows(
                    c.get("fields", {}), lambda n: _label(QualityCommitment, n), QualityCommitment
                ),
            }
            for c in item.get("commitments", [])
        ]
        services.append(
            {
                **item,
                "rows": rows(item.get("fields", {}), lambda n: _label(Service, n), Service),
                "commitments": commitments,
            }
        )
    return {"sections": sections, "services": services}
