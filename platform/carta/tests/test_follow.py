"""Following a proposal, a revision of the Carta or a consultation: the button, who may
follow, and the notification its followers receive after the commit of a change the
audit log records (not the person who made it, not who may no longer see it)."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail

from carta.follows import follow, tell_followers
from carta.models import Follow, Notification
from carta.preferences import set_notification_preferences
from carta.services import record_audit
from consultations.charter.models import RevisionStatus
from consultations.voting.services import close_consultation_early
from proposals.models import Proposal
from proposals.services import endorse_proposal, transition_proposal
from proposals.states import ProposalState
from tests.factories import ConsultationFactory, ProposalFactory, RevisionFactory, UserFactory

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def published(org_a, editor_a):
    return ProposalFactory(
        organization=org_a, title="Orti sociali a Valtirino", state=ProposalState.PUBLISHED
    )


def follows_of(user):
    return list(Follow.objects.filter(user=user).values_list("object_id", flat=True))


# --- The button ----------------------------------------------------------------------


def test_the_proposal_page_has_the_button_and_it_follows_and_unfollows(
    client_as, citizen, published
):
    client = client_as(citizen)
    page = text_of(client.get(published.get_absolute_url()))
    assert "Segui gli aggiornamenti" in page
    # The htmx fragment (the placeholder's load) shows the current state.
    state = text_of(
        client.get(
            f"/segui/?target_type=proposals.proposal&target_id={published.pk}",
            headers={"HX-Request": "true"},
        )
    )
    assert 'value="follow"' in state and "Segui gli aggiornamenti" in state
    data = {
        "target_type": "proposals.proposal",
        "target_id": published.pk,
        "action": "follow",
        "next": published.get_absolute_url(),
    }
    response = client.post("/segui/", data)
    assert response.status_code == 302 and response["Location"] == published.get_absolute_url()
    client.post("/segui/", data)  # twice: still one row
    assert follows_of(citizen) == [published.pk]
    state = text_of(
        client.get(
            f"/segui/?target_type=proposals.proposal&target_id={published.pk}",
            headers={"HX-Request": "true"},
        )
    )
    assert "smetti di seguire" in state
    fragment = client.post(
        "/segui/", {**data, "action": "unfollow"}, headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200 and "Segui gli aggiornamenti" in text_of(fragment)
    assert follows_of(citizen) == []


def test_without_javascript_the_link_leads_to_a_page_with_the_button(client_as, citizen, published):
    page = text_of(
        client_as(citizen).get(
            f"/segui/?target_type=proposals.proposal&target_id={published.pk}&next=/proposte/"
        )
    )
    assert "Seguendo proposta «Orti sociali a Valtirino» riceverai una notifica" in page
    assert 'name="action" value="follow"' in page


def test_a_proposal_one_may_not_see_cannot_be_followed(client_as, member_b, org_a):
    draft = ProposalFactory(organization=org_a, state=ProposalState.DRAFT)
    client = client_as(member_b)
    data = {"target_type": "proposals.proposal", "target_id": draft.pk, "action": "follow"}
    assert client.post("/segui/", data).status_code == 404
    assert (
        client.get(f"/segui/?target_type=proposals.proposal&target_id={draft.pk}").status_code
        == 404
    )
    assert client.post("/segui/", {**data, "target_type": "carta.user"}).status_code == 404
    assert not Follow.objects.exists()


def test_someone_not_signed_in_is_asked_to_sign_in(client, published):
    data = {"target_type": "proposals.proposal", "target_id": published.pk, "next": "/proposte/"}
    response = client.post("/segui/", data)
    assert response.status_code == 302 and response["Location"].startswith("/accedi/?next=")
    assert not Follow.objects.exists()


def test_the_revision_and_consultation_pages_have_the_button(client_as, citizen):
    revision = RevisionFactory(status=RevisionStatus.IN_CONSULTATION)
    consultation = ConsultationFactory()
    client = client_as(citizen)
    for obj, key in ((revision, "consultations.revision"), (consultation, "voting.consultation")):
        page = text_of(client.get(obj.get_absolute_url()))
        assert f"/segui/?target_type={key}&amp;target_id={obj.pk}" in page
        client.post("/segui/", {"target_type": key, "target_id": obj.pk, "action": "follow"})
    assert sorted(follows_of(citizen)) == sorted([revision.pk, consultation.pk])


# --- Followers told of changes ----------------------------------------------------------


def test_followers_are_told_of_a_state_change_but_not_the_actor(
    citizen, editor_a, rep_a, published, django_capture_on_commit_callbacks
):
    follow(actor=citizen, target=published)
    follow(actor=editor_a, target=published)
    with django_capture_on_commit_callbacks(execute=True):
        transition_proposal(actor=editor_a, proposal=published, action="withdraw")
    told = Notification.objects.filter(kind="follow.proposal")
    # The citizen no longer sees a withdrawn proposal, so is not told; the actor neither.
    assert list(told.values_list("recipient__username", flat=True)) == []
    assert not told.filter(recipient=editor_a).exists()

    follow(actor=rep_a, target=Proposal.objects.get(pk=published.pk))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        record_audit(actor=editor_a, verb="proposal.updated", target=published)
    row = Notification.objects.get(kind="follow.proposal")
    assert row.recipient == rep_a
    assert row.title == "Novità su «Orti sociali a Valtirino», che segui"
    assert row.body == "La proposta è stata aggiornata."
    assert row.url == published.get_absolute_url()
    assert [m.to for m in mail.outbox] == [[rep_a.email]]


def test_a_published_proposals_followers_are_told_of_its_evaluation(
    citizen, carta_editor, published, django_capture_on_commit_callbacks
):
    follow(actor=citizen, target=published)
    with django_capture_on_commit_callbacks(execute=True):
        transition_proposal(actor=carta_editor, proposal=published, action="start_evaluation")
    row = Notification.objects.get(recipient=citizen, kind="follow.proposal")
    assert row.body == "È iniziata la valutazione della proposta."
    assert len([m for m in mail.outbox if m.to == [citizen.email]]) == 1


def test_nothing_is_told_before_the_commit_nor_for_verbs_not_declared(
    citizen, rep_a, published, django_capture_on_commit_callbacks
):
    follow(actor=citizen, target=published)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        record_audit(actor=rep_a, verb="proposal.publish", target=published)
    assert len(callbacks) == 1 and not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        endorse_proposal(actor=UserFactory(), proposal=published)
    assert not Notification.objects.filter(kind="follow.proposal").exists()


def test_a_hidden_proposal_is_named_by_its_number_only(rep_a, published):
    follow(actor=rep_a, target=published)
    Proposal.objects.filter(pk=published.pk).update(
        hidden_at="2026-10-08T10:00:00Z", hidden_reason="Dati personali nel testo"
    )
    assert tell_followers("proposals.proposal", published.pk, "proposal.updated") == 1
    row = Notification.objects.get(recipient=rep_a)
    assert "Orti sociali" not in row.title and "Dati personali" not in row.title + row.body
    assert row.title == f"Novità su «proposta n. {published.pk}», che segui"


def test_a_hidden_proposal_is_named_in_each_followers_language(rep_a, editor_a, published):
    editor_a.preferred_language = "en"
    editor_a.save(update_fields=["preferred_language"])
    follow(actor=rep_a, target=published)
    follow(actor=editor_a, target=published)
    Proposal.objects.filter(pk=published.pk).update(
        hidden_at="2026-10-08T10:00:00Z", hidden_reason="Dati personali nel testo"
    )
    assert tell_followers("proposals.proposal", published.pk, "proposal.updated") == 2
    english = Notification.objects.get(recipient=editor_a).title
    italian = Notification.objects.get(recipient=rep_a).title
    assert f"«proposal no. {published.pk}»" in english and "proposta" not in english
    assert f"«proposta n. {published.pk}»" in italian


def test_the_followers_preferences_apply(citizen, published, django_capture_on_commit_callbacks):
    follow(actor=citizen, target=published)
    set_notification_preferences(
        actor=citizen, kinds={"follow.proposal": {"in_app": False, "email": False}}
    )
    with django_capture_on_commit_callbacks(execute=True):
        record_audit(actor=None, verb="proposal.updated", target=published)
    assert not Notification.objects.exists() and mail.outbox == []


def test_revision_and_consultation_followers_are_told(
    citizen, carta_editor, django_capture_on_commit_callbacks
):
    revision = RevisionFactory(status=RevisionStatus.IN_CONSULTATION)
    consultation = ConsultationFactory(title="Priorità 2027")
    follow(actor=citizen, target=revision)
    follow(actor=citizen, target=consultation)
    with django_capture_on_commit_callbacks(execute=True):
        record_audit(actor=carta_editor, verb="carta.adopted", target=revision)
        close_consultation_early(
            actor=carta_editor, consultation=consultation, reason="Errore nel quesito"
        )
    rows = dict(Notification.objects.filter(recipient=citizen).values_list("kind", "body"))
    assert rows == {
        "follow.revision": "La revisione è stata adottata.",
        "follow.consultation": "La consultazione è stata chiusa in anticipo.",
    }
    assert "Errore nel quesito" not in str(rows)


def test_a_draft_revisions_follower_who_left_the_network_is_not_told(
    member_a, carta_editor, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    draft = RevisionFactory(status=RevisionStatus.DRAFT, shared_with_network_at=timezone.now())
    follow(actor=member_a, target=draft)
    member_a.memberships.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        record_audit(actor=carta_editor, verb="carta.consultation_opened", target=draft)
    assert not Notification.objects.filter(recipient=member_a).exists()


# --- In the personal area --------------------------------------------------------------


def test_the_personal_area_lists_what_one_follows_and_unfollows_from_there(
    client_as, citizen, published, org_a
):
    follow(actor=citizen, target=published)
    gone = ProposalFactory(organization=org_a, state=ProposalState.PUBLISHED, title="Non più")
    follow(actor=citizen, target=gone)
    Proposal.objects.filter(pk=gone.pk).update(state=ProposalState.WITHDRAWN)
    client = client_as(citizen)
    page = text_of(client.get("/area-personale/"))
    followed = page[page.index('id="sezione-seguiti"') :]
    followed = followed[: followed.index("</section>")]
    assert "Orti sociali a Valtirino" in followed and "(proposta)" in followed
    assert "Non più" not in followed and "Una pagina che non puoi più vedere" in followed
    row = Follow.objects.get(object_id=published.pk)
    response = client.post(
        "/segui/", {"action": "unfollow", "follow_id": row.pk, "next": "/area-personale/"}
    )
    assert response.status_code == 302 and response["Location"] == "/area-personale/"
    assert follows_of(citizen) == [gone.pk]
    # Someone else's follow cannot be removed.
    other = Follow.objects.create(
        user=UserFactory(),
        content_type=ContentType.objects.get_for_model(Proposal),
        object_id=published.pk,
    )
    client.post("/segui/", {"action": "unfollow", "follow_id": other.pk})
    assert Follow.objects.filter(pk=other.pk).exists()


def test_the_full_list_of_what_one_follows_is_paginated_with_fixed_queries(
    client_as, citizen, org_a, django_assert_max_num_queries
):
    """However much a person follows, the full list shows 20 a page, newest first, in the
    same number of queries."""
    made = [
        ProposalFactory(organization=org_a, state=ProposalState.PUBLISHED, title=f"Orto {n:02d}")
        for n in range(23)
    ]
    for proposal in made:
        follow(actor=citizen, target=proposal)
    client = client_as(citizen)
    first = text_of(client.get("/area-personale/seguiti/"))
    assert "Orto 22" in first and "Orto 03" in first and "Orto 02" not in first
    assert 'href="?page=2"' in first
    second = text_of(client.get("/area-personale/seguiti/?page=2"))
    assert "Orto 02" in second and "Orto 00" in second and "Orto 03" not in second
    with django_assert_max_num_queries(12) as few:
        client.get("/area-personale/seguiti/")
    cost = len(few.captured_queries)
    for _n in range(15):
        follow(
            actor=citizen,
            target=ProposalFactory(organization=org_a, state=ProposalState.PUBLISHED),
        )
    with django_assert_max_num_queries(cost):
        client.get("/area-personale/seguiti/")


def test_erasing_an_account_removes_what_it_followed_and_its_choices(citizen, published):
    from carta.models import DigestItem, NotificationPreference, NotificationSettings
    from carta.services import erase_account

    follow(actor=citizen, target=published)
    set_notification_preferences(
        actor=citizen, email_delivery="daily", kinds={"follow.proposal": {"email": False}}
    )
    DigestItem.objects.create(recipient=citizen, kind="proposal.publish", title="Orti")
    citizen.set_unusable_password()
    citizen.save()
    erase_account(actor=citizen)
    assert not Follow.objects.filter(user=citizen).exists()
    assert not DigestItem.objects.filter(recipient=citizen).exists()
    assert not NotificationPreference.objects.filter(user=citizen).exists()
    assert not NotificationSettings.objects.filter(user=citizen).exists()
