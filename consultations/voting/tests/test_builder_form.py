"""The consultation builder (docs/consultation-builder.md): questions and options typed in
formsets, the buttons that add, remove and move them without JavaScript, the preview,
the validation next to each field, and what is consulted (a revision, proposals)."""

import datetime

import pytest
from django.utils import timezone

from consultations.voting.models import Consultation, Option, QuestionKind
from proposals.states import ProposalState
from tests.factories import ConsultationFactory, ProposalFactory, RevisionFactory

pytestmark = pytest.mark.django_db

URL = "/consultazioni/nuova/"


def _when(days: int) -> str:
    return (timezone.localtime() + datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def rules(**overrides) -> dict:
    data = {
        "title": "Orari degli sportelli",
        "description": "",
        "revision": "",
        "opens_at": _when(1),
        "closes_at": _when(5),
        "electorate": "citizens",
        "identity_required": "spid_cie",
        "secrecy": "public",
        "results_visibility": "after_close",
        "quorum_percent": "0",
        "threshold_percent": "50",
    }
    data.update(overrides)
    return data


def questions(*specs) -> dict:
    """The builder's POST data for ``specs``: (kind, text, [options], max) each; an
    option is a label or a (label, description, proposal) tuple."""
    data = {
        "q-TOTAL_FORMS": str(len(specs)),
        "q-INITIAL_FORMS": "0",
        "q-MIN_NUM_FORMS": "0",
        "q-MAX_NUM_FORMS": "30",
    }
    for i, spec in enumerate(specs):
        kind, text, options, maximum = (list(spec) + [None, None])[:4]
        options = options or []
        data |= {
            f"q-{i}-kind": kind,
            f"q-{i}-text": text,
            f"q-{i}-max_choices": "" if maximum is None else str(maximum),
            f"q-{i}-help_text": "",
            f"q-{i}-section_key": "",
            f"q-{i}-o-TOTAL_FORMS": str(len(options)),
            f"q-{i}-o-INITIAL_FORMS": "0",
            f"q-{i}-o-MIN_NUM_FORMS": "0",
            f"q-{i}-o-MAX_NUM_FORMS": "30",
        }
        for j, option in enumerate(options):
            label, description, proposal = option if isinstance(option, tuple) else (option, "", "")
            data |= {
                f"q-{i}-o-{j}-label": label,
                f"q-{i}-o-{j}-description": description,
                f"q-{i}-o-{j}-proposal": proposal,
            }
    return data


TWO_QUESTIONS = (
    ("single", "Quale orario preferisci?", ["Mattina", "Pomeriggio"]),
    ("yes_no", "Apertura il sabato?"),
)


@pytest.fixture
def editor(client_as, carta_editor):
    return client_as(carta_editor)


def test_the_page_needs_no_mini_language_and_starts_with_one_question(editor):
    html = editor.get(URL).content.decode()
    assert "questions_text" not in html and "singola:" not in html
    assert 'name="q-TOTAL_FORMS" value="1"' in html
    assert 'name="q-0-o-TOTAL_FORMS" value="2"' in html
    assert "Aggiungi una domanda" in html and "Aggiungi un'opzione" in html


def test_saving_stores_questions_options_order_maximum_and_links(editor):
    proposal = ProposalFactory(state=ProposalState.PUBLISHED, title="Centro diurno il sabato")
    response = editor.post(
        URL,
        rules()
        | questions(
            (
                "multiple",
                "Quali servizi rafforzare?",
                [
                    ("Centro diurno", "Apertura anche il sabato", str(proposal.pk)),
                    "Trasporto sociale",
                    "Assistenza domiciliare",
                ],
                2,
            ),
            ("yes_no", "Approvi il nuovo orario?"),
        )
        | {"azione": "salva"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    consultation = Consultation.objects.get(title="Orari degli sportelli")
    stored = [
        (q.position, q.kind, q.text, q.max_choices, [o.label for o in q.options.all()])
        for q in consultation.questions.all()
    ]
    assert stored == [
        (
            0,
            "multiple",
            "Quali servizi rafforzare?",
            2,
            ["Centro diurno", "Trasporto sociale", "Assistenza domiciliare"],
        ),
        (1, "yes_no", "Approvi il nuovo orario?", None, []),
    ]
    first = Option.objects.get(label="Centro diurno")
    assert first.description == "Apertura anche il sabato" and first.proposal == proposal
    assert Option.objects.filter(proposal__isnull=False).count() == 1


def test_the_buttons_add_move_and_remove_keeping_what_was_typed(editor):
    data = rules(title="Titolo scritto") | questions(*TWO_QUESTIONS)
    added = editor.post(URL, data | {"azione": "add-question"})
    html = added.content.decode()
    assert added.status_code == 200 and not Consultation.objects.exists()
    assert 'name="q-TOTAL_FORMS" value="3"' in html
    assert 'value="Titolo scritto"' in html and 'value="Mattina"' in html
    assert "Il modulo non è stato inviato" not in html  # no error before saving

    moved = editor.post(URL, data | {"azione": "question-down:0"}).content.decode()
    assert moved.index("Apertura il sabato?") < moved.index("Quale orario preferisci?")

    option_up = editor.post(URL, data | {"azione": "option-up:0:1"}).content.decode()
    assert option_up.index('value="Pomeriggio"') < option_up.index('value="Mattina"')

    removed = editor.post(URL, data | {"azione": "remove-question:0"}).content.decode()
    assert "Quale orario preferisci?" not in removed and 'name="q-TOTAL_FORMS" value="1"' in removed

    more = editor.post(URL, data | {"azione": "add-option:0"}).content.decode()
    assert 'name="q-0-o-TOTAL_FORMS" value="3"' in more


def test_a_moved_question_is_saved_in_its_new_place(editor):
    data = rules() | questions(*TWO_QUESTIONS)
    moved = editor.post(URL, data | {"azione": "question-up:1"}).content.decode()
    assert moved.index("Apertura il sabato?") < moved.index("Quale orario preferisci?")
    swapped = rules() | questions(TWO_QUESTIONS[1], TWO_QUESTIONS[0]) | {"azione": "salva"}
    assert editor.post(URL, swapped).status_code == 302
    kinds = [q.kind for q in Consultation.objects.get().questions.all()]
    assert kinds == ["yes_no", "single"]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (("single", "Una sola?", ["Unica"]), "Servono almeno due opzioni"),
        (("multiple", "Quante?", ["A", "B"], 3), "Il massimo non può superare il numero"),
        (("single", "Vuota?", ["A", ""]), "Scrivi il testo dell&#x27;opzione, o rimuovila."),
        (("ranking", "Doppia?", ["Centro", "centro "]), "Questa opzione c&#x27;è già"),
        (("single", "", ["A", "B"]), "Campo obbligatorio."),
    ],
)
def test_refusals_come_back_next_to_the_field_with_the_typed_data(editor, spec, message):
    response = editor.post(URL, rules() | questions(spec) | {"azione": "salva"})
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "Il modulo non è stato inviato" in html and 'value="Orari degli sportelli"' in html
    assert not Consultation.objects.exists()


def test_an_unknown_or_ambiguous_proposal_is_refused_next_to_its_field(editor):
    ProposalFactory(state=ProposalState.PUBLISHED, title="Centro diurno Nord")
    ProposalFactory(state=ProposalState.PUBLISHED, title="Centro diurno Sud")
    draft = ProposalFactory(state=ProposalState.DRAFT, title="Bozza riservata")
    for typed, message in [
        ("Centro diurno", "Più proposte corrispondono"),
        (str(draft.pk), "Nessuna proposta pubblicata corrisponde"),
    ]:
        data = rules() | questions(("single", "Quale?", [("A", "", typed), "B"]))
        response = editor.post(URL, data | {"azione": "salva"})
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not Consultation.objects.exists()


def test_the_preview_shows_the_ballot_and_saves_nothing(editor):
    data = rules() | questions(
        ("multiple", "Quali servizi?", [("Centro diurno", "Anche il sabato", ""), "Trasporto"], 1),
        ("scale", "Quanto sei soddisfatto?"),
    )
    response = editor.post(URL, data | {"azione": "anteprima"})
    html = response.content.decode()
    assert response.status_code == 200 and not Consultation.objects.exists()
    preview = html[html.index('id="anteprima"') :]
    assert 'name="anteprima-q1"' in preview and 'type="checkbox"' in preview
    assert "Puoi scegliere fino a 1 opzioni." in preview and "Anche il sabato" in preview
    assert 'name="anteprima-q2"' in preview and "1 = per nulla d'accordo" in preview


def test_options_of_a_kind_without_options_are_not_read(editor):
    data = rules() | questions(("yes_no", "Approvi?", ["", "residuo"]))
    assert editor.post(URL, data | {"azione": "salva"}).status_code == 302
    question = Consultation.objects.get().questions.get()
    assert question.kind == QuestionKind.YES_NO and not question.options.exists()


def test_editing_prefills_the_builder_and_keeps_the_revision_prepared_questions(
    editor, carta_editor
):
    revision = RevisionFactory()
    consultation = ConsultationFactory(
        revision=revision,
        opens_at=timezone.now() + datetime.timedelta(days=1),
        questions=[
            {"kind": "yes_no", "text": "Approvi la sezione?", "section_key": "accesso"},
            {"kind": "ranking", "text": "In che ordine?", "options": ["Primo", "Secondo"]},
        ],
    )
    url = f"/consultazioni/{consultation.pk}/modifica/"
    html = editor.get(url).content.decode()
    assert 'value="Approvi la sezione?"' in html and 'value="accesso"' in html
    assert 'value="Primo"' in html and f'<option value="{revision.pk}" selected>' in html
    data = rules(title=consultation.title, revision=str(revision.pk)) | questions(
        ("yes_no", "Approvi la sezione?"),
        ("ranking", "In che ordine?", ["Secondo", "Primo", "Terzo"]),
    )
    data["q-0-section_key"] = "accesso"
    assert editor.post(url, data | {"azione": "salva"}).status_code == 302
    consultation.refresh_from_db()
    first, second = consultation.questions.all()
    assert consultation.revision == revision and first.section_key == "accesso"
    assert [o.label for o in second.options.all()] == ["Secondo", "Primo", "Terzo"]


def test_an_open_consultation_says_it_cannot_be_edited(editor):
    consultation = ConsultationFactory()  # opened yesterday
    url = f"/consultazioni/{consultation.pk}/modifica/"
    response = editor.get(url, follow=True)
    html = response.content.decode()
    assert response.redirect_chain == [(f"/consultazioni/{consultation.pk}/", 302)]
    assert "La consultazione è già aperta" in html and "non si possono più modificare" in html
    before = list(consultation.questions.values_list("text", flat=True))
    data = rules(title="Cambiato") | questions(("yes_no", "Nuova?")) | {"azione": "salva"}
    assert editor.post(url, data).status_code == 302
    consultation.refresh_from_db()
    assert consultation.title != "Cambiato"
    assert list(consultation.questions.values_list("text", flat=True)) == before


def test_the_pages_show_what_is_consulted(client, editor):
    proposal = ProposalFactory(state=ProposalState.PUBLISHED, title="Orto sociale")
    data = rules() | questions(
        ("single", "Quale progetto?", [("Orto sociale", "", str(proposal.pk)), "Nessuno"])
    )
    assert editor.post(URL, data | {"azione": "salva"}).status_code == 302
    consultation = Consultation.objects.get()
    html = client.get(f"/consultazioni/{consultation.pk}/").content.decode()
    subject = html[html.index("Oggetto della consultazione") :]
    assert f'href="/proposte/{proposal.pk}/"' in subject
    assert f"Proposta n. {proposal.pk}: Orto sociale" in subject


def test_the_proposal_search_answers_staff_only_with_published_proposals(
    editor, client_as, citizen
):
    published = ProposalFactory(state=ProposalState.PUBLISHED, title="Sportello unico")
    ProposalFactory(state=ProposalState.DRAFT, title="Sportello nascosto")
    url = "/consultazioni/proposte-collegabili/"
    found = editor.get(url, {"q": "sportello"}).json()["results"]
    assert found == [
        {
            "id": published.pk,
            "title": "Sportello unico",
            "value": f"{published.pk} — Sportello unico",
        }
    ]
    assert editor.get(url, {"q": str(published.pk)}).json()["results"][0]["id"] == published.pk
    assert client_as(citizen).get(url, {"q": "sportello"}).status_code == 403


def test_a_tampered_builder_is_a_400_not_a_500(editor):
    data = rules() | {"q-TOTAL_FORMS": "x", "azione": "salva"}
    assert editor.post(URL, data).status_code == 400
    many = rules() | questions(*[("yes_no", f"Domanda {n}?") for n in range(31)])
    assert editor.post(URL, many | {"azione": "salva"}).status_code == 400
    assert editor.post(URL, rules() | {"azione": "remove-option:99:99"}).status_code == 200


def test_every_fault_of_a_question_shows_at_once(editor):
    data = rules() | questions(
        ("multiple", "Quali?", [("Centro", "", "nessuna proposta così"), "centro"], 5)
    )
    html = editor.post(URL, data | {"azione": "salva"}).content.decode()
    assert "Nessuna proposta pubblicata corrisponde a «nessuna proposta così»" in html
    assert "Questa opzione c&#x27;è già" in html
    assert "Il massimo non può superare il numero delle opzioni: ce ne sono 2." in html


def test_a_title_typed_in_full_picks_its_proposal_among_those_containing_it(editor):
    wanted = ProposalFactory(state=ProposalState.PUBLISHED, title="Orti sociali")
    ProposalFactory(state=ProposalState.PUBLISHED, title="Orti sociali condivisi")
    data = rules() | questions(("single", "Quale?", [("A", "", "orti sociali"), "B"]))
    assert editor.post(URL, data | {"azione": "salva"}).status_code == 302
    assert Option.objects.get(label="A").proposal == wanted


def test_the_preview_needs_only_the_questions(editor):
    data = rules(title="", opens_at="", closes_at="") | questions(TWO_QUESTIONS[0])
    response = editor.post(URL, data | {"azione": "anteprima"})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="anteprima"' in html
    assert "Il modulo non è stato inviato" not in html
    one_option = rules() | questions(("single", "Una?", ["A"])) | {"azione": "anteprima"}
    refused = editor.post(URL, one_option)
    assert refused.status_code == 400 and 'id="anteprima"' not in refused.content.decode()


def test_a_proposal_hidden_after_it_was_linked_is_named_by_its_number_only(editor, moderator):
    """The Carta's editors may not read hidden proposals: once a moderator hides a linked
    proposal, the builder names it by kind and number, as the public log does."""
    from carta import moderation

    proposal = ProposalFactory(title="Sportello con dati personali", state=ProposalState.PUBLISHED)
    consultation = ConsultationFactory(
        opens_at=timezone.now() + datetime.timedelta(days=1),
        questions=[{"kind": "single", "text": "Quale?", "options": ["Prima", "Seconda"]}],
    )
    Option.objects.filter(question__consultation=consultation, label="Prima").update(
        proposal=proposal
    )
    url = f"/consultazioni/{consultation.pk}/modifica/"
    assert "Sportello con dati personali" in editor.get(url).content.decode()
    moderation.hide_content(actor=moderator, target=proposal, reason="Dati personali.")
    html = editor.get(url).content.decode()
    assert "Sportello con dati personali" not in html
    assert f"{proposal.pk} — Proposta n. {proposal.pk}" in html
