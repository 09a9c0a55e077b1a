"""No sentence writes an article or a preposition right before a date placeholder ("il
%(date)s", "fino al {{ date }}"): Italian elides before the 1st, 8th and 11th ("l'8",
"all'11"), so the placeholder carries the article (carta.dates, ``|on_date:"al"``) and the
msgid reads "fino %(date)s" (docs/copy.md)."""

import ast
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[3]
SOURCES = ["platform", "stakeholders", "proposals", "consultations", "feedback", "templates"]
SKIPPED_PARTS = {"tests", "migrations", "static", "locale", "__pycache__", "node_modules"}

# An Italian article or articulated preposition, then a placeholder: "%(date)s",
# "{{ date }}", "{date}".
PATTERN = re.compile(
    r"(?<![\w'])(il|al|dal|del|nel|sul|all'|dall'|dell'|nell'|sull'|l')\s*"
    r"(%\((?P<a>\w+)\)s|\{\{\s*(?P<b>\w+)\s*\}\}|\{(?P<c>\w+)\})",
    re.IGNORECASE,
)

# Placeholders that are not dates, where the article is right.
ALLOWED = {
    ("consultations/voting/templates/voting/consultation_results.html", "q"),  # "Quorum del 40%"
    ("feedback/templates/feedback/_home_block.html", "period"),  # "nel primo semestre 2026"
}


def _python_strings(path: pathlib.Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                yield node.lineno, node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(
                part.value if isinstance(part, ast.Constant) else "{value}" for part in node.values
            )
            yield node.lineno, text


def _template_strings(path: pathlib.Path):
    text = path.read_text(encoding="utf-8")
    yield 1, text


def _files():
    for top in SOURCES:
        for path in sorted((ROOT / top).rglob("*")):
            relative = path.relative_to(ROOT)
            if SKIPPED_PARTS.intersection(relative.parts) or not path.is_file():
                continue
            if path.suffix in {".py", ".html", ".txt"}:
                yield relative, path


def offending() -> list[str]:
    found = []
    for relative, path in _files():
        strings = _python_strings(path) if path.suffix == ".py" else _template_strings(path)
        for line, text in strings:
            for match in PATTERN.finditer(text):
                name = match.group("a") or match.group("b") or match.group("c")
                if (str(relative), name) in ALLOWED:
                    continue
                if path.suffix != ".py":
                    line = text.count("\n", 0, match.start()) + 1
                found.append(f"{relative}:{line}: {match.group(0)!r}")
    return found


def test_the_walk_sees_the_sources():
    names = {str(relative) for relative, _ in _files()}
    assert "consultations/voting/views.py" in names
    assert "stakeholders/templates/stakeholders/invitation.html" in names
    assert not any("/tests/" in name for name in names)


def test_the_pattern_finds_what_it_must():
    for text in ["apre il %(date)s", "fino al {{ date }}", "Dal {{ opens }}", "entro l'{day}"]:
        assert PATTERN.search(text), text
    for text in ["apre %(date)s", "fino {{ date }}", "Quorum: {{ q }}", "alle %(time)s"]:
        assert not PATTERN.search(text), text


def test_no_article_before_a_date_placeholder():
    assert offending() == []
