"""Every translation catalogue is complete, and its compiled .mo matches the .po.

The source strings are Italian; ``locale/en`` catalogues translate them. The compiled
catalogues are committed (a fresh install needs no gettext), so a stale .mo is a bug.
"""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = sorted(
    path
    for path in ROOT.glob("**/locale/*/LC_MESSAGES/django.po")
    if ".venv" not in path.parts and "node_modules" not in path.parts
)


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr list, flags."""
    entries, entry, key = [], None, None

    def finish():
        if entry and entry.get("msgid") is not None:
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#,"):
            finish()
            entry, key = {"flags": {f.strip() for f in line[2:].split(",")}}, None
            continue
        if line.startswith("#"):
            continue
        if line.startswith(("msgctxt", "msgid ")) and (entry is None or "msgstr" in entry):
            finish()
            entry = {"flags": set()}
        if entry is None:
            entry = {"flags": set()}
        word, _, rest = line.partition(" ")
        if line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(entry.get(key), list):
                entry[key][-1] += value
            else:
                entry[key] += value
            continue
        value = ast.literal_eval(rest)
        if word.startswith("msgstr["):
            entry.setdefault("msgstr", []).append(value)
            key = "msgstr"
        elif word == "msgstr":
            entry["msgstr"] = [value]
            key = "msgstr"
        else:
            entry[word] = value
            key = word
    finish()
    return [e for e in entries if e["msgid"] != ""]


def test_there_are_catalogues():
    assert CATALOGUES, "no locale/*/LC_MESSAGES/django.po found"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete(po):
    missing = [e["msgid"] for e in parse_po(po) if not all(e["msgstr"])]
    fuzzy = [e["msgid"] for e in parse_po(po) if "fuzzy" in e["flags"]]
    assert missing == [], f"untranslated in {po}: {missing[:10]}"
    assert fuzzy == [], f"fuzzy in {po}: {fuzzy[:10]}"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalogue_matches_its_source(po):
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run make compilemessages"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in parse_po(po):
        msgid = entry["msgid"]
        if "msgctxt" in entry:
            got = compiled.pgettext(entry["msgctxt"], msgid)
        elif "msgid_plural" in entry:
            got = compiled.ngettext(msgid, entry["msgid_plural"], 1)
        else:
            got = compiled.gettext(msgid)
        assert got == entry["msgstr"][0], f"{mo} is stale for {msgid!r}: run make compilemessages"
