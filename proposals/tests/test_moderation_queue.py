"""The moderators' queue (issue 18, item 6): each row names the content by its public
label with an excerpt and a link in context; a flag is dismissed or its content hidden
from the page; a new flag notifies the moderators once, without the content's text."""

from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carta import moderation
from carta.errors import Conflict
from carta.models import AuditEntry, Flag, ModerationEntry, Notification
from proposals.states import ProposalState
from tests.factories import ProposalCommentFactory, UserFactory

S = ProposalState
pytestmark = pytest.mark.django_db

QUEUE = "/proposte/moderazione/"
COMMENT = "Il presidente dell'associazione è un ladro, lo sanno tutti a Valtirino"


@pytest.fixture
def flagged_comment(make_proposal, citizen):
    proposal = make_proposal(S.PUBLISHED, title="Orti sociali di quartiere")
    comment = ProposalCommentFactory(proposal=proposal, author=citizen, body=COMMENT)
    reporter = UserFactory(username="segnalante")
    flag = moderation.flag_content(actor=reporter, target=comment, reason="Offensivo")
    return proposal, comment, flag


def _page(client):
    response = client.get(QUEUE)
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_a_row_names_the_comment_by_its_public_label_with_excerpt_and_link(
    client_as, moderator, flagged_comment
):
    proposal, comment, flag = flagged_comment
    page = _page(client_as(moderator))
    label = f"Commento n. {comment.pk} alla proposta n. {proposal.pk}"
    assert label in page
    # Not the comment's id as if it were the proposal's ("commento alla proposta n. <id>").
    assert f"commento alla proposta n. {comment.pk}" not in page
    assert f'href="/proposte/{proposal.pk}/#commento-{comment.pk}"' in page
    assert COMMENT[:60] in page
    item = client_as(moderator).get(QUEUE).context["flagged"][0]
    assert (item.flag, item.target, item.label) == (flag, comment, label)


def test_the_excerpt_is_cut(client_as, moderator, make_proposal, citizen):
    proposal = make_proposal(S.PUBLISHED)
    comment = ProposalCommentFactory(proposal=proposal, author=citizen, body="parola " * 200)
    moderation.flag_content(actor=citizen, target=comment, reason="Spam")
    item = client_as(moderator).get(QUEUE).context["flagged"][0]
    assert len(item.excerpt) <= moderation.EXCERPT_CHARS
    assert item.excerpt.startswith("parola parola")


