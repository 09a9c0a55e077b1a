"""Comments: anchoring to sections and quoted passages, threads, organizations' names,
outdating across revisions, outcomes, moderation, and the live push."""

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from hypothesis import given, settings
from hypothesis import strategies as st

from carta import moderation
from carta.errors import Conflict, InvalidInput, NotAllowed
from consultations.charter import selectors, services
from consultations.charter.models import Comment


def _post(actor, revision, **kwargs):
    values = {"section_key": "sezione-1", "body": "Un'osservazione."} | kwargs
    return services.post_comment(actor=actor, revision=revision, **values)


def test_a_quote_is_anchored_to_its_offsets_in_the_section(in_consultation, citizen):
    comment = _post(citizen, in_consultation, quote="Segretariato Sociale")
    body = in_consultation.sections.get(key="sezione-1").body
    assert body[comment.quote_start : comment.quote_end] == "Segretariato Sociale"


def test_a_quote_that_is_not_in_the_section_is_refused(in_consultation, citizen):
    with pytest.raises(InvalidInput) as error:
        _post(citizen, in_consultation, quote="parole che non ci sono")
    assert error.value.field == "quote"


def test_offsets_must_match_the_quoted_text(in_consultation, citizen):
    with pytest.raises(InvalidInput):
        _post(citizen, in_consultation, quote="Testo", quote_start=5, quote_end=10)
    with pytest.raises(InvalidInput):
        _post(citizen, in_consultation, quote_start=0, quote_end=10_000)
    ok = _post(citizen, in_consultation, quote_start=0, quote_end=5)
    assert ok.quote == "Testo"


def test_a_comment_on_a_missing_section_is_refused(in_consultation, citizen):
    with pytest.raises(InvalidInput) as error:
        _post(citizen, in_consultation, section_key="non-esiste")
    assert error.value.field == "section_key"


def test_adopted_revisions_take_no_comments(in_force, citizen):
    with pytest.raises(Conflict):
        _post(citizen, in_force)


def test_anonymous_visitors_cannot_comment(in_consultation):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAllowed):
        _post(AnonymousUser(), in_consultation)


def test_replies_thread_under_the_top_level_comment(in_consultation, citizen, moderator):
    top = _post(citizen, in_consultation)
    reply = _post(moderator, in_consultation, parent=top, section_key="")
    reply_to_reply = _post(citizen, in_consultation, parent=reply, section_key="")
    assert reply.parent == top and reply_to_reply.parent == top
    [thread] = selectors.threads(selectors.comments_for(citizen, in_consultation))
    assert [c.pk for c in thread.thread] == [reply.pk, reply_to_reply.pk]
    assert citizen.notifications.filter(kind="carta.reply").count() == 1


def test_members_comment_in_their_organizations_name(in_consultation, member_a, org_a):
    comment = _post(member_a, in_consultation, organization=org_a)
    assert comment.organization == org_a
    assert comment.signed_as == org_a.legal_name


def test_others_cannot_comment_in_an_organizations_name(in_consultation, member_b, citizen, org_a):
    for person in (member_b, citizen):
        with pytest.raises(NotAllowed):
            _post(person, in_consultation, organization=org_a)


def test_a_comment_on_a_changed_section_is_marked_outdated_with_the_diff(
    in_consultation, citizen, carta_editor
):
    comment = _post(citizen, in_consultation, section_key="sezione-2")
    services.record_outcome(actor=carta_editor, comment=comment, outcome="accepted")
    services.adopt_revision(actor=carta_editor, revision=in_consultation)
    draft = services.create_draft(actor=carta_editor, title="Successiva")
    services.save_section(
        actor=carta_editor,
        revision=draft,
        key="sezione-2",
        heading="Sezione 2",
        body="Il Segretariato Sociale risponde entro 5 giorni.",
    )
    shown = {c.pk: c for c in selectors.comments_for(carta_editor, draft)}
    assert shown[comment.pk].is_outdated
    assert any(op["op"] != "equal" for op in shown[comment.pk].since)
    same = {c.pk: c for c in selectors.comments_for(citizen, in_consultation)}
    assert not same[comment.pk].is_outdated


def test_editors_record_outcomes_with_a_reason(in_consultation, citizen, carta_editor):
    comment = _post(citizen, in_consultation)
    with pytest.raises(InvalidInput):
        services.record_outcome(actor=carta_editor, comment=comment, outcome="not_accepted")
    services.record_outcome(
        actor=carta_editor, comment=comment, outcome="not_accepted", reason="Fuori tema."
    )
    comment.refresh_from_db()
    assert (comment.outcome, comment.outcome_reason) == ("not_accepted", "Fuori tema.")
    assert citizen.notifications.filter(kind="carta.outcome").exists()


