"""Adoption needs an outcome for every comment and a decision on every amendment, and
nothing a higher app registered (a vote on the revision) may still be open."""

import threading

import pytest
from django.db import connection

from carta import moderation
from carta.errors import Conflict
from consultations.charter import readiness, selectors, services
from consultations.charter.models import Revision, RevisionStatus
from tests.factories import UserFactory, carta_revision

API = "/api/v1/carta/revisions/"


def _comment(author, revision, **values):
    values = {"section_key": "sezione-1", "body": "Serve un orario più ampio.", **values}
    return services.post_comment(actor=author, revision=revision, **values)


def _amendment(author, revision):
    return services.propose_amendment(
        actor=author,
        revision=revision,
        kind="section",
        target_key="sezione-2",
        new_text="Il Segretariato Sociale risponde entro 2 giorni.",
    )


def _adopt_refused(editor, revision) -> Conflict:
    with pytest.raises(Conflict) as refused:
        services.adopt_revision(actor=editor, revision=revision)
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.IN_CONSULTATION
    assert refused.value.code == "not_ready"
    return refused.value


@pytest.fixture
def fake_vote():
    """A provider as a higher app would register it (under its own kind, so that the
    voting app's real one stays registered): one open vote on every revision."""

    def provider(revision):
        return [
            readiness.OpenItem("fake_open_item", 77, "Votazione «Carta 2026»", "/consultazioni/77/")
        ]

    readiness.register_open_items(
        "fake_open_item", provider, lambda n: f"{n} votazione ancora aperta"
    )
    yield provider
    readiness.register_open_items("fake_open_item", None, str)


def test_adoption_is_refused_while_a_comment_has_no_outcome(in_consultation, citizen, carta_editor):
    _comment(citizen, in_consultation)
    _comment(citizen, in_consultation, section_key="sezione-2")
    refused = _adopt_refused(carta_editor, in_consultation)
    assert "2 commenti senza esito" in str(refused.message)


def test_adoption_is_refused_while_an_amendment_is_undecided(
    in_consultation, citizen, carta_editor
):
    _amendment(citizen, in_consultation)
    refused = _adopt_refused(carta_editor, in_consultation)
    assert "1 proposta di modifica da decidere" in str(refused.message)


def test_replies_need_no_outcome_and_settled_items_let_the_adoption_through(
    in_consultation, citizen, moderator, carta_editor
):
    comment = _comment(citizen, in_consultation)
    _comment(moderator, in_consultation, parent=comment, section_key="")
    amendment = _amendment(citizen, in_consultation)
    assert [i.kind for i in readiness.open_items(in_consultation)] == [
        readiness.COMMENT_WITHOUT_OUTCOME,
        readiness.AMENDMENT_UNDECIDED,
    ]
    services.record_outcome(
        actor=carta_editor, comment=comment, outcome="partly_accepted", reason="In parte."
    )
    services.reject_amendment(actor=carta_editor, amendment=amendment, reason="Tempi irrealistici.")
    assert readiness.open_items(in_consultation) == []
    services.adopt_revision(actor=carta_editor, revision=in_consultation)
    in_consultation.refresh_from_db()
    assert in_consultation.status == RevisionStatus.ADOPTED


def test_a_registered_provider_blocks_adoption_and_is_listed(
    in_consultation, carta_editor, fake_vote
):
    refused = _adopt_refused(carta_editor, in_consultation)
    assert "1 votazione ancora aperta" in str(refused.message)
    answer = selectors.readiness_for(carta_editor, in_consultation)
    assert answer["ready"] is False
    assert [(i.kind, i.id) for i in answer["items"]] == [("fake_open_item", 77)]
    readiness.register_open_items("fake_open_item", None, str)
    services.adopt_revision(actor=carta_editor, revision=in_consultation)


def test_the_refusal_counts_every_kind_in_one_sentence(
    in_consultation, citizen, carta_editor, fake_vote
):
    _comment(citizen, in_consultation)
    _amendment(citizen, in_consultation)
    message = str(_adopt_refused(carta_editor, in_consultation).message)
    assert (
        "1 commento senza esito, 1 proposta di modifica da decidere e 1 votazione ancora aperta"
        in message
    )


def test_the_api_refuses_adoption_with_409_not_ready_in_the_error_shape(
    api_as, in_consultation, citizen, carta_editor
):
    _comment(citizen, in_consultation)
    act = {"act_body": "Assemblea dei Sindaci", "act_number": "7", "act_date": "2024-03-01"}
    response = api_as(carta_editor).post(f"{API}{in_consultation.pk}/adopt/", act, format="json")
    assert response.status_code == 409
    body = response.json()
    assert (body["status"], body["code"]) == (409, "not_ready")
    assert "1 commento senza esito" in body["detail"]


