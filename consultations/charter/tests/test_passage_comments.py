"""Comments on a selected passage: the quote as the page sends it (white space collapsed,
across Markdown formatting), the commented passages marked in the section's text (visible
comments only, never a hidden one's), and the forms sent back with their errors."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carta import moderation
from consultations.charter import passages, services
from consultations.charter.models import Amendment, Comment, RevisionStatus
from tests.factories import carta_revision

BODY = (
    "Il **Segretariato Sociale** risponde entro [15 giorni](https://example.org/tempi) "
    "lavorativi.\n\n- primo colloquio\n- presa in carico <b>rapida</b>\n\n"
    "Il Segretariato Sociale informa."
)


@pytest.fixture
def open_revision(db, carta_editor):
    carta_revision(1, RevisionStatus.ADOPTED)
    draft = services.create_draft(actor=carta_editor, title="Revisione 2026")
    section = draft.sections.get(key="sezione-1")
    section.body = BODY
    section.save(update_fields=["body"])
    return services.open_consultation(actor=carta_editor, revision=draft)


def _post(actor, revision, **kwargs):
    values = {"section_key": "sezione-1", "body": "Un'osservazione."} | kwargs
    return services.post_comment(actor=actor, revision=revision, **values)


# --- The quote ------------------------------------------------------------------------


def test_white_space_is_collapsed_as_the_page_script_does():
    assert passages.normalize_quote("  entro\n\n 15\tgiorni  ") == "entro 15 giorni"
    assert passages.normalize_quote(None) == ""


def test_a_selection_across_formatting_is_anchored_to_the_source(open_revision, citizen):
    # What the browser's selection reads: no asterisks, no link target, one space.
    comment = _post(
        citizen, open_revision, quote="Segretariato Sociale risponde entro 15 giorni\nlavorativi"
    )
    assert comment.quote == "Segretariato Sociale risponde entro 15 giorni lavorativi"
    source = BODY[comment.quote_start : comment.quote_end]
    assert source.startswith("Segretariato Sociale**") and source.endswith("lavorativi")
    assert "[15 giorni](https://example.org/tempi)" in source


def test_a_selection_across_list_items_is_found(open_revision, citizen):
    comment = _post(citizen, open_revision, quote="primo colloquio presa in carico")
    assert BODY[comment.quote_start : comment.quote_end] == "primo colloquio\n- presa in carico"


def test_an_exact_quote_is_kept_as_written(open_revision, citizen):
    comment = _post(citizen, open_revision, quote="**Segretariato Sociale**")
    assert comment.quote == "**Segretariato Sociale**"
    assert BODY[comment.quote_start : comment.quote_end] == comment.quote


def test_words_that_are_not_in_the_section_are_still_refused(open_revision, citizen):
    from carta.errors import InvalidInput

    with pytest.raises(InvalidInput) as error:
        _post(citizen, open_revision, quote="Segretariato Sociale risponde subito")
    assert error.value.field == "quote"


@given(st.text(alphabet="ab *_\n", max_size=40), st.text(alphabet="ab ", max_size=8))
def test_locate_finds_only_what_is_there(body, quote):
    found = passages.locate(body, quote)
    if found is None:
        return
    start, end = found
    seen = re.sub(r"[\s*_]+", "", body[start:end])
    assert seen == re.sub(r"\s+", "", quote)


def test_finding_a_quote_takes_linear_time_even_when_it_is_not_there():
    import time

    started = time.monotonic()
    assert passages.locate("*a* " * 12000, "a " * 999 + "b") is None
    assert passages.locate("- a\n" * 10000, "a " * 999 + "b") is None
    assert time.monotonic() - started < 1


# --- The marks ------------------------------------------------------------------------


def _marks(html):
    return re.findall(r'<mark class="carta-passage" data-comments="([\d ]+)"', html)


def test_commented_passages_are_marked_in_the_section(client, open_revision, citizen):
    comment = _post(citizen, open_revision, quote="Segretariato Sociale risponde")
    html = client.get(open_revision.get_absolute_url()).content.decode()
    assert _marks(html) == [str(comment.pk), str(comment.pk)]  # the bold part, then the rest
    assert f'id="passaggio-{comment.pk}"' in html
    assert f'href="#passaggio-{comment.pk}"' in html  # the comment links to its passage
    assert 'aria-describedby="passaggi-sezione-1"' in html


def test_a_repeated_passage_is_marked_where_it_was_quoted(open_revision, citizen):
    # "Segretariato Sociale" is twice in the text; the offsets say which one.
    second = BODY.rindex("Segretariato Sociale")
    comment = _post(
        citizen,
        open_revision,
        quote="Segretariato Sociale",
        quote_start=second,
        quote_end=second + len("Segretariato Sociale"),
    )
    comment.can_read_texts = True
    html = passages.highlighted(BODY, [comment])
    assert "Il <strong>Segretariato Sociale</strong>" in html
    assert "Il <mark" in html and "informa." in html


def test_a_passage_of_markup_looking_text_stays_escaped(open_revision, citizen):
    comment = _post(citizen, open_revision, quote="presa in carico <b>rapida</b>")
    comment.can_read_texts = True
    html = passages.highlighted(BODY, [comment])
    assert "<b>" not in html
    assert "&lt;b&gt;rapida&lt;/b&gt;</mark>" in html


def test_a_hidden_comment_is_not_marked_and_its_quote_does_not_show(
    client_as, open_revision, citizen, moderator
):
    kept = _post(citizen, open_revision, quote="primo colloquio")
    hidden = _post(citizen, open_revision, quote="Segretariato Sociale informa", body="Via.")
    moderation.hide_content(actor=moderator, target=hidden, reason="Fuori tema.")
    for viewer in (None, moderator):
        client = client_as(viewer) if viewer else client_as(None)
        html = client.get(open_revision.get_absolute_url()).content.decode()
        assert _marks(html) == [str(kept.pk)]
        assert f"passaggio-{hidden.pk}" not in html
        if viewer is None:
            assert "«Segretariato Sociale informa»" not in html


def test_a_passage_no_longer_in_the_text_is_not_marked(open_revision, citizen, carta_editor):
    comment = _post(citizen, open_revision, quote="primo colloquio")
    services.save_section(
        actor=carta_editor,
        revision=open_revision,
        key="sezione-1",
        heading="Sezione 1",
        body="Un testo tutto nuovo.",
    )
    comment.refresh_from_db()
    comment.can_read_texts = True
    assert "<mark" not in passages.highlighted("Un testo tutto nuovo.", [comment])


# --- The forms sent back ----------------------------------------------------------------


def test_a_wrong_quote_keeps_the_typed_text_and_shows_the_error_next_to_the_field(
    client_as, open_revision, citizen
):
    response = client_as(citizen).post(
        f"/carta/revisioni/{open_revision.pk}/commenti/",
        {"section_key": "sezione-1", "body": "Il mio testo scritto.", "quote": "non c'è"},
    )
    assert response.status_code == 400
    assert not Comment.objects.filter(body="Il mio testo scritto.").exists()
    html = response.content.decode()
    form = html[html.index('id="commenta-sezione-1"') :]
    form = form[: form.index("</details>")]
    assert form.startswith('id="commenta-sezione-1" open')
    assert ">Il mio testo scritto.</textarea>" in form
    assert 'value="non c&#x27;è"' in form
    assert 'class="form-control is-invalid" id="citazione-sezione-1"' in form
    assert 'aria-describedby="citazione-sezione-1-aiuto citazione-sezione-1-errore"' in form
    assert 'id="citazione-sezione-1-errore">Il passo citato non si trova' in form
    # The other sections' forms stay closed and empty.
    assert 'id="commenta-sezione-2" open' not in html


def test_an_empty_comment_keeps_the_quote_and_says_what_is_missing(
    client_as, open_revision, citizen
):
    response = client_as(citizen).post(
        f"/carta/revisioni/{open_revision.pk}/commenti/",
        {"section_key": "sezione-2", "body": "", "quote": "Testo della sezione 2"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="commenta-sezione-2" open' in html
    assert 'value="Testo della sezione 2"' in html
    assert 'id="commento-sezione-2-errore"' in html


def test_a_refused_reply_opens_its_form_again_with_the_text(client_as, open_revision, citizen):
    parent = _post(citizen, open_revision)
    response = client_as(citizen).post(
        f"/carta/revisioni/{open_revision.pk}/commenti/",
        {"section_key": "sezione-1", "parent": str(parent.pk), "body": "x" * 5001},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="risposta-{parent.pk}-errore"' in html
    assert "x" * 5001 + "</textarea>" in html


def test_a_refused_amendment_keeps_the_text_and_shows_the_error(client_as, open_revision, citizen):
    response = client_as(citizen).post(
        f"/carta/revisioni/{open_revision.pk}/emendamenti/",
        {
            "kind": "section",
            "target_key": "sezione-1",
            "new_text": BODY,
            "rationale": "La mia ragione.",
        },
    )
    assert response.status_code == 400
    assert not Amendment.objects.filter(rationale="La mia ragione.").exists()
    html = response.content.decode()
    assert 'id="emenda-sezione-1-modulo" open' in html
    assert ">La mia ragione.</textarea>" in html
    assert 'id="emenda-sezione-1-errore">Il testo proposto è uguale' in html


def test_a_refused_service_amendment_shows_the_error_on_the_value(
    client_as, open_revision, citizen
):
    service = open_revision.services.get(key="servizio-1")
    response = client_as(citizen).post(
        f"/carta/revisioni/{open_revision.pk}/emendamenti/",
        {"kind": "service", "target_key": "servizio-1", "field": "title", "value": service.title},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="emenda-servizio-servizio-1" open' in html
    assert 'id="valore-servizio-1-errore"' in html


def _text(html: str) -> str:
    from html import unescape

    return unescape(re.sub(r"<[^>]+>", "", str(html)))


@given(
    st.lists(
        st.sampled_from(
            ["Il", "**servizio**", "_è_", "[gratuito](https://x.it)", "<b>", "&", "\n\n- ", "e"]
        ),
        min_size=1,
        max_size=12,
    ),
    st.integers(min_value=0, max_value=11),
    st.integers(min_value=1, max_value=4),
)
def test_marking_never_changes_the_text_nor_lets_markup_in(words, first, length):
    from types import SimpleNamespace

    from carta.markdown import render_markdown

    body = " ".join(words)
    plain = passages.normalize_quote(_text(render_markdown(body)))
    quote = " ".join(plain.split(" ")[first : first + length])
    comment = SimpleNamespace(
        pk=7, quote=quote, is_hidden=False, can_read_texts=True, quote_start=None, anchored_text=""
    )
    marked = passages.highlighted(body, [comment])
    assert _text(marked) == _text(render_markdown(body))
    assert "<b>" not in marked and "<script" not in marked
    assert set(re.findall(r"<(\w+)", marked)) <= {"p", "strong", "em", "a", "ul", "li", "mark"}
