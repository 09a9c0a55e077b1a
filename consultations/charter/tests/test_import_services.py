"""The service catalogue written in Markdown: ``Servizio:`` headings open a card whose
deeper headings are its fields (the practical ones included) and whose "Impegni di
qualità" lists the commitments, with the refund and the rule a commitment may set."""

from decimal import Decimal

import pytest

from carta.errors import InvalidInput
from consultations.charter import importer, services
from consultations.charter.services.content import store_imported_services

CARTA = """# Carta dei Servizi 2027

## Principi
Uguaglianza e imparzialità.

## Servizio: Assistenza domiciliare
Chiave: assistenza-domiciliare
Area: Anziani

### Finalità
Sostenere la persona anziana a casa propria.
### Come fare domanda
Allo sportello sociale del Comune.
### Dove e quando
Via Roma 1, lunedì 9-12.
### Documenti da presentare
Documento d'identità, ISEE.
### Costi e compartecipazione
Gratuito fino a 8.000,00 € di ISEE.
### Impegni di qualità
- attivazione | Giorni per l'attivazione | al massimo | 30 | giorni | Registro | Rimborso | 50
- risposta | Giorni per rispondere | al massimo | 20 | giorni | | | | termine reclami

## Reclami
Come presentare un reclamo.
"""


def test_service_cards_are_parsed_apart_from_the_sections():
    parsed = importer.parse(CARTA, services=True)
    assert [s.heading for s in parsed.sections] == ["Principi", "Reclami"]
    (card,) = parsed.services
    assert (card["key"], card["area"], card["title"]) == (
        "assistenza-domiciliare",
        "elderly",
        "Assistenza domiciliare",
    )
    assert card["how_to_apply"] == "Allo sportello sociale del Comune."
    assert card["costs"] == "Gratuito fino a 8.000,00 € di ISEE."
    assert [c["governs"] for c in card["commitments"]] == ["", "complaint_deadline"]
    assert card["commitments"][0]["refund"] == "Rimborso"
    # Without ``services`` the document reads as before: every heading a section.
    assert "Servizio: Assistenza domiciliare" in [s.heading for s in importer.parse(CARTA).sections]


def test_the_cards_are_stored_in_the_draft(db, carta_editor):
    draft = services.create_draft(actor=carta_editor, title="Importata")
    parsed = importer.parse(CARTA, services=True)
    assert store_imported_services(actor=carta_editor, revision=draft, services=parsed.services)
    service = draft.services.get(key="assistenza-domiciliare")
    assert service.where_and_when == "Via Roma 1, lunedì 9-12."
    first, second = service.commitments.order_by("position")
    assert (first.refund, first.refund_amount) == ("Rimborso", Decimal("50.00"))
    assert second.governs == "complaint_deadline"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            "- altra | Altro termine | al massimo | 15 | giorni | | | | termine reclami\n",
            "già fissato",
        ),
        ("- mezzo | Giorni | al massimo | 7,5 | giorni | | | | termine reclami\n", "intero"),
    ],
    ids=["twice", "fraction"],
)
def test_a_rule_set_twice_or_badly_is_refused_naming_the_service(change, message):
    text = CARTA.replace("\n## Reclami", change + "\n## Reclami")
    if message == "intero":
        text = text.replace("| termine reclami\n- mezzo", "|\n- mezzo")
    with pytest.raises(InvalidInput) as refused:
        importer.parse(text, services=True)
    assert refused.value.field == "file"
    assert "Assistenza domiciliare" in str(refused.value.message)
    assert message in str(refused.value.message)


def test_an_unknown_field_or_area_is_refused():
    with pytest.raises(InvalidInput) as unknown:
        importer.parse(CARTA.replace("### Dove e quando", "### Orari strani"), services=True)
    assert "Orari strani" in str(unknown.value.message)
    with pytest.raises(InvalidInput) as area:
        importer.parse(CARTA.replace("Area: Anziani", "Area: Sport"), services=True)
    assert "Sport" in str(area.value.message)


def test_importing_a_file_stores_its_sections_and_its_services(db, api_as, carta_editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("carta.md", CARTA.encode(), content_type="text/markdown")
    response = api_as(carta_editor).post(
        "/api/v1/carta/revisions/import/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 201, response.content
    from consultations.charter.models import Revision

    draft = Revision.objects.get(pk=response.json()["id"])
    assert list(draft.sections.values_list("heading", flat=True)) == ["Principi", "Reclami"]
    service = draft.services.get()
    assert (service.key, service.area) == ("assistenza-domiciliare", "elderly")
    assert service.costs == "Gratuito fino a 8.000,00 € di ISEE."
    rule = service.commitments.get(key="risposta")
    assert (rule.governs, rule.target_value) == ("complaint_deadline", Decimal("20"))


def test_a_file_with_a_refused_card_stores_nothing(db, api_as, carta_editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from consultations.charter.models import Revision

    broken = CARTA.replace("Area: Anziani", "Area: Astronomia")
    upload = SimpleUploadedFile("carta.md", broken.encode(), content_type="text/markdown")
    response = api_as(carta_editor).post(
        "/api/v1/carta/revisions/import/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 400
    assert Revision.objects.count() == 0
