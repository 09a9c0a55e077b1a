"""The proposals API: lifecycle actions, error shapes, versions with diff, partners,
comments and endorsements."""

import pytest

from proposals.models import PartnershipStatus
from proposals.states import ProposalState
from tests.factories import OrganizationFactory, ProposalCommentFactory, ResourceFactory

S = ProposalState
pytestmark = pytest.mark.django_db
BASE = "/api/v1/proposals/"


def test_editor_creates_and_submits_then_moderator_publishes(api_as, editor_a, moderator, org_a):
    response = api_as(editor_a).post(
        BASE,
        {
            "organization": org_a.pk,
            "title": "Doposcuola di comunità",
            "summary": "Pomeriggi di studio assistito",
            "area": "families_minors",
            "budget_estimate": "8000.00",
        },
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["state"] == "draft"
    assert response.json()["available_actions"] == ["submit", "withdraw"]
    assert api_as(editor_a).post(f"{BASE}{pk}/submit/").json()["state"] == "submitted"
    published = api_as(moderator).post(f"{BASE}{pk}/publish/")
    assert published.json()["state"] == "published"
    assert [t["action"] for t in published.json()["transitions"]] == ["submit", "publish"]


def test_invalid_transition_answers_409_naming_the_state(api_as, moderator, make_proposal):
    proposal = make_proposal(S.PUBLISHED)
    response = api_as(moderator).post(f"{BASE}{proposal.pk}/publish/")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "invalid_state"
    assert "Pubblicata" in body["detail"]


def test_wrong_role_answers_403_and_invisible_answers_404(
    api_as, member_a, member_b, make_proposal
):
    proposal = make_proposal(S.DRAFT)
    assert api_as(member_a).post(f"{BASE}{proposal.pk}/submit/").status_code == 403
    assert api_as(member_b).post(f"{BASE}{proposal.pk}/submit/").status_code == 404
    assert api_as(None).get(f"{BASE}{proposal.pk}/").status_code == 404


def test_reject_without_reason_names_the_field(api_as, moderator, make_proposal):
    proposal = make_proposal(S.SUBMITTED)
    response = api_as(moderator).post(f"{BASE}{proposal.pk}/reject/", {"reason": ""})
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]


def test_editing_under_evaluation_is_409(api_as, editor_a, make_proposal):
    proposal = make_proposal(S.UNDER_EVALUATION)
    response = api_as(editor_a).patch(f"{BASE}{proposal.pk}/", {"title": "Nuovo"})
    assert response.status_code == 409
    assert "In valutazione" in response.json()["detail"]


def test_versions_are_kept_after_first_submission_and_compared_word_by_word(
    api_as, editor_a, moderator, make_proposal
):
    proposal = make_proposal(S.DRAFT, body="Tre laboratori settimanali per ragazzi")
    client = api_as(editor_a)
    client.patch(f"{BASE}{proposal.pk}/", {"body": "Modifica in bozza, senza versione"})
    client.post(f"{BASE}{proposal.pk}/submit/")
    api_as(moderator).post(f"{BASE}{proposal.pk}/request-changes/", {"reason": "Più dettagli"})
    client.patch(f"{BASE}{proposal.pk}/", {"body": "Modifica in bozza, con una versione"})
    versions = client.get(f"{BASE}{proposal.pk}/versions/").json()
    assert [v["number"] for v in versions] == [1, 2]
    assert versions[0]["body"] == "Modifica in bozza, senza versione"
    diff = client.get(f"{BASE}{proposal.pk}/versions/2/?against=1").json()
    parts = diff["diff"]["body"]
    assert {"op": "delete", "text": "senza"} in parts
    assert {"op": "insert", "text": "con una"} in parts
    assert all(p["op"] == "equal" for p in diff["diff"]["title"])
    assert client.get(f"{BASE}{proposal.pk}/versions/9/").status_code == 404


def test_invited_partner_is_accepted_by_its_representative_and_coauthors(
    api_as, editor_a, org_b, rep_b, member_b, make_proposal
):
    proposal = make_proposal()
    response = api_as(editor_a).post(f"{BASE}{proposal.pk}/partners/", {"organization": org_b.pk})
    assert response.status_code == 201
    assert response.json()["status"] == PartnershipStatus.INVITED
    # The invited partner's plain member does not see the draft; its representative does.
    assert api_as(member_b).get(f"{BASE}{proposal.pk}/").status_code == 404
    decide = f"{BASE}{proposal.pk}/partners/{org_b.pk}/accept/"
    assert api_as(editor_a).post(decide).status_code == 403
    assert api_as(rep_b).post(decide).json()["status"] == "accepted"
    # Now org_b's representative co-authors and its members see the draft.
    assert api_as(rep_b).patch(f"{BASE}{proposal.pk}/", {"title": "Insieme"}).status_code == 200
    assert api_as(member_b).get(f"{BASE}{proposal.pk}/").status_code == 200


def test_an_unverified_organization_cannot_be_partner(api_as, editor_a, make_proposal):
    pending = OrganizationFactory(status="pending")
    response = api_as(editor_a).post(
        f"{BASE}{make_proposal().pk}/partners/", {"organization": pending.pk}
    )
    assert response.status_code == 400
    assert "organization" in response.json()["errors"]