def test_only_editors_record_outcomes_and_only_on_top_level(
    in_consultation, citizen, moderator, carta_editor
):
    comment = _post(citizen, in_consultation)
    reply = _post(moderator, in_consultation, parent=comment, section_key="")
    with pytest.raises(NotAllowed):
        services.record_outcome(actor=moderator, comment=comment, outcome="accepted")
    with pytest.raises(Conflict):
        services.record_outcome(actor=carta_editor, comment=reply, outcome="accepted")


def test_moderators_hide_a_comment_with_a_public_reason(in_consultation, citizen, moderator):
    comment = _post(citizen, in_consultation)
    target = moderation.get_target_for(citizen, "consultations.comment", comment.pk)
    moderation.flag_content(actor=citizen, target=target, reason="Offensivo")
    moderation.hide_content(actor=moderator, target=target, reason="Linguaggio offensivo")
    shown = next(c for c in selectors.comments_for(None, in_consultation) if c.pk == comment.pk)
    assert shown.is_hidden and not shown.can_read_texts
    assert shown.hidden_reason == "Linguaggio offensivo"


def test_comments_on_unshared_drafts_cannot_be_flagged_by_outsiders(
    carta_editor, citizen, in_force
):
    from carta.errors import NotFound

    draft = services.create_draft(actor=carta_editor, title="Bozza")
    comment = _post(carta_editor, draft)
    with pytest.raises(NotFound):
        moderation.get_target_for(citizen, "consultations.comment", comment.pk)


@pytest.mark.django_db(transaction=True)
def test_new_comments_reach_the_revisions_readers_live(citizen):
    from tests.factories import carta_revision

    revision = carta_revision(1, "in_consultation")

    async def scenario():
        from carta.asgi import application

        communicator = WebsocketCommunicator(
            application,
            f"/ws/carta/revisions/{revision.pk}/",
            headers=[(b"origin", b"http://testserver")],
        )
        communicator.scope["user"] = citizen
        connected, _ = await communicator.connect()
        assert connected
        from channels.db import database_sync_to_async

        comment = await database_sync_to_async(_post)(citizen, revision)
        event = await communicator.receive_json_from(timeout=3)
        await communicator.disconnect()
        return comment, event

    comment, event = async_to_sync(scenario)()
    assert event["type"] == "comment.posted"
    assert event["id"] == comment.pk and event["section_key"] == "sezione-1"
    assert Comment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_socket_of_an_unshared_draft_is_refused_to_citizens(citizen):
    from tests.factories import carta_revision

    draft = carta_revision(1, "draft")

    async def scenario():
        from carta.asgi import application

        communicator = WebsocketCommunicator(
            application,
            f"/ws/carta/revisions/{draft.pk}/",
            headers=[(b"origin", b"http://testserver")],
        )
        communicator.scope["user"] = citizen
        connected, code = await communicator.connect()
        await communicator.disconnect()
        return connected, code

    connected, code = async_to_sync(scenario)()
    assert not connected and code == 4403


@given(data=st.data())
@settings(max_examples=200, deadline=None)
def test_any_passage_of_the_section_can_be_quoted_by_offsets(data):
    from consultations.charter.services.comments import _anchor

    body = data.draw(st.text(min_size=1, max_size=80))
    start = data.draw(st.integers(min_value=0, max_value=len(body) - 1))
    end = data.draw(st.integers(min_value=start + 1, max_value=len(body)))
    quote, found_start, found_end = _anchor(body, "", start, end)
    assert body[found_start:found_end] == quote == body[start:end]
    by_text = _anchor(body, quote, None, None)
    assert body[by_text[1] : by_text[2]] == quote


def test_pact_records_the_revision_in_force(in_force, in_consultation):
    assert selectors.pact_revision_number() == in_force.number


def test_comments_on_an_unshared_ancestor_draft_stay_with_its_readers(
    carta_editor, citizen, in_force
):
    private = services.create_draft(actor=carta_editor, title="Bozza interna")
    _post(carta_editor, private, body="Nota della redazione.")
    public = services.open_consultation(
        actor=carta_editor,
        revision=services.create_draft(actor=carta_editor, title="Pubblica", source=private),
    )
    assert [c.body for c in selectors.comments_for(citizen, public)] == []
    assert [c.body for c in selectors.comments_for(carta_editor, public)] == [
        "Nota della redazione."
    ]
