"""The state machine: every transition from every state, by the right and wrong roles."""

import pytest

from carta.errors import Conflict, InvalidInput, NotAllowed, NotFound
from carta.models import AuditEntry, Notification
from proposals import permissions as perms
from proposals import selectors, services
from proposals.models import ProposalTransition
from proposals.states import TRANSITIONS, ProposalState, Role

S = ProposalState
pytestmark = pytest.mark.django_db


@pytest.fixture
def actors(editor_a, moderator, carta_editor):
    return {Role.AUTHORS: editor_a, Role.MODERATORS: moderator, Role.EVALUATORS: carta_editor}


CASES = [(action, state) for action in TRANSITIONS for state in S.values]


@pytest.mark.parametrize(("action", "state"), CASES)
def test_each_transition_is_allowed_exactly_from_its_declared_states(
    action, state, actors, make_proposal, org_a
):
    transition = TRANSITIONS[action]
    proposal = make_proposal(state)
    role = sorted(transition.sources.get(state) or transition.roles)[0]
    actor = actors[role]
    if state not in transition.sources:
        with pytest.raises(Conflict) as error:
            services.transition_proposal(actor=actor, proposal=proposal, action=action, reason="x")
        assert str(S(state).label) in str(error.value.message)
        proposal.refresh_from_db()
        assert proposal.state == state
        return
    proposal = services.transition_proposal(
        actor=actor, proposal=proposal, action=action, reason="Motivo di prova"
    )
    assert proposal.state == transition.target
    step = ProposalTransition.objects.get(proposal=proposal)
    assert (step.from_state, step.to_state, step.actor, step.reason) == (
        state,
        transition.target,
        actor,
        "Motivo di prova",
    )
    assert AuditEntry.objects.filter(verb=f"proposal.{action}", object_id=str(proposal.pk)).exists()


@pytest.mark.parametrize(
    ("action", "state"), [(a, s) for a, t in TRANSITIONS.items() for s in t.sources]
)
def test_a_role_not_named_for_the_state_is_refused(
    action, state, actors, make_proposal, member_a, citizen
):
    allowed = TRANSITIONS[action].sources[state]
    proposal = make_proposal(state)
    for role, actor in actors.items():
        if role in allowed:
            continue
        with pytest.raises(NotAllowed):
            services.transition_proposal(actor=actor, proposal=proposal, action=action, reason="x")
    for outsider in (member_a, citizen):
        with pytest.raises(NotAllowed):
            services.transition_proposal(
                actor=outsider, proposal=proposal, action=action, reason="x"
            )
    proposal.refresh_from_db()
    assert proposal.state == state


def test_full_path_to_acceptance_notifies_after_commit(
    editor_a, member_a, moderator, carta_editor, make_proposal, django_capture_on_commit_callbacks
):
    proposal = make_proposal()
    with django_capture_on_commit_callbacks(execute=True):
        services.transition_proposal(actor=editor_a, proposal=proposal, action="submit")
    assert Notification.objects.filter(recipient=moderator, kind="proposal.submit").exists()
    assert Notification.objects.filter(recipient=member_a, kind="proposal.submit").exists()
    assert not Notification.objects.filter(recipient=editor_a).exists()
    services.transition_proposal(actor=moderator, proposal=proposal, action="publish")
    assert Notification.objects.filter(recipient=carta_editor, kind="proposal.publish").exists()
    services.transition_proposal(actor=carta_editor, proposal=proposal, action="start_evaluation")
    proposal = services.transition_proposal(actor=carta_editor, proposal=proposal, action="accept")
    assert proposal.state == S.ACCEPTED
    assert proposal.published_at is not None
    steps = list(proposal.transitions.values_list("action", flat=True))
    assert steps == ["submit", "publish", "start_evaluation", "accept"]
    assert Notification.objects.filter(recipient=moderator, kind="proposal.accept").exists()


def test_withdrawing_a_draft_does_not_tell_staff(editor_a, moderator, make_proposal):
    proposal = make_proposal()
    services.transition_proposal(actor=editor_a, proposal=proposal, action="withdraw")
    assert not Notification.objects.filter(recipient=moderator).exists()


@pytest.mark.parametrize("action", ["reject", "request_changes"])
def test_reject_and_request_changes_need_a_reason(action, moderator, make_proposal):
    proposal = make_proposal(S.SUBMITTED)
    with pytest.raises(InvalidInput) as error:
        services.transition_proposal(actor=moderator, proposal=proposal, action=action, reason=" ")
    assert error.value.field == "reason"


def test_changes_requested_goes_back_to_authors_and_resubmission_to_moderators(
    editor_a, moderator, make_proposal
):
    proposal = make_proposal(S.SUBMITTED)
    services.transition_proposal(
        actor=moderator, proposal=proposal, reason="Manca il budget", action="request_changes"
    )
    proposal = services.update_proposal(actor=editor_a, proposal=proposal, budget_estimate=5000)
    proposal = services.transition_proposal(actor=editor_a, proposal=proposal, action="resubmit")
    assert proposal.state == S.SUBMITTED


def test_rejected_before_publication_stays_private(moderator, make_proposal, citizen, member_a):
    proposal = make_proposal(S.SUBMITTED)
    services.transition_proposal(
        actor=moderator, proposal=proposal, reason="Fuori ambito", action="reject"
    )
    assert not perms.can_view(citizen, proposal)
    assert not perms.can_view(moderator, proposal)
    assert perms.can_view(member_a, proposal)


def test_rejected_after_publication_stays_public(carta_editor, make_proposal, citizen):
    proposal = make_proposal(S.UNDER_EVALUATION)
    services.transition_proposal(
        actor=carta_editor, proposal=proposal, reason="Non sostenibile", action="reject"
    )
    assert perms.can_view(citizen, proposal)


def test_editing_is_refused_under_evaluation_with_the_state_named(editor_a, make_proposal):
    proposal = make_proposal(S.UNDER_EVALUATION)
    with pytest.raises(Conflict) as error:
        services.update_proposal(actor=editor_a, proposal=proposal, title="Nuovo titolo")
    assert "In valutazione" in str(error.value.message)


def test_editing_by_a_plain_member_is_refused(member_a, make_proposal):
    with pytest.raises(NotAllowed):
        services.update_proposal(actor=member_a, proposal=make_proposal(), title="Altro")


def test_fetch_answers_404_when_invisible_and_403_when_visible_but_not_allowed(
    member_a, member_b, make_proposal
):
    proposal = make_proposal()
    with pytest.raises(NotFound):
        selectors.get_proposal_for(member_b, proposal.pk, perm=perms.can_edit)
    with pytest.raises(NotAllowed):
        selectors.get_proposal_for(member_a, proposal.pk, perm=perms.can_edit)


def test_create_needs_to_write_for_the_organization(member_a, editor_a, org_a):
    with pytest.raises(NotAllowed):
        services.create_proposal(
            actor=member_a, organization=org_a, title="T", summary="S", area="elderly"
        )
    proposal = services.create_proposal(
        actor=editor_a, organization=org_a, title="T", summary="S", area="elderly"
    )
    assert proposal.state == S.DRAFT and proposal.created_by == editor_a


def test_negative_budget_is_refused(editor_a, org_a):
    with pytest.raises(InvalidInput) as error:
        services.create_proposal(
            actor=editor_a,
            organization=org_a,
            title="T",
            summary="S",
            area="elderly",
            budget_estimate="-1",
        )
    assert error.value.field == "budget_estimate"
