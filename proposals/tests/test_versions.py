"""The version history: public readers see the versions from publication onward (what
was sent back before publication, for holding personal or health data, stays with the
authors and the staff); a moderator redacts a version with a public reason, its text is
erased for everyone, and the redaction is audited."""

import pytest

from carta.models import AuditEntry
from proposals import services
from proposals.models import ProposalVersion
from proposals.states import ProposalState

S = ProposalState
pytestmark = pytest.mark.django_db
BASE = "/api/v1/proposals/"
HEALTH = "Mario Rossi, diabetico"  # personal and health data a moderator sent back


@pytest.fixture
def proposal(make_proposal, editor_a, moderator, carta_editor):
    """v1 (health data) sent back before publication; v2 published; v3 (health data
    again) sent back after publication and published as v4."""
    proposal = make_proposal(S.DRAFT, body=f"Accompagniamo {HEALTH} alle visite")
    step = services.transition_proposal
    step(actor=editor_a, proposal=proposal, action="submit")
    step(actor=moderator, proposal=proposal, action="request_changes", reason="Dati sanitari")
    services.update_proposal(actor=editor_a, proposal=proposal, body="Accompagniamo alle visite")
    step(actor=editor_a, proposal=proposal, action="resubmit")
    step(actor=moderator, proposal=proposal, action="publish")
    step(actor=carta_editor, proposal=proposal, action="start_evaluation")
    step(actor=carta_editor, proposal=proposal, action="request_changes", reason="Dettagliare")
    services.update_proposal(actor=editor_a, proposal=proposal, body=f"Accompagniamo {HEALTH}")
    services.update_proposal(actor=editor_a, proposal=proposal, body="Accompagniamo tre persone")
    step(actor=editor_a, proposal=proposal, action="resubmit")
    step(actor=moderator, proposal=proposal, action="publish")
    return proposal


def _numbers(client, proposal):
    return [v["number"] for v in client.get(f"{BASE}{proposal.pk}/versions/").json()]


@pytest.mark.parametrize("persona", ["anonymous", "citizen", "member_b"])
def test_public_readers_see_the_versions_from_publication_onward(
    persona, request, api_as, proposal
):
    client = api_as(None if persona == "anonymous" else request.getfixturevalue(persona))
    assert _numbers(client, proposal) == [2, 3, 4]
    assert client.get(f"{BASE}{proposal.pk}/versions/1/").status_code == 404
    response = client.get(f"{BASE}{proposal.pk}/versions/2/?against=1")
    assert response.status_code == 400
    assert HEALTH not in response.content.decode()


@pytest.mark.parametrize("persona", ["member_a", "editor_a", "moderator", "carta_editor", "admin"])
def test_authors_and_staff_see_every_version(persona, request, api_as, proposal):
    client = api_as(request.getfixturevalue(persona))
    assert _numbers(client, proposal) == [1, 2, 3, 4]
    version = client.get(f"{BASE}{proposal.pk}/versions/1/").json()["version"]
    assert HEALTH in version["body"]


def test_the_page_shows_public_readers_no_version_before_publication(client, proposal):
    page = client.get(f"/proposte/{proposal.pk}/?da=1&a=2").content.decode()
    assert HEALTH not in page
    assert "Versione 1 " not in page and "Versione 2 " in page


def test_a_moderator_redacts_a_version_and_everyone_sees_the_reason_only(
    api_as, moderator, proposal
):
    response = api_as(moderator).post(
        f"{BASE}{proposal.pk}/versions/3/redact/", {"reason": "Conteneva dati sanitari"}
    )
    assert response.status_code == 200, response.json()
    redacted = {
        "number": 3,
        "title": "",
        "summary": "",
        "body": "",
        "beneficiaries": "",
        "redacted": True,
        "redaction_reason": "Conteneva dati sanitari",
    }
    assert {k: response.json()[k] for k in redacted} == redacted
    stored = ProposalVersion.objects.get(proposal=proposal, number=3)
    assert (stored.title, stored.summary, stored.body, stored.beneficiaries) == ("", "", "", "")
    assert stored.redacted_by == moderator
    for client in (api_as(None), api_as(moderator)):
        version = client.get(f"{BASE}{proposal.pk}/versions/3/?against=2").json()
        assert {k: version["version"][k] for k in redacted} == redacted
        assert HEALTH not in str(version)
    entry = AuditEntry.objects.get(verb="proposal.version_redacted")
    assert (entry.actor, entry.object_id, entry.reason) == (
        moderator,
        str(proposal.pk),
        "Conteneva dati sanitari",
    )
    assert entry.changes == {"version": 3}


def test_the_audit_log_keeps_no_text_of_the_versions(proposal):
    for entry in AuditEntry.objects.filter(object_id=str(proposal.pk)):
        assert HEALTH not in f"{entry.reason} {entry.changes}", entry.verb


@pytest.mark.parametrize(
    ("persona", "number", "reason", "status"),
    [
        ("anonymous", 3, "Dati", 401),
        ("citizen", 3, "Dati", 403),
        ("editor_a", 3, "Dati", 403),
        ("carta_editor", 3, "Dati", 403),
        ("member_b", 1, "Dati", 404),
        ("moderator", 9, "Dati", 404),
        ("moderator", 3, "", 400),
        ("moderator", 4, "Dati", 409),
    ],
)
def test_redaction_refusals(persona, number, reason, status, request, api_as, proposal):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = api_as(user).post(
        f"{BASE}{proposal.pk}/versions/{number}/redact/", {"reason": reason}
    )
    assert response.status_code == status
    assert HEALTH in ProposalVersion.objects.get(proposal=proposal, number=3).body
    assert not AuditEntry.objects.filter(verb="proposal.version_redacted").exists()


def test_a_version_is_redacted_once(api_as, moderator, proposal):
    url = f"{BASE}{proposal.pk}/versions/3/redact/"
    assert api_as(moderator).post(url, {"reason": "Dati"}).status_code == 200
    assert api_as(moderator).post(url, {"reason": "Ancora"}).status_code == 409
    assert ProposalVersion.objects.get(proposal=proposal, number=3).redaction_reason == "Dati"


def test_the_page_button_redacts_and_shows_the_reason(client_as, client, moderator, proposal):
    page = client_as(moderator).get(f"/proposte/{proposal.pk}/").content.decode()
    url = f"/proposte/{proposal.pk}/versioni/3/oscura/"
    assert f'action="{url}"' in page
    response = client_as(moderator).post(url, {"reason": "Conteneva dati sanitari"})
    assert response.status_code == 302
    assert ProposalVersion.objects.get(proposal=proposal, number=3).redacted_at is not None
    page = client.get(f"/proposte/{proposal.pk}/?da=2&a=3").content.decode()
    assert HEALTH not in page
    assert "Testo oscurato dalla moderazione" in page and "Conteneva dati sanitari" in page
    assert f'action="{url}"' not in page


@pytest.mark.parametrize(("persona", "outcome"), [("anonymous", "login"), ("editor_a", 403)])
def test_the_page_refuses_redaction_to_others(persona, outcome, request, client_as, proposal):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = client_as(user).post(f"/proposte/{proposal.pk}/versioni/3/oscura/", {"reason": "X"})
    if outcome == "login":
        assert response.status_code == 302 and "/accedi/" in response["Location"]
    else:
        assert response.status_code == outcome
    assert ProposalVersion.objects.get(proposal=proposal, number=3).redacted_at is None
