"""Pages: list, detail with history and diff, create and edit forms, transitions,
comments and endorsements over htmx, staff queues."""

import pytest

from proposals import services
from proposals.models import Proposal
from proposals.states import ProposalState
from tests.factories import ProposalCommentFactory

S = ProposalState
pytestmark = pytest.mark.django_db


def test_list_page_filters_by_state(client, make_proposal):
    make_proposal(S.PUBLISHED, title="Orti sociali")
    make_proposal(S.ACCEPTED, title="Trasporto solidale")
    page = client.get("/proposte/?state=accepted").content.decode()
    assert "Trasporto solidale" in page and "Orti sociali" not in page


def test_editor_creates_a_draft_through_the_form(client_as, editor_a, org_a):
    response = client_as(editor_a).post(
        "/proposte/nuova/",
        {
            "organization": org_a.pk,
            "title": "Banca del tempo",
            "summary": "Scambio di ore tra vicini",
            "area": "multi_user",
            "budget_estimate": "1000",
        },
    )
    proposal = Proposal.objects.get(title="Banca del tempo")
    assert response.status_code == 302 and response["Location"] == f"/proposte/{proposal.pk}/"
    assert proposal.state == S.DRAFT


def test_member_without_write_right_cannot_open_the_create_form(client_as, member_a):
    assert client_as(member_a).get("/proposte/nuova/").status_code == 403


def test_transition_form_requires_a_reason_to_reject(client_as, moderator, make_proposal):
    proposal = make_proposal(S.SUBMITTED)
    url = f"/proposte/{proposal.pk}/stato/reject/"
    assert client_as(moderator).post(url, {"reason": ""}).status_code == 400
    response = client_as(moderator).post(url, {"reason": "Fuori ambito"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == S.REJECTED


def test_transition_from_the_wrong_state_says_which_state(client_as, moderator, make_proposal):
    proposal = make_proposal(S.PUBLISHED)
    response = client_as(moderator).post(f"/proposte/{proposal.pk}/stato/publish/")
    assert response.status_code == 409
    assert "Pubblicata" in response.content.decode()


def test_detail_shows_history_and_version_diff(client_as, editor_a, moderator, make_proposal):
    proposal = make_proposal(S.DRAFT, body="Tre laboratori")
    services.transition_proposal(actor=editor_a, proposal=proposal, action="submit")
    services.transition_proposal(
        actor=moderator, proposal=proposal, reason="Dettagliare", action="request_changes"
    )
    services.update_proposal(actor=editor_a, proposal=proposal, body="Quattro laboratori")
    page = client_as(editor_a).get(f"/proposte/{proposal.pk}/?da=1&a=2").content.decode()
    assert "Dettagliare" in page
    assert "<del" in page and "Tre" in page and "<ins" in page and "Quattro" in page


def test_comment_and_endorse_over_htmx_return_partials(client_as, citizen, make_proposal):
    proposal = make_proposal(S.PUBLISHED)
    client = client_as(citizen)
    response = client.post(
        f"/proposte/{proposal.pk}/commenti/", {"body": "Molto utile"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Molto utile" in response.content.decode()
    assert "<html" not in response.content.decode()
    response = client.post(f"/proposte/{proposal.pk}/sostegno/", HTTP_HX_REQUEST="true")
    assert "1 sostegno" in response.content.decode()


def test_hidden_comment_shows_the_reason_in_its_place(client, make_proposal, citizen):
    proposal = make_proposal(S.PUBLISHED)
    ProposalCommentFactory(
        proposal=proposal,
        author=citizen,
        body="Testo da non mostrare",
        hidden_at="2026-01-01T00:00Z",
        hidden_reason="Linguaggio offensivo",
    )
    page = client.get(f"/proposte/{proposal.pk}/").content.decode()
    assert "Linguaggio offensivo" in page and "Testo da non mostrare" not in page


def test_moderation_queue_lists_submitted_and_flagged(client_as, moderator, citizen, make_proposal):
    from carta import moderation

    submitted = make_proposal(S.SUBMITTED, title="Da verificare")
    flagged = make_proposal(S.PUBLISHED, title="Segnalata")
    moderation.flag_content(actor=citizen, target=flagged, reason="Spam evidente")
    page = client_as(moderator).get("/proposte/moderazione/").content.decode()
    assert submitted.title in page and "Spam evidente" in page


def test_the_moderation_queue_pages_submitted_proposals_and_caps_open_flags(
    client_as, moderator, make_proposal, monkeypatch
):
    """The page costs the same whatever the queue holds: 20 submitted proposals a page,
    the oldest first, and the oldest open flags with the total."""
    from carta import moderation
    from proposals import views
    from tests.factories import UserFactory

    monkeypatch.setattr(views, "FLAGS_SHOWN", 3)
    for index in range(23):
        make_proposal(S.SUBMITTED, title=f"Presentata {index:02d}")
    flagged = make_proposal(S.PUBLISHED, title="Segnalata")
    reporters = [UserFactory() for _ in range(5)]
    for index, reporter in enumerate(reporters):
        moderation.flag_content(actor=reporter, target=flagged, reason=f"Motivo {index}")
    client = client_as(moderator)
    first = client.get("/proposte/moderazione/").content.decode()
    assert "23 proposte in attesa di verifica" in first
    assert "Presentata 00" in first and "Presentata 19" in first
    assert "Presentata 20" not in first
    assert "Presentata 22" in client.get("/proposte/moderazione/?page=2").content.decode()
    assert "Motivo 0" in first and "Motivo 2" in first and "Motivo 3" not in first
    assert "le 3 segnalazioni più vecchie su 5" in first


def test_evaluation_page_lists_published_for_evaluators(client_as, carta_editor, make_proposal):
    make_proposal(S.UNDER_EVALUATION, title="In esame")
    make_proposal(S.DRAFT, title="Bozza interna")
    page = client_as(carta_editor).get("/proposte/valutazione/").content.decode()
    assert "In esame" in page and "Bozza interna" not in page


def test_partner_form_with_an_unknown_organization_says_so(client_as, editor_a, make_proposal):
    proposal = make_proposal(S.DRAFT)
    response = client_as(editor_a).post(
        f"/proposte/{proposal.pk}/partner/invita/", {"organization": "999999"}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/proposte/{proposal.pk}/"
    assert "Organizzazione sconosciuta." in response.content.decode()
    assert not proposal.partnerships.exists()


def test_partner_form_invites_the_organization_named(client_as, editor_a, org_b, make_proposal):
    proposal = make_proposal(S.DRAFT)
    client_as(editor_a).post(f"/proposte/{proposal.pk}/partner/invita/", {"organization": org_b.pk})
    assert list(proposal.partnerships.values_list("organization", "status")) == [
        (org_b.pk, "invited")
    ]


@pytest.mark.django_db
def test_the_budget_is_written_as_the_ambito_writes_amounts(client):
    from proposals.states import ProposalState
    from tests.factories import ProposalFactory

    proposal = ProposalFactory(state=ProposalState.PUBLISHED, budget_estimate=48000)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "48.000,00 €" in page