def test_the_readiness_endpoint_lists_each_open_item_for_editors(
    api_as, in_consultation, citizen, carta_editor
):
    comment = _comment(citizen, in_consultation)
    amendment = _amendment(citizen, in_consultation)
    editor = api_as(carta_editor)
    body = editor.get(f"{API}{in_consultation.pk}/readiness/").json()
    assert body == {
        "ready": False,
        "items": [
            {
                "kind": "comment_without_outcome",
                "id": comment.pk,
                "label": f"Commento n. {comment.pk} alla sezione «Sezione 1»",
                "url": f"/carta/revisioni/{in_consultation.pk}/#commento-{comment.pk}",
            },
            {
                "kind": "amendment_undecided",
                "id": amendment.pk,
                "label": f"Proposta di modifica n. {amendment.pk} alla sezione «Sezione 2»",
                "url": f"/carta/revisioni/{in_consultation.pk}/#emendamento-{amendment.pk}",
            },
        ],
    }
    services.record_outcome(actor=carta_editor, comment=comment, outcome="accepted")
    services.accept_amendment(actor=carta_editor, amendment=amendment)
    assert editor.get(f"{API}{in_consultation.pk}/readiness/").json() == {
        "ready": True,
        "items": [],
    }


def test_the_readiness_endpoint_is_for_editors_only(api, api_as, in_consultation, citizen):
    draft = carta_revision(9, RevisionStatus.DRAFT)
    assert api.get(f"{API}{in_consultation.pk}/readiness/").status_code == 401
    assert api_as(citizen).get(f"{API}{in_consultation.pk}/readiness/").status_code == 403
    refused = api_as(citizen).get(f"{API}{in_consultation.pk}/readiness/").json()
    assert refused["code"] == "permission_denied"
    assert api_as(citizen).get(f"{API}{draft.pk}/readiness/").status_code == 404
    assert api.get(f"{API}{draft.pk}/readiness/").status_code == 404


def test_a_hidden_comment_is_listed_under_a_neutral_label(
    api_as, in_consultation, citizen, moderator, carta_editor
):
    comment = _comment(citizen, in_consultation, body="Mia cugina Ada Rinaldi, invalida")
    target = moderation.get_target_for(moderator, comment._meta.label_lower, comment.pk)
    moderation.hide_content(actor=moderator, target=target, reason="Dati sanitari di terzi")
    response = api_as(carta_editor).get(f"{API}{in_consultation.pk}/readiness/")
    (item,) = response.json()["items"]
    assert item["label"] == f"Commento n. {comment.pk} alla sezione «Sezione 1»"
    assert "Rinaldi" not in response.content.decode()
    assert citizen.display_name not in response.content.decode()


def test_the_revision_page_shows_editors_the_checklist_with_links(
    client_as, in_consultation, citizen, carta_editor
):
    comment = _comment(citizen, in_consultation)
    page = client_as(carta_editor).get(in_consultation.get_absolute_url()).content.decode()
    assert "Cosa manca per l" in page
    assert 'class="callout warning mb-4" id="adozione"' in page
    assert f'href="/carta/revisioni/{in_consultation.pk}/#commento-{comment.pk}"' in page
    as_citizen = client_as(citizen).get(in_consultation.get_absolute_url()).content.decode()
    assert 'id="adozione"' not in as_citizen
    services.record_outcome(actor=carta_editor, comment=comment, outcome="accepted")
    page = client_as(carta_editor).get(in_consultation.get_absolute_url()).content.decode()
    assert 'class="callout success mb-4" id="adozione"' in page
    assert "Puoi adottare la revisione." in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_comment_posted_while_adopting_either_lands_first_or_is_refused():
    """Adoption checks under the revision's lock, which a comment takes too: never an
    adopted revision with a comment that has no outcome."""
    editor = UserFactory(is_superuser=True)
    author = UserFactory(is_superuser=True)
    for _round in range(5):
        # Not copied from another revision: each round's adoption supersedes the last.
        revision = carta_revision(None, RevisionStatus.IN_CONSULTATION, sections=1, services=0)
        barrier = threading.Barrier(2)
        outcomes = {}

        def run(name, action, revision_pk=revision.pk, barrier=barrier, outcomes=outcomes):
            try:
                target = Revision.objects.get(pk=revision_pk)
                barrier.wait(timeout=30)
                action(target)
                outcomes[name] = "done"
            except Conflict as error:
                outcomes[name] = error.code
            except Exception as error:  # noqa: BLE001 - reported as the outcome
                outcomes[name] = repr(error)
            finally:
                connection.close()

        threads = [
            threading.Thread(
                target=run,
                args=("adopt", lambda r: services.adopt_revision(actor=editor, revision=r)),
            ),
            threading.Thread(target=run, args=("comment", lambda r: _comment(author, r))),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert outcomes in (
            {"adopt": "done", "comment": "revision_closed"},
            {"adopt": "not_ready", "comment": "done"},
        ), outcomes
