"""The Carta's PDF is a tagged, accessible PDF (PDF/UA-1) with the Ambito's name and logo;
the consultation report's PDF carries the Ambito's identity too."""

import base64
import io

import pytest
from django.conf import settings
from django.test import override_settings
from pypdf import PdfReader

from consultations.charter import exports
from consultations.charter.models import RevisionStatus
from tests.factories import carta_revision

pytestmark = pytest.mark.skipif(
    not exports.pdf_available(), reason="WeasyPrint or Pango not installed"
)

IDENTITY = {
    "CARTA_AMBITO_NAME": "Ambito Sociale n. 7 Valle del Tirino",
    "CARTA_AMBITO_ADDRESS": "Piazza del Municipio 1, 65020 Bussi sul Tirino",
    "CARTA_AMBITO_IPA_CODE": "ats_tirino",
    "CARTA_AMBITO_LOGO": "/static/logo-ambito-prova.png",
}
# A 1x1 PNG: the Ambito's logo as a static file of the test's own folder.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture(autouse=True)
def logo_file(tmp_path):
    (tmp_path / "logo-ambito-prova.png").write_bytes(PNG)
    with override_settings(STATICFILES_DIRS=[*settings.STATICFILES_DIRS, str(tmp_path)]):
        yield


def _alt_texts(reader: PdfReader) -> list[str]:
    """The /Alt of every element of the structure tree (the logo's among them)."""
    found, stack, seen = [], [reader.trailer["/Root"]["/StructTreeRoot"]], 0
    while stack and seen < 5000:
        seen += 1
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if "/Alt" in node:
                found.append(str(node["/Alt"]))
            kids = node.get("/K")
            if kids is not None:
                stack.extend(kids if isinstance(kids, list) else [kids])
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _images(reader: PdfReader) -> int:
    """How many distinct images the pages draw (pages may share a resource)."""
    images = set()
    for page in reader.pages:
        for ref in (page["/Resources"].get("/XObject") or {}).values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                images.add(getattr(ref, "idnum", id(obj)))
    return len(images)


@pytest.fixture
def carta(db):
    return carta_revision(1, RevisionStatus.ADOPTED, title="Carta dei servizi 2026")


@override_settings(**IDENTITY)
def test_the_carta_pdf_is_tagged_with_language_title_and_the_ambito(client, carta):
    response = client.get("/carta/carta.pdf")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "it"
    assert reader.metadata.title == "Carta dei servizi 2026 | Ambito Sociale n. 7 Valle del Tirino"
    first_page = reader.pages[0].extract_text()
    assert "Ambito Sociale n. 7 Valle del Tirino" in first_page
    assert "Codice IPA: ats_tirino" in first_page
    # The logo is drawn, and tagged as a figure with its alternative text.
    assert _images(reader) == 1
    assert "Logo di Ambito Sociale n. 7 Valle del Tirino" in _alt_texts(reader)
    # PDF/UA-1's identification in the XMP metadata.
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part" in xmp and b"1" in xmp.split(b"pdfuaid:part")[1][:20]


@override_settings(**{**IDENTITY, "CARTA_AMBITO_LOGO": ""})
def test_without_a_logo_the_pdf_has_the_name_and_no_image(client, carta):
    reader = PdfReader(io.BytesIO(client.get("/carta/carta.pdf").content))
    assert "Ambito Sociale n. 7 Valle del Tirino" in reader.pages[0].extract_text()
    assert _images(reader) == 0


@override_settings(**IDENTITY)
def test_an_image_in_the_carta_text_is_not_fetched(client, carta):
    section = carta.sections.first()
    section.body = "![traccia](https://tracker.example.org/pixel.png) Testo."
    section.save()
    reader = PdfReader(io.BytesIO(client.get("/carta/carta.pdf").content))
    # Only the logo: the tracker's address was refused by the fetcher.
    assert _images(reader) == 1


@override_settings(**IDENTITY)
def test_the_report_pdf_carries_the_ambito_and_is_tagged(client, carta):
    response = client.get(f"/carta/revisioni/{carta.pk}/resoconto.pdf")
    reader = PdfReader(io.BytesIO(response.content))
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert "Ambito Sociale n. 7 Valle del Tirino" in reader.pages[0].extract_text()