def test_a_moderator_dismisses_a_flag_from_the_page(client_as, moderator, flagged_comment):
    _proposal, comment, flag = flagged_comment
    client = client_as(moderator)
    response = client.post(
        "/moderazione/respingi/",
        {"flag_id": flag.pk, "reason": "Critica dura ma legittima", "next": QUEUE},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == QUEUE
    flag.refresh_from_db()
    assert (flag.status, flag.resolution, flag.resolved_by) == (
        Flag.Status.DISMISSED,
        "Critica dura ma legittima",
        moderator,
    )
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert AuditEntry.objects.filter(verb="flag.dismissed").count() == 1
    assert "La segnalazione è stata respinta" in response.content.decode()
    assert "Nessuna segnalazione aperta." in response.content.decode()


def test_dismissing_needs_a_reason_and_an_open_flag(client_as, moderator, flagged_comment):
    _proposal, _comment, flag = flagged_comment
    client = client_as(moderator)
    page = client.post(
        "/moderazione/respingi/", {"flag_id": flag.pk, "reason": " ", "next": QUEUE}, follow=True
    ).content.decode()
    assert "La motivazione è obbligatoria." in page
    flag.refresh_from_db()
    assert flag.status == Flag.Status.OPEN
    client.post("/moderazione/respingi/", {"flag_id": flag.pk, "reason": "No"})
    page = client.post(
        "/moderazione/respingi/",
        {"flag_id": flag.pk, "reason": "Ancora", "next": QUEUE},
        follow=True,
    ).content.decode()
    assert unescape("La segnalazione è già stata esaminata.") in unescape(page)


@pytest.mark.parametrize("who", ["anonymous", "citizen", "reporter"])
def test_only_moderators_dismiss_anyone_else_gets_404(who, client_as, citizen, flagged_comment):
    _proposal, _comment, flag = flagged_comment
    user = {"anonymous": None, "citizen": citizen, "reporter": flag.reporter}[who]
    response = client_as(user).post("/moderazione/respingi/", {"flag_id": flag.pk, "reason": "x"})
    assert response.status_code == 404
    flag.refresh_from_db()
    assert flag.status == Flag.Status.OPEN


@pytest.mark.parametrize("flag_id", ["", "abc", "999999", "99999999999999999999999"])
def test_dismissing_an_unknown_flag_is_404(flag_id, client_as, moderator):
    response = client_as(moderator).post("/moderazione/respingi/", {"flag_id": flag_id})
    assert response.status_code == 404


def test_a_moderator_hides_the_comment_from_the_page(client_as, moderator, flagged_comment):
    proposal, comment, flag = flagged_comment
    client = client_as(moderator)
    page = _page(client)
    assert 'name="target_type" value="proposals.proposalcomment"' in page
    client.post(
        "/moderazione/nascondi/",
        {
            "target_type": "proposals.proposalcomment",
            "target_id": comment.pk,
            "reason": "Accuse personali",
            "next": QUEUE,
        },
    )
    comment.refresh_from_db()
    flag.refresh_from_db()
    assert comment.is_hidden and flag.status == Flag.Status.UPHELD
    entry = ModerationEntry.objects.get()
    assert entry.object_label == f"Commento n. {comment.pk} alla proposta n. {proposal.pk}"


def test_a_new_flag_notifies_the_moderators_once_without_the_text(
    moderator, citizen, make_proposal, django_capture_on_commit_callbacks
):
    admin = UserFactory(username="amministratrice", is_superuser=True)
    UserFactory(username="moderatore_sospeso", groups=["moderators"], is_active=False)
    proposal = make_proposal(S.PUBLISHED)
    comment = ProposalCommentFactory(proposal=proposal, author=citizen, body=COMMENT)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.flag_content(actor=citizen, target=comment, reason="Parla di Valtirino")
    rows = list(Notification.objects.filter(kind="moderation.flagged"))
    assert sorted(n.recipient_id for n in rows) == sorted([moderator.pk, admin.pk])
    for row in rows:
        assert row.title == (
            f"Nuova segnalazione da esaminare: Commento n. {comment.pk} alla proposta n. "
            f"{proposal.pk}"
        )
        assert "Valtirino" not in row.title + row.body
        assert row.url == "/proposte/moderazione/?contenuti=tutti"


def test_a_moderator_who_flags_is_not_notified_of_their_own_flag(moderator, make_proposal):
    proposal = make_proposal(S.PUBLISHED)
    moderation.flag_content(actor=moderator, target=proposal, reason="Da verificare")
    assert not Notification.objects.filter(kind="moderation.flagged").exists()


def test_a_refused_flag_notifies_nobody(moderator, citizen, make_proposal):
    proposal = make_proposal(S.PUBLISHED)
    moderation.flag_content(actor=citizen, target=proposal, reason="Spam")
    with pytest.raises(Conflict):
        moderation.flag_content(actor=citizen, target=proposal, reason="Spam di nuovo")
    assert Notification.objects.filter(kind="moderation.flagged").count() == 1


def _queue_queries(client, url=QUEUE):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_queue_costs_the_same_with_more_flagged_comments(
    client_as, moderator, make_proposal, citizen
):
    client = client_as(moderator)

    def flag_some(n):
        for _ in range(n):
            proposal = make_proposal(S.PUBLISHED)
            comment = ProposalCommentFactory(proposal=proposal, author=citizen, body="Testo")
            moderation.flag_content(actor=UserFactory(), target=comment, reason="Spam")
            moderation.flag_content(actor=UserFactory(), target=proposal, reason="Spam")

    flag_some(1)
    _queue_queries(client)  # warms the content type cache
    small = _queue_queries(client)
    flag_some(6)
    assert _queue_queries(client) == small


def test_every_content_shows_the_carta_comments_by_their_label(client_as, moderator, citizen):
    from consultations.charter.models import RevisionStatus
    from tests.factories import CommentFactory, carta_revision

    revision = carta_revision(status=RevisionStatus.IN_CONSULTATION, sections=1)
    section = revision.sections.first()
    comment = CommentFactory(
        revision=revision, section_key=section.key, author=citizen, body="Orari troppo brevi"
    )
    moderation.flag_content(actor=UserFactory(), target=comment, reason="Fuori tema")
    client = client_as(moderator)
    assert "Orari troppo brevi" not in _page(client)  # proposals and their comments only
    page = unescape(client.get(QUEUE + "?contenuti=tutti").content.decode())
    assert f"Commento n. {comment.pk} alla sezione «{section.heading}»" in page
    assert f'href="{comment.get_absolute_url()}"' in page
    assert "Orari troppo brevi" in page
