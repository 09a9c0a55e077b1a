"""Import of a Carta written in Markdown as a draft."""

import pytest

from carta.errors import InvalidInput, NotAllowed
from consultations import importer, services

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
