"""Import of a Carta written in Markdown as a draft."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carta.errors import InvalidInput, NotAllowed
from consultations.charter import importer, services

CARTA = """# Carta dei servizi dell'Ambito

Questa Carta descrive i servizi.

## Principi

I servizi seguono questi principi.

### Uguaglianza

Tutti hanno uguale diritto.

```
# questo non è un titolo
```

## Accesso

Lo sportello è aperto.

## Accesso

Un secondo titolo uguale.
"""


def test_headings_become_nested_sections_with_stable_keys():
    parsed = importer.parse(CARTA)
    assert parsed.title == "Carta dei servizi dell'Ambito"
    assert [(s.key, s.parent_key) for s in parsed.sections] == [
        ("premessa", ""),
        ("principi", ""),
        ("uguaglianza", "principi"),
        ("accesso", ""),
        ("accesso-2", ""),
    ]
    assert "# questo non è un titolo" in parsed.sections[2].body


def test_import_creates_a_draft(carta_editor):
    revision = services.import_markdown(
        actor=carta_editor, data=CARTA.encode(), filename="carta.md"
    )
    assert revision.status == "draft"
    assert revision.title == "Carta dei servizi dell'Ambito"
    assert revision.sections.count() == 5


@pytest.mark.parametrize(
    ("data", "filename", "fragment"),
    [
        (b"", "carta.md", "vuoto"),
        (b"   \n\n", "carta.md", "vuoto"),
        (b"%PDF-1.7\x00\x01binario", "carta.md", "binario"),
        (b"# Titolo", "carta.pdf", "Markdown"),
        (b"Solo testo senza titoli", "carta.md", "nessun titolo"),
        ("# Perché la Carta".encode("latin-1"), "carta.md", "UTF-8"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(carta_editor, data, filename, fragment):
    with pytest.raises(InvalidInput) as error:
        services.import_markdown(actor=carta_editor, data=data, filename=filename)
    assert error.value.field == "file"
    assert fragment in str(error.value.message)


def test_only_editors_import(citizen):
    with pytest.raises(NotAllowed):
        services.import_markdown(actor=citizen, data=CARTA.encode(), filename="carta.md")


heading = st.text(alphabet="abcdefghij èàòKLM", min_size=1, max_size=20).map(str.strip).filter(bool)
paragraph = st.text(alphabet="abc def\nghi.,;", max_size=60).map(
    lambda t: "\n".join(line for line in t.split("\n") if not line.lstrip().startswith("#"))
)


@given(
    parts=st.lists(
        st.tuples(st.integers(min_value=2, max_value=4), heading, paragraph), min_size=1, max_size=8
    )
)
@settings(max_examples=150, deadline=None)
def test_every_heading_becomes_a_section_with_its_text(parts):
    text = "\n\n".join(f"{'#' * level} {title}\n\n{body}" for level, title, body in parts)
    parsed = importer.parse(text)
    assert [s.heading for s in parsed.sections] == [title for _l, title, _b in parts]
    assert [s.body for s in parsed.sections] == [body.strip() for _l, _t, body in parts]
    keys = [s.key for s in parsed.sections]
    assert len(set(keys)) == len(keys)
    for section in parsed.sections:
        assert section.parent_key == "" or section.parent_key in keys


@given(data=st.binary(max_size=200))
@settings(max_examples=200, deadline=None)
def test_any_file_is_imported_or_refused_with_a_message(data):
    try:
        importer.parse(importer.decode(data, "carta.md"))
    except InvalidInput as error:
        assert error.field == "file" and str(error.message)
