"""Budgets and letters of support on a proposal (carta.attachments, proposals/attachments.py):
its authors add them while it is with them; they follow the proposal's visibility."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from carta.attachments import attachments_of
from proposals.states import ProposalState
from stakeholders.models import Role
from tests.factories import MembershipFactory, ProposalFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("attachment_storage")]

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def author():
    return MembershipFactory(user=UserFactory(username="autrice"), role=Role.REPRESENTATIVE)


def _add(client, proposal, name="lettera ANFFAS.pdf", purpose="letter_of_support"):
    return client.post(
        reverse("attachment_add", args=["proposals.proposal", proposal.pk]),
        {"purpose": purpose, "file": SimpleUploadedFile(name, PDF, "application/pdf")},
    )


def test_an_author_attaches_a_letter_shown_once_the_proposal_is_published(client, author):
    proposal = ProposalFactory(organization=author.organization)
    client.force_login(author.user)
    page = client.get(proposal.get_absolute_url())
    assert 'action="/allegati/proposals.proposal/' in page.content.decode()
    response = _add(client, proposal)
    assert response.status_code == 302
    assert response["Location"] == f"{proposal.get_absolute_url()}#allegati"
    attachment = attachments_of(proposal).get()
    assert (attachment.original_name, attachment.purpose) == (
        "lettera_ANFFAS.pdf",
        "letter_of_support",
    )

    client.logout()
    assert client.get(attachment.get_absolute_url()).status_code == 404  # a draft
    proposal.state = ProposalState.PUBLISHED
    proposal.save(update_fields=["state"])
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "lettera_ANFFAS.pdf" in page
    assert "Allega il file" not in page
    assert b"".join(client.get(attachment.get_absolute_url()).streaming_content) == PDF


def test_no_file_is_added_once_the_proposal_left_its_authors(client, author):
    proposal = ProposalFactory(organization=author.organization, state=ProposalState.PUBLISHED)
    client.force_login(author.user)
    assert _add(client, proposal).status_code == 403
    assert not attachments_of(proposal).exists()


def test_a_purpose_proposals_do_not_take_is_refused_next_to_the_field(client, author):
    proposal = ProposalFactory(organization=author.organization)
    client.force_login(author.user)
    response = _add(client, proposal, purpose="statute")
    assert response.status_code == 400
    assert "purpose" in response.context["form"].errors
    assert not attachments_of(proposal).exists()


def test_another_organization_cannot_add_to_a_published_proposal(client, author):
    proposal = ProposalFactory(organization=author.organization, state=ProposalState.PUBLISHED)
    client.force_login(MembershipFactory(role=Role.REPRESENTATIVE).user)
    assert _add(client, proposal).status_code == 403
