"""No hidden or private proposal or comment appears, to someone who may not see it, in
any list, search, export, detail or notification."""

import pytest
from django.utils import timezone

from carta.models import Notification
from proposals import services
from proposals.states import ProposalState
from tests.factories import ProposalCommentFactory, UserFactory

S = ProposalState
pytestmark = pytest.mark.django_db

SECRET = "Zafferano"  # a word that only private or hidden content contains


@pytest.fixture
def world(make_proposal, org_b, citizen):
    private = {
        "draft": make_proposal(S.DRAFT, title=f"{SECRET} bozza"),
        "withdrawn": make_proposal(S.WITHDRAWN, title=f"{SECRET} ritirata"),
        "changes": make_proposal(S.CHANGES_REQUESTED, title=f"{SECRET} in modifica"),
        "rejected_early": make_proposal(S.REJECTED, title=f"{SECRET} respinta presto"),
        "submitted": make_proposal(S.SUBMITTED, title=f"{SECRET} presentata"),
        "hidden": make_proposal(
            S.PUBLISHED,
            title=f"{SECRET} nascosta",
            hidden_at=timezone.now(),
            hidden_reason="Contenuto non pertinente",
        ),
    }
    public = make_proposal(S.PUBLISHED, title="Orti condivisi", summary="Orti", body="Orti")
    ProposalCommentFactory(proposal=public, author=citizen, body="Un commento visibile")
    ProposalCommentFactory(
        proposal=public,
        author=UserFactory(),
        body=f"{SECRET} commento nascosto",
        hidden_at=timezone.now(),
        hidden_reason="Offensivo",
    )
    return private, public


def _surfaces(client, public):
    """Every read surface, as one text each."""
    yield "api list", client.get("/api/v1/proposals/?page_size=100").content
    yield "api search", client.get(f"/api/v1/proposals/?q={SECRET}").content
    yield "api comments", client.get(f"/api/v1/proposals/{public.pk}/comments/").content
    yield "page list", client.get("/proposte/").content
    yield "page search", client.get(f"/proposte/?q={SECRET}").content
    yield "export", client.get("/proposte/esporta.csv").content
    yield "page detail", client.get(f"/proposte/{public.pk}/").content


@pytest.mark.parametrize("persona", ["anonymous", "citizen", "member_b", "carta_editor"])
def test_private_and_hidden_content_appears_nowhere(persona, world, request, client_as):
    private, public = world
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = client_as(user)
    for surface, content in _surfaces(client, public):
        text = content.decode()
        # Whole titles: a search page repeats the searched word in its own form.
        forbidden = [
            p.title
            for key, p in private.items()
            if not (persona == "carta_editor" and key == "submitted")
        ]
        leaked = [t for t in [*forbidden, f"{SECRET} commento nascosto"] if t in text]
        assert not leaked, f"{persona} sees {leaked} in {surface}"
        assert "Orti condivisi" in text or surface in ("api comments", "api search", "page search")
    for proposal in private.values():
        if persona == "carta_editor" and proposal.state == S.SUBMITTED:
            continue
        assert client.get(f"/proposte/{proposal.pk}/").status_code == 404
        assert client.get(f"/api/v1/proposals/{proposal.pk}/").status_code == 404


def test_insiders_and_moderators_see_what_they_should(world, member_a, moderator, client_as):
    private, _public = world
    listed = client_as(member_a).get("/api/v1/proposals/?page_size=100").json()["results"]
    assert {p["id"] for p in listed} >= {p.pk for p in private.values()}
    listed = client_as(moderator).get("/api/v1/proposals/?page_size=100").json()["results"]
    ids = {p["id"] for p in listed}
    assert private["submitted"].pk in ids and private["hidden"].pk in ids
    assert private["draft"].pk not in ids


def test_notifications_reach_only_people_who_may_see(
    make_proposal, editor_a, member_a, member_b, moderator, carta_editor, citizen
):
    proposal = make_proposal()
    services.transition_proposal(actor=editor_a, proposal=proposal, action="submit")
    services.transition_proposal(
        actor=moderator, proposal=proposal, reason="Completare", action="request_changes"
    )
    services.transition_proposal(actor=editor_a, proposal=proposal, action="withdraw")
    notified = set(Notification.objects.values_list("recipient__username", flat=True))
    assert notified == {editor_a.username, member_a.username, moderator.username}
    assert not Notification.objects.filter(recipient__in=[member_b, carta_editor, citizen]).exists()
    # The moderator heard of the submission only, while it was visible to staff.
    assert list(
        Notification.objects.filter(recipient=moderator).values_list("kind", flat=True)
    ) == ["proposal.submit"]
