"""The statute and the RUNTS certificate sent with an application (carta.attachments,
stakeholders/attachments.py): seen on the organization's page by the staff who verify it
and by its representatives, by nobody else."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from carta.attachments import Attachment, attachments_of
from stakeholders.models import Organization, Role
from tests.factories import MembershipFactory, UserFactory, make_tax_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("attachment_storage")]

PDF = b"%PDF-1.4\n%%EOF\n"


def _apply(client, **files):
    return client.post(
        reverse("organization_apply"),
        {
            "legal_name": "Associazione Il Ponte",
            "kind": "aps",
            "tax_code": make_tax_code(5151),
            "accept_pact": "on",
            **files,
        },
    )


def test_the_application_carries_the_statute_and_the_certificate(client_as, citizen, moderator):
    applicant = client_as(citizen)
    response = _apply(
        applicant,
        statute=SimpleUploadedFile("Statuto Il Ponte.pdf", PDF, "application/pdf"),
        runts_certificate=SimpleUploadedFile("runts.pdf", PDF, "application/pdf"),
    )
    assert response.status_code == 302
    organization = Organization.objects.get(legal_name="Associazione Il Ponte")
    files = {a.purpose: a for a in attachments_of(organization)}
    assert files["statute"].original_name == "Statuto_Il_Ponte.pdf"
    assert files["runts_certificate"].uploaded_by == citizen

    page = applicant.get(organization.get_absolute_url()).content.decode()
    assert "Statuto_Il_Ponte.pdf" in page
    staff_page = client_as(moderator).get(organization.get_absolute_url()).content.decode()
    assert "Statuto_Il_Ponte.pdf" in staff_page and "runts.pdf" in staff_page
    assert "Documenti della domanda di adesione" in staff_page
    download = client_as(moderator).get(files["statute"].get_absolute_url())
    assert b"".join(download.streaming_content) == PDF


def test_nobody_else_sees_the_documents(client_as, citizen):
    _apply(
        client_as(citizen),
        statute=SimpleUploadedFile("statuto.pdf", PDF, "application/pdf"),
    )
    organization = Organization.objects.get()
    statute = attachments_of(organization).get()
    member = MembershipFactory(organization=organization, role=Role.MEMBER).user
    for person in (UserFactory(username="curioso"), member):
        visitor = client_as(person)
        assert visitor.get(statute.get_absolute_url()).status_code == 404
    organization.status = "verified"
    organization.save(update_fields=["status"])
    public_page = client_as(UserFactory(username="altra")).get(organization.get_absolute_url())
    assert public_page.status_code == 200
    assert "statuto.pdf" not in public_page.content.decode()


def test_a_refused_statute_keeps_the_typed_application(client_as, citizen):
    response = _apply(
        client_as(citizen),
        statute=SimpleUploadedFile("statuto.pdf", b"<html></html>", "application/pdf"),
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["statute"]
    assert 'value="Associazione Il Ponte"' in response.content.decode()
    assert not Organization.objects.exists()
    assert not Attachment.objects.exists()


def test_an_application_without_documents_is_still_accepted(client_as, citizen):
    assert _apply(client_as(citizen)).status_code == 302
    assert not attachments_of(Organization.objects.get()).exists()


def test_the_staff_queue_lists_each_applications_documents_at_a_fixed_cost(client_as, moderator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from carta import attachments
    from carta.attachments import Purpose
    from tests.factories import OrganizationFactory

    def pending(n):
        membership = MembershipFactory(
            organization=OrganizationFactory(legal_name=f"Domanda {n}", status="pending"),
            role=Role.REPRESENTATIVE,
        )
        attachments.add_attachment(
            actor=membership.user,
            target=membership.organization,
            purpose=Purpose.STATUTE,
            upload=SimpleUploadedFile(f"statuto {n}.pdf", PDF, "application/pdf"),
        )

    staff = client_as(moderator)
    pending(1)
    with CaptureQueriesContext(connection) as one:
        page = staff.get(reverse("organization_queue")).content.decode()
    assert "statuto_1.pdf" in page and "(Statuto)" in page
    pending(2)
    pending(3)
    with CaptureQueriesContext(connection) as three:
        page = staff.get(reverse("organization_queue")).content.decode()
    assert "statuto_2.pdf" in page and "statuto_3.pdf" in page
    assert len(three) == len(one)
