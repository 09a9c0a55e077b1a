"""The attachments' API, under each object's resource
(/api/v1/<collection>/<id>/attachments/): the same rules as the pages, in the one error
shape (404 for what is hidden, 401 signed out, 403 without the right)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from carta import attachments
from carta.attachments import Attachment, Purpose
from proposals.models import Proposal
from proposals.states import ProposalState
from stakeholders.models import Role
from tests.factories import ComplaintFactory, MembershipFactory, ProposalFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("attachment_storage")]

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def author():
    return MembershipFactory(user=UserFactory(username="autrice"), role=Role.REPRESENTATIVE)


@pytest.fixture
def budget(author):
    proposal = ProposalFactory(organization=author.organization)
    return attachments.add_attachment(
        actor=author.user,
        target=proposal,
        purpose=Purpose.BUDGET,
        upload=SimpleUploadedFile("Piano economico.pdf", PDF),
    )


def _urls(attachment, collection="proposals"):
    base = f"/api/v1/{collection}/{attachment.object_id}/attachments/"
    return base, f"{base}{attachment.pk}/", f"{base}{attachment.pk}/file/"


def test_an_author_lists_downloads_and_removes(api_as, author, budget):
    listing, detail, file = _urls(budget)
    api = api_as(author.user)
    body = api.get(listing).json()
    assert body == [
        {
            "id": budget.pk,
            "purpose": "budget",
            "purpose_label": "Piano economico",
            "name": "Piano_economico.pdf",
            "content_type": "application/pdf",
            "size": len(PDF),
            "sha256": budget.sha256,
            "created_at": body[0]["created_at"],
            "download_url": file,
        }
    ]
    download = api.get(file)
    assert b"".join(download.streaming_content) == PDF
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Cache-Control"] == "private, no-store"
    assert api.delete(detail).status_code == 204
    assert Attachment.objects.get().removed_at is not None
    assert api.get(detail).status_code == 404
    assert api.get(listing).json() == []


def test_a_drafts_files_are_hidden_from_everyone_else(api, api_as, budget):
    listing, detail, file = _urls(budget)
    curious = api_as(UserFactory(username="curioso"))
    for client in (api, curious):
        assert client.get(listing).status_code == 404
        assert client.get(detail).status_code == 404
        assert client.get(file).status_code == 404


def test_a_published_proposals_files_are_read_by_all_and_removed_by_its_authors(
    api, api_as, budget
):
    proposal = Proposal.objects.get(pk=budget.object_id)
    proposal.state = ProposalState.PUBLISHED
    proposal.save(update_fields=["state"])
    listing, detail, _file = _urls(budget)
    assert [item["id"] for item in api.get(listing).json()] == [budget.pk]
    assert api.delete(detail).status_code == 401
    assert api_as(UserFactory(username="altro")).delete(detail).status_code == 403
    assert Attachment.objects.get().removed_at is None


def test_a_file_is_found_only_under_its_own_object(api_as, author, budget):
    other = ProposalFactory(organization=author.organization)
    response = api_as(author.user).get(f"/api/v1/proposals/{other.pk}/attachments/{budget.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_complaint_evidence_is_listed_for_officers_only(api_as, complaint_officer, citizen):
    complaint = ComplaintFactory(submitted_by=citizen)
    evidence = attachments.add_attachment(
        actor=citizen,
        target=complaint,
        purpose=Purpose.EVIDENCE,
        upload=SimpleUploadedFile("ricevuta.pdf", PDF),
        on_creation=True,
    )
    listing, _detail, _file = _urls(evidence, "complaints")
    assert len(api_as(complaint_officer).get(listing).json()) == 1
    assert api_as(citizen).get(listing).status_code == 404
