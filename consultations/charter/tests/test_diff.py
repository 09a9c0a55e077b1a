"""Comparison of revisions: word-level diffs (property-based) and structural changes."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consultations.charter import diff, selectors, services
from consultations.charter.models import RevisionStatus
from tests.factories import carta_revision


def apply_ops(old: str, ops) -> str:
    """The inverse of ``diff.word_diff``: ``ops`` applied to ``old``; ValueError if they
    were made from another text."""
    old = old or ""
    if not ops:
        return old
    if "".join(op.get("old", "") for op in ops) != old:
        raise ValueError("the operations were not computed from this text")
    return "".join(op.get("new", "") for op in ops)


@pytest.fixture(scope="module")
def monkeypatch_limit():
    # A tiny limit forces the line-by-line path on short texts.
    saved = diff.WORD_LIMIT
    diff.WORD_LIMIT = 4
    yield
    diff.WORD_LIMIT = saved


text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)
words = st.lists(
    st.sampled_from(["il", "servizio", "è", "aperto", "dal", "lunedì", ",", ".", "\n", "  ", "\n"]),
    max_size=60,
).map(" ".join)


@given(old=text, new=text)
@settings(max_examples=300, deadline=None)
def test_applying_the_word_diff_reproduces_the_new_text(old, new):
    assert apply_ops(old, diff.word_diff(old, new)) == new


@given(old=words, new=words)
@settings(max_examples=200, deadline=None)
def test_applying_the_diff_of_wordy_texts_reproduces_them(old, new):
    ops = diff.word_diff(old, new)
    assert apply_ops(old, ops) == new
    assert "".join(op["old"] for op in ops) == (old if ops else "")


@given(value=text)
@settings(max_examples=200, deadline=None)
def test_the_diff_of_a_text_against_itself_is_empty(value):
    assert diff.word_diff(value, value) == []


def test_word_diff_marks_replaced_words_only():
    ops = diff.word_diff("risponde entro 30 giorni", "risponde entro 20 giorni")
    assert [op for op in ops if op["op"] != "equal"] == [
        {"op": "replace", "old": "30 ", "new": "20 "}
    ]


@given(old=words, new=words)
@settings(max_examples=100, deadline=None)
def test_long_texts_compared_line_by_line_still_apply(monkeypatch_limit, old, new):
    ops = diff.word_diff(old, new)
    assert apply_ops(old, ops) == new


def test_ops_from_another_text_are_refused():
    import pytest

    with pytest.raises(ValueError):
        apply_ops("altro testo", diff.word_diff("testo", "testo nuovo"))


@given(
    sections=st.lists(
        st.tuples(st.sampled_from(["a", "b", "c", "d", "e"]), text),
        max_size=5,
        unique_by=lambda t: t[0],
    )
)
@settings(max_examples=150, deadline=None)
def test_the_comparison_of_a_snapshot_with_itself_is_empty(sections):
    snap = {
        "sections": [
            {"key": k, "label": k, "parent_key": "", "heading": k, "body": b} for k, b in sections
        ],
        "services": [],
    }
    assert diff.compare(snap, snap) == {"sections": [], "services": []}


def test_a_revision_compared_with_itself_has_no_changes(db, citizen):
    revision = carta_revision(1, RevisionStatus.ADOPTED)
    other, changes = selectors.revision_diff(citizen, revision, revision.pk)
    assert changes == {"sections": [], "services": []}


def test_comparison_lists_added_removed_moved_and_changed(in_force, carta_editor, citizen):
    draft = services.create_draft(actor=carta_editor, title="Bozza")
    services.save_section(
        actor=carta_editor,
        revision=draft,
        key="sezione-1",
        heading="Sezione 1",
        body="Testo nuovo della sezione 1",
        position=1,
    )
    services.save_section(
        actor=carta_editor,
        revision=draft,
        key="sezione-3",
        heading="Sezione 3",
        body=in_force.sections.get(key="sezione-3").body,
        position=0,
    )
    services.delete_section(actor=carta_editor, revision=draft, key="sezione-2")
    services.save_section(actor=carta_editor, revision=draft, key="nuova", heading="Nuova")
    services.save_service(
        actor=carta_editor,
        revision=draft,
        key="servizio-1",
        title="Servizio rinominato",
        area="elderly",
        purposes="Sostenere la permanenza a domicilio.",
        access_requirements="Residenza in uno dei comuni dell'Ambito.",
        commitments=[{"key": "impegno-1", "indicator": "Attesa", "target_value": "10"}],
    )
    services.open_consultation(actor=carta_editor, revision=draft)
    _other, changes = selectors.revision_diff(citizen, draft, in_force.pk)
    by_key = {item["key"]: item for item in changes["sections"]}
    assert by_key["nuova"]["change"] == "added"
    assert by_key["sezione-2"]["change"] == "removed"
    assert by_key["sezione-1"]["change"] == "changed"
    assert "body" in by_key["sezione-1"]["fields"]
    assert "moved" in by_key["sezione-1"]["kinds"] or "moved" in by_key["sezione-3"]["kinds"]
    service = next(s for s in changes["services"] if s["key"] == "servizio-1")
    assert service["change"] == "changed"
    assert service["fields"]["title"]["new"] == "Servizio rinominato"
    assert service["commitments"][0]["key"] == "impegno-1"
    # applying each text diff reproduces the new text
    body = by_key["sezione-1"]["fields"]["body"]
    assert apply_ops(body["old"], body["ops"]) == "Testo nuovo della sezione 1"