def test_another_organization_asks_to_join_a_published_proposal(
    api_as, rep_a, org_b, rep_b, make_proposal
):
    proposal = make_proposal(S.PUBLISHED)
    response = api_as(rep_b).post(
        f"{BASE}{proposal.pk}/partners/", {"organization": org_b.pk, "kind": "request"}
    )
    assert response.json()["status"] == "requested"
    decide = f"{BASE}{proposal.pk}/partners/{org_b.pk}/accept/"
    assert api_as(rep_b).post(decide).status_code == 403
    assert api_as(rep_a).post(decide).json()["status"] == "accepted"


def test_resources_only_of_lead_or_accepted_partners(api_as, editor_a, org_a, org_b, make_proposal):
    proposal = make_proposal()
    own = ResourceFactory(organization=org_a)
    other = ResourceFactory(organization=org_b)
    client = api_as(editor_a)
    assert client.patch(f"{BASE}{proposal.pk}/", {"resources": [other.pk]}).status_code == 400
    response = client.patch(f"{BASE}{proposal.pk}/", {"resources": [own.pk]})
    assert [r["id"] for r in response.json()["resources"]] == [own.pk]


def test_comments_in_own_name_or_organization_name(
    api_as, citizen, member_b, org_a, org_b, make_proposal
):
    proposal = make_proposal(S.PUBLISHED)
    url = f"{BASE}{proposal.pk}/comments/"
    first = api_as(citizen).post(url, {"body": "Ottima idea"})
    assert first.status_code == 201
    reply = api_as(member_b).post(
        url, {"body": "Ci siamo", "organization": org_b.pk, "parent": first.json()["id"]}
    )
    assert reply.json()["organization"]["legal_name"] == org_b.legal_name
    assert api_as(citizen).post(url, {"body": "x", "organization": org_a.pk}).status_code == 403
    anonymous = api_as(None).post(url, {"body": "x"})
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"
    listed = api_as(None).get(url).json()["results"]
    assert [c["body"] for c in listed] == ["Ottima idea", "Ci siamo"]


def test_comments_are_refused_before_publication(api_as, member_a, make_proposal):
    proposal = make_proposal(S.DRAFT)
    response = api_as(member_a).post(f"{BASE}{proposal.pk}/comments/", {"body": "presto"})
    assert response.status_code == 409


def test_hidden_comment_keeps_its_place_without_its_text(api_as, citizen, moderator, make_proposal):
    proposal = make_proposal(S.PUBLISHED)
    ProposalCommentFactory(
        proposal=proposal,
        author=citizen,
        body="Testo offensivo",
        hidden_at="2026-01-01T00:00Z",
        hidden_reason="Linguaggio offensivo",
    )
    listed = api_as(None).get(f"{BASE}{proposal.pk}/comments/").json()["results"]
    assert listed[0]["body"] == "" and listed[0]["hidden_reason"] == "Linguaggio offensivo"
    mine = api_as(citizen).get(f"{BASE}{proposal.pk}/comments/").json()["results"]
    assert mine[0]["body"] == "Testo offensivo"


def test_one_endorsement_per_person_and_per_organization(
    api_as, citizen, rep_b, member_b, org_b, make_proposal
):
    proposal = make_proposal(S.PUBLISHED)
    url = f"{BASE}{proposal.pk}/endorsements/"
    assert api_as(citizen).post(url).status_code == 201
    assert api_as(citizen).post(url).status_code == 409
    assert api_as(member_b).post(url, {"organization": org_b.pk}).status_code == 403
    assert api_as(rep_b).post(url, {"organization": org_b.pk}).status_code == 201
    assert api_as(rep_b).post(url, {"organization": org_b.pk}).status_code == 409
    assert api_as(None).get(url).json()["count"] == 2
    assert api_as(citizen).delete(url).status_code == 204
    assert api_as(None).get(url).json()["count"] == 1


def test_endorsing_a_draft_is_impossible(api_as, member_a, make_proposal):
    proposal = make_proposal(S.DRAFT)
    assert api_as(member_a).post(f"{BASE}{proposal.pk}/endorsements/").status_code == 409


def test_list_filters(api_as, make_proposal, org_b):
    make_proposal(S.PUBLISHED, title="Orti sociali", area="poverty")
    make_proposal(S.ACCEPTED, title="Trasporto anziani", area="elderly")
    make_proposal(S.PUBLISHED, organization=org_b, title="Banco alimentare", area="poverty")
    client = api_as(None)

    def titles(query):
        return sorted(p["title"] for p in client.get(f"{BASE}?{query}").json()["results"])

    assert titles("area=poverty") == ["Banco alimentare", "Orti sociali"]
    assert titles("state=accepted") == ["Trasporto anziani"]
    assert titles(f"organization={org_b.pk}") == ["Banco alimentare"]
    assert titles("q=orti") == ["Orti sociali"]
    assert titles("state=nonsense") == []


def test_flagging_goes_through_the_core_service(api_as, citizen, make_proposal):
    proposal = make_proposal(S.PUBLISHED)
    response = api_as(citizen).post(
        "/api/v1/flags/",
        {"target_type": "proposals.proposal", "target_id": proposal.pk, "reason": "Spam"},
    )
    assert response.status_code == 201, response.json()
    draft = make_proposal(S.DRAFT)
    response = api_as(citizen).post(
        "/api/v1/flags/",
        {"target_type": "proposals.proposal", "target_id": draft.pk, "reason": "Spam"},
    )
    assert response.status_code == 404
