"""A vote on a revision in consultation: questions prepared from it, edited in the
builder, shown on the revision's page and, with its results once published, in the
revision's consultation report; the consultation links back to the revision and its diff."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from carta import moderation
from carta.errors import Conflict, InvalidInput, NotAllowed
from carta.models import AuditEntry
from consultations.charter import services as carta
from consultations.charter.models import RevisionStatus
from consultations.voting import ballots, services
from consultations.voting.models import Consultation, QuestionKind
from tests.factories import UserFactory, carta_revision

API = "/api/v1/consultations/on-revision/"


@pytest.fixture
def in_force(db):
    return carta_revision(1, RevisionStatus.ADOPTED)


@pytest.fixture
def revision(in_force, carta_editor, citizen):
    """Revision 2, in consultation, with two open amendments (one hidden) and one decided."""
    draft = carta.create_draft(actor=carta_editor, title="Carta 2027")
    draft = carta.open_consultation(actor=carta_editor, revision=draft)
    for key in ("sezione-1", "sezione-2", "sezione-3"):
        carta.propose_amendment(
            actor=citizen,
            revision=draft,
            kind="section",
            target_key=key,
            new_text=f"Nuovo testo per {key}.",
        )
    first, second, third = draft.amendments.order_by("pk")
    carta.reject_amendment(actor=carta_editor, amendment=second, reason="Fuori tema.")
    moderator = UserFactory(is_superuser=True)
    target = moderation.get_target_for(moderator, third._meta.label_lower, third.pk)
    moderation.hide_content(actor=moderator, target=target, reason="Contenuto offensivo")
    return draft


def test_the_questions_are_prepared_from_the_revision(revision, carta_editor):
    consultation = services.create_vote_on_revision(
        actor=carta_editor, revision=revision, amendments=True, section_keys=["sezione-2"]
    )
    questions = list(consultation.questions.order_by("position"))
    first_amendment = revision.amendments.order_by("pk").first()
    heading_2 = revision.sections.get(key="sezione-2").heading
    heading_1 = revision.sections.get(key="sezione-1").heading
    assert [(q.kind, q.text, q.section_key) for q in questions] == [
        (QuestionKind.YES_NO, "Approvi questa revisione della Carta?", ""),
        (
            QuestionKind.YES_NO,
            f"Approvi la sezione «{heading_2}» nel testo di questa revisione?",
            "sezione-2",
        ),
        (
            QuestionKind.YES_NO,
            f"Approvi la proposta di modifica n. {first_amendment.pk} alla sezione «{heading_1}»?",
            "sezione-1",
        ),
    ]
    assert "Revisione n. 2, «Carta 2027»" in questions[0].help_text
    assert consultation.revision == revision
    assert consultation.title == "Votazione sulla revisione 2 della Carta: Carta 2027"
    assert consultation.electorate == "both"
    # Tomorrow at midnight, open for a week: still editable in the builder.
    assert consultation.status == "upcoming"
    assert consultation.closes_at - consultation.opens_at == timedelta(days=7)
    entry = AuditEntry.objects.get(verb="consultation.revision_vote_prepared")
    assert entry.changes["questions"] == 3


def test_the_prepared_questions_are_edited_in_the_ordinary_builder(revision, carta_editor):
    consultation = services.create_vote_on_revision(actor=carta_editor, revision=revision)
    services.update_consultation(
        actor=carta_editor,
        consultation=consultation,
        questions=[
            {"kind": "yes_no", "text": "Approvi la nuova Carta?"},
            {"kind": "scale", "text": "Quanto è chiara?"},
        ],
    )
    assert list(consultation.questions.values_list("text", flat=True)) == [
        "Approvi la nuova Carta?",
        "Quanto è chiara?",
    ]


def test_refused_for_a_revision_not_in_consultation(in_force, carta_editor):
    draft = carta.create_draft(actor=carta_editor, title="Bozza")
    for revision in (in_force, draft):
        with pytest.raises(Conflict) as refused:
            services.create_vote_on_revision(actor=carta_editor, revision=revision)
        assert refused.value.code == "revision_not_in_consultation"
    assert not Consultation.objects.exists()


def test_one_vote_at_a_time_on_a_revision(revision, carta_editor):
    services.create_vote_on_revision(actor=carta_editor, revision=revision)
    with pytest.raises(Conflict) as refused:
        services.create_vote_on_revision(actor=carta_editor, revision=revision)
    assert refused.value.code == "vote_exists"
    assert Consultation.objects.count() == 1


def test_bad_input_names_the_field(revision, carta_editor, citizen):
    with pytest.raises(InvalidInput) as refused:
        services.create_vote_on_revision(
            actor=carta_editor, revision=revision, section_keys=["non-esiste"]
        )
    assert refused.value.field == "section_keys"
    with pytest.raises(InvalidInput) as refused:
        services.create_vote_on_revision(
            actor=carta_editor, revision=revision, opens_at=timezone.now() - timedelta(hours=1)
        )
    assert refused.value.field == "opens_at"
    with pytest.raises(NotAllowed):
        services.create_vote_on_revision(actor=citizen, revision=revision)


def test_the_api_creates_the_vote(revision, carta_editor, api_as):
    response = api_as(carta_editor).post(
        API, {"revision": revision.pk, "amendments": True}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["revision"] == {"id": revision.pk, "number": 2, "title": "Carta 2027"}
    assert [q["text"] for q in body["questions"]][0] == "Approvi questa revisione della Carta?"
    assert len(body["questions"]) == 2


def test_the_api_refusals(revision, in_force, carta_editor, citizen, api_as):
    from rest_framework.test import APIClient

    assert APIClient().post(API, {"revision": revision.pk}, format="json").status_code == 401
    assert api_as(citizen).post(API, {"revision": revision.pk}, format="json").status_code == 403
    editor = api_as(carta_editor)
    missing = editor.post(API, {}, format="json")
    assert missing.status_code == 400 and "revision" in missing.json()["errors"]
    assert editor.post(API, {"revision": 999999}, format="json").status_code == 404
    adopted = editor.post(API, {"revision": in_force.pk}, format="json")
    assert adopted.status_code == 409
    assert adopted.json()["code"] == "revision_not_in_consultation"
    bad = editor.post(API, {"revision": revision.pk, "section_keys": ["x"]}, format="json")
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["section_keys"]


def test_the_page_prepares_the_vote_and_opens_the_builder(revision, carta_editor, client_as):
    editor = client_as(carta_editor)
    url = f"/consultazioni/su-revisione/{revision.pk}/"
    form = editor.get(url)
    assert form.status_code == 200
    assert "sezione-2" in form.content.decode()
    refused = editor.post(
        url, {"electorate": "both", "section_keys": ["sezione-2"], "opens_at": "2001-01-01T10:00"}
    )
    assert refused.status_code == 400
    assert "deve essere nel futuro" in refused.content.decode()
    assert 'value="2001-01-01T10:00"' in refused.content.decode()
    done = editor.post(url, {"electorate": "citizens", "section_keys": ["sezione-2"]})
    consultation = Consultation.objects.get()
    assert done.status_code == 302
    assert done["Location"] == f"/consultazioni/{consultation.pk}/modifica/"
    assert consultation.electorate == "citizens"
    assert consultation.questions.count() == 2


def test_who_may_open_the_page(revision, in_force, citizen, client_as, client, carta_editor):
    url = f"/consultazioni/su-revisione/{revision.pk}/"
    assert client.get(url).status_code == 302
    assert client_as(citizen).get(url).status_code == 403
    draft = carta.create_draft(actor=carta_editor, title="Bozza privata")
    assert client_as(citizen).get(f"/consultazioni/su-revisione/{draft.pk}/").status_code == 404
    # A revision not in consultation: back to its page with the message.
    response = client_as(carta_editor).post(
        f"/consultazioni/su-revisione/{in_force.pk}/", {"electorate": "both"}
    )
    assert response.status_code == 302 and response["Location"] == in_force.get_absolute_url()


def _closed_vote_with_ballots(revision, carta_editor):
    consultation = services.create_vote_on_revision(
        actor=carta_editor, revision=revision, electorate="citizens"
    )
    services.update_consultation(
        actor=carta_editor, consultation=consultation, identity_required="email"
    )
    consultation.refresh_from_db()
    question = consultation.questions.get()
    with time_machine.travel(consultation.opens_at + timedelta(hours=1), tick=False):
        for answer in ("yes", "yes", "no"):
            ballots.cast_ballot(
                actor=UserFactory(),
                consultation=consultation,
                answers={str(question.pk): answer},
            )
    return consultation


def test_the_revision_page_shows_its_vote_and_then_its_results(
    revision, carta_editor, client, client_as
):
    page = client_as(carta_editor).get(revision.get_absolute_url()).content.decode()
    assert "/consultazioni/su-revisione/" in page  # the editor may prepare one
    assert (
        "/consultazioni/su-revisione/"
        not in client.get(revision.get_absolute_url()).content.decode()
    )
    consultation = _closed_vote_with_ballots(revision, carta_editor)
    with time_machine.travel(consultation.opens_at + timedelta(hours=2), tick=False):
        page = client.get(revision.get_absolute_url()).content.decode()
        assert f'href="/consultazioni/{consultation.pk}/"' in page
        assert "Aperta" in page
        assert "I risultati non sono ancora pubblicati." in page
    with time_machine.travel(consultation.closes_at + timedelta(hours=1), tick=False):
        page = client.get(revision.get_absolute_url()).content.decode()
        assert "Chiusa" in page
        assert "Sì: 2 (66" in page and "No: 1 (33" in page
        assert "Approvata" in page


def test_the_results_enter_the_consultation_report(revision, carta_editor, client, api_as):
    consultation = _closed_vote_with_ballots(revision, carta_editor)
    with time_machine.travel(consultation.closes_at + timedelta(hours=1), tick=False):
        report = client.get(f"/carta/revisioni/{revision.pk}/resoconto/").content.decode()
        assert "Votazioni sulla revisione" in report
        assert "Approvi questa revisione della Carta?" in report and "Sì: 2" in report
        csv = client.get(f"/carta/revisioni/{revision.pk}/resoconto.csv").content.decode()
        last = csv.strip().splitlines()[-1]
        assert consultation.title in last
        assert "Sì: 2; No: 1; Astensione: 0" in last and last.endswith("approvata")
        data = api_as(None).get(f"/api/v1/carta/revisions/{revision.pk}/report/").json()
        assert data["votes"][0]["id"] == consultation.pk
        assert data["votes"][0]["results"][0]["approved"] is True


def test_the_consultation_page_links_the_revision_and_its_diff(
    revision, in_force, carta_editor, client
):
    consultation = services.create_vote_on_revision(actor=carta_editor, revision=revision)
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert f'href="/carta/revisioni/{revision.pk}/"' in page
    assert f'href="/carta/revisioni/{revision.pk}/confronto/?con={in_force.pk}"' in page


def test_an_open_vote_holds_the_adoption_back(revision, carta_editor):
    consultation = services.create_vote_on_revision(actor=carta_editor, revision=revision)
    from consultations.charter import readiness

    kinds = [i.kind for i in readiness.open_items(revision)]
    assert "consultation_open" in kinds
    assert consultation.pk in [i.id for i in readiness.open_items(revision)]
