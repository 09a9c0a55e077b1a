"""The word diff as a page shows it: colour and a non-colour cue on every change, a space
between adjacent deleted and inserted words, contrast of the colours, fields named in
words; and the section editor (titles, not keys and positions; the Markdown preview)."""

import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string

from consultations.charter import diff, services
from consultations.charter.models import RevisionStatus
from consultations.charter.templatetags.carta_diff import diff_gap
from tests.factories import carta_revision

# The diff's colours are the platform's (proposals' versions use them too); the passages'
# highlights are the charter's own.
STATIC = Path(__file__).resolve().parents[3]
CSS_FILES = (
    STATIC / "platform" / "carta" / "static" / "carta" / "css" / "carta.css",
    STATIC / "consultations" / "charter" / "static" / "consultations" / "charter.css",
)


def _ops_html(old, new):
    return render_to_string("consultations/includes/ops.html", {"ops": diff.word_diff(old, new)})


def test_a_replaced_last_word_reads_as_two_words():
    html = _ops_html("Il servizio è gratuito", "Il servizio è oneroso")
    text = re.sub(r"<span class=\"visually-hidden\">[^<]*</span>", "", html)
    assert re.search(r"gratuito</del> <ins", text)
    assert "gratuitooneroso" not in re.sub(r"<[^>]+>", "", text)


def test_a_replaced_word_followed_by_a_space_gets_no_second_space():
    op = {"op": "replace", "old": "gratuito ", "new": "oneroso "}
    assert not diff_gap(op)
    assert diff_gap({"op": "replace", "old": "gratuito", "new": "oneroso"})
    assert not diff_gap({"op": "replace", "old": "", "new": "oneroso"})


def test_insertions_and_deletions_are_announced_in_words():
    html = _ops_html("entro 30 giorni", "entro 15 giorni lavorativi")
    hidden = '<span class="visually-hidden">'
    assert f'<del class="carta-del">{hidden}inizio cancellazione </span>' in html
    assert f'<ins class="carta-ins">{hidden}inizio inserimento </span>' in html
    assert '<span class="visually-hidden"> fine inserimento</span></ins>' in html
    assert '<span class="visually-hidden"> fine cancellazione</span></del>' in html


def _rule(selector: str) -> dict[str, str]:
    css = "\n".join(path.read_text(encoding="utf-8") for path in CSS_FILES)
    block = re.search(re.escape(selector) + r"[^{]*\{([^}]*)\}", css).group(1)
    pairs = (line.split(":", 1) for line in block.split(";") if ":" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(
    ("selector", "decoration"),
    [(".carta-diff ins", "underline"), (".carta-diff del", "line-through")],
)
def test_diff_colours_have_contrast_and_a_non_colour_cue(selector, decoration):
    rule = _rule(selector)
    assert _contrast(rule["color"], rule["background-color"]) >= 4.5
    # Against the page's white too, and against the body text's colour on the same ground.
    assert _contrast(rule["color"], "#ffffff") >= 4.5
    assert rule["text-decoration"] == decoration


def test_commented_passages_have_contrast_and_an_underline():
    rule = _rule("mark.carta-passage")
    assert _contrast(rule["color"], rule["background-color"]) >= 4.5
    assert "solid" in rule["border-bottom"]


def test_the_diff_page_names_the_service_fields_in_words(client, db):
    old = carta_revision(1, RevisionStatus.SUPERSEDED)
    new = carta_revision(2, RevisionStatus.ADOPTED, based_on=old)
    service = new.services.get(key="servizio-1")
    service.purposes = "Finalità riscritte del servizio"
    service.save(update_fields=["purposes"])
    html = client.get(f"/carta/revisioni/{new.pk}/confronto/?con={old.pk}").content.decode()
    assert "Finalità</p>" in html
    assert ">purposes<" not in html
    assert "consultations/charter.css" in html


# --- The section editor -------------------------------------------------------------------


@pytest.fixture
def draft(db, carta_editor):
    carta_revision(1, RevisionStatus.ADOPTED)
    return services.create_draft(actor=carta_editor, title="Revisione 2026")


def test_the_section_editor_names_sections_by_title(client_as, carta_editor, draft):
    html = (
        client_as(carta_editor)
        .get(f"/carta/revisioni/{draft.pk}/sezioni/sezione-2/modifica/")
        .content.decode()
    )
    assert "Modifica la sezione «Sezione 2»" in html
    assert "Dopo «1. Sezione 1»" in html and "Dopo «3. Sezione 3»" in html
    assert '<option value="sezione-1">1. Sezione 1</option>' in html  # the parent, by title
    assert "Dopo «2. Sezione 2»" not in html  # not after itself
    assert 'name="position"' not in html and 'name="key"' not in html


def test_a_new_section_takes_its_key_from_the_title_and_goes_where_chosen(
    client_as, carta_editor, draft
):
    response = client_as(carta_editor).post(
        f"/carta/revisioni/{draft.pk}/sezioni/nuova/",
        {"heading": "Diritti e doveri", "body": "Testo.", "parent_key": "", "after": "sezione-1"},
    )
    assert response.status_code == 302
    order = list(draft.sections.order_by("position", "id").values_list("key", flat=True))
    assert order == ["sezione-1", "diritti-e-doveri", "sezione-2", "sezione-3"]


def test_a_section_moved_after_another_goes_there(client_as, carta_editor, draft):
    response = client_as(carta_editor).post(
        f"/carta/revisioni/{draft.pk}/sezioni/sezione-3/modifica/",
        {"heading": "Sezione 3", "body": "Testo.", "parent_key": "", "after": "sezione-1"},
    )
    assert response.status_code == 302
    order = list(draft.sections.order_by("position", "id").values_list("key", flat=True))
    assert order == ["sezione-1", "sezione-3", "sezione-2"]


def test_the_preview_button_renders_without_saving(client_as, carta_editor, draft):
    response = client_as(carta_editor).post(
        f"/carta/revisioni/{draft.pk}/sezioni/sezione-1/modifica/",
        {
            "heading": "",
            "body": "**Nuovo** testo <script>alert(1)</script>",
            "after": "__resta__",
            "anteprima": "1",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>Nuovo</strong> testo &lt;script&gt;" in html
    assert "<script>alert(1)" not in html
    assert draft.sections.get(key="sezione-1").body.startswith("Testo della sezione 1")
    assert "is-invalid" not in html  # a preview checks nothing yet


def test_the_preview_endpoint_answers_editors_only_and_is_limited(
    client_as, carta_editor, citizen, draft, settings
):
    url = f"/carta/revisioni/{draft.pk}/sezioni/anteprima/"
    editor = client_as(carta_editor)
    response = editor.post(url, {"body": "- uno\n- [due](javascript:alert(1))"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<li>uno</li>" in html and 'href="javascript:' not in html
    # A draft not yet shared is hidden from a citizen: 404, as its other pages.
    assert client_as(citizen).post(url, {"body": "x"}).status_code == 404
    assert client_as(None).post(url, {"body": "x"}).status_code == 302
    assert editor.get(url).status_code == 405
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}),
            "carta_preview": "1/hour",
        },
    }
    limited = editor.post(url, {"body": "x"})
    assert limited.status_code == 429 and limited["Retry-After"]
    assert 'role="alert">Troppi tentativi.' in limited.content.decode()


def test_the_preview_endpoint_refuses_a_post_without_the_csrf_token(carta_editor, draft):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(carta_editor)
    response = client.post(f"/carta/revisioni/{draft.pk}/sezioni/anteprima/", {"body": "x"})
    assert response.status_code == 403


def test_the_diff_page_names_an_area_by_its_label(client, db):
    from carta.models import Area

    old = carta_revision(1, RevisionStatus.SUPERSEDED)
    new = carta_revision(2, RevisionStatus.ADOPTED, based_on=old)
    service = new.services.get(key="servizio-1")
    before = service.area
    service.area = next(value for value in Area.values if value != before)
    service.save(update_fields=["area"])
    html = client.get(f"/carta/revisioni/{new.pk}/confronto/?con={old.pk}").content.decode()
    assert str(Area(service.area).label) in html
    assert f"inizio inserimento </span>{service.area}" not in html
    assert f"inizio inserimento </span>{Area(service.area).label}" in html
