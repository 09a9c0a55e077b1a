"""Evidence sent with the complaint form (carta.attachments, feedback/attachments.py):
anyone may attach files, the officers alone see them, a refused file keeps the rest of
the form, and an anonymized complaint's evidence is erased."""

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from carta.attachments import Attachment, attachments_of
from carta.models import AuditEntry
from feedback.attachments import erase_anonymized_evidence
from feedback.models import Complaint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("attachment_storage")]

FORM = "/valuta-e-segnala/segnala/"
PDF = b"%PDF-1.4\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def _send(client, *files):
    return client.post(
        FORM,
        {
            "category": "complaint",
            "description": "Lo sportello era chiuso nell'orario indicato.",
            "privacy_consent": "on",
            "evidence": list(files),
        },
    )


def test_an_anonymous_sender_attaches_evidence_the_officer_downloads(
    client, client_as, complaint_officer, citizen
):
    response = _send(
        client,
        SimpleUploadedFile("cartello orari.png", PNG, "image/png"),
        SimpleUploadedFile("ricevuta.pdf", PDF, "application/pdf"),
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    files = list(attachments_of(complaint))
    assert [(f.original_name, f.mime_type, f.purpose) for f in files] == [
        ("cartello_orari.png", "image/png", "evidence"),
        ("ricevuta.pdf", "application/pdf", "evidence"),
    ]
    assert all(f.uploaded_by is None for f in files)
    assert set(
        AuditEntry.objects.filter(verb="attachment.added").values_list("actor_label", flat=True)
    ) == {"mittente"}

    officer = client_as(complaint_officer)
    page = officer.get(reverse("feedback_complaint_staff", args=[complaint.pk]))
    assert "cartello_orari.png" in page.content.decode()
    download = officer.get(files[1].get_absolute_url())
    assert b"".join(download.streaming_content) == PDF
    assert client_as(citizen).get(files[1].get_absolute_url()).status_code == 404


def test_the_signed_in_sender_does_not_see_the_evidence_again(client_as, citizen):
    sender = client_as(citizen)
    _send(sender, SimpleUploadedFile("ricevuta.pdf", PDF, "application/pdf"))
    complaint = Complaint.objects.get(submitted_by=citizen)
    attachment = attachments_of(complaint).get()
    assert sender.get(attachment.get_absolute_url()).status_code == 404


def test_a_refused_file_is_shown_next_to_the_field_and_the_text_is_kept(client):
    response = _send(client, SimpleUploadedFile("ricevuta.pdf", b"MZ\x90\x00", "application/pdf"))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["evidence"]
    assert form.errors["evidence"][0].startswith("ricevuta.pdf: Formato non accettato")
    assert "Lo sportello era chiuso" in response.content.decode()
    assert not Complaint.objects.exists()
    assert not Attachment.objects.exists()


def test_more_than_five_files_are_refused(client):
    files = [SimpleUploadedFile(f"f{n}.pdf", PDF, "application/pdf") for n in range(6)]
    response = _send(client, *files)
    assert "al massimo 5 file" in response.context["form"].errors["evidence"][0]
    assert not Complaint.objects.exists()


def test_an_anonymized_complaints_evidence_is_erased(client, client_as, complaint_officer):
    _send(client, SimpleUploadedFile("foto di Rosa.png", PNG, "image/png"))
    complaint = Complaint.objects.get()
    attachment = attachments_of(complaint).get()
    stored = attachment.stored_name
    Complaint.objects.filter(pk=complaint.pk).update(anonymized_at=timezone.now())
    assert client_as(complaint_officer).get(attachment.get_absolute_url()).status_code == 404
    assert erase_anonymized_evidence() == 1
    assert erase_anonymized_evidence() == 0
    attachment.refresh_from_db()
    assert not storages["attachments"].exists(stored)
    assert attachment.original_name == "allegato.png"
    assert attachment.removed_at is not None


def test_the_daily_anonymization_also_erases_the_evidence_files(client):
    import datetime
    import io

    from django.core.management import call_command

    _send(client, SimpleUploadedFile("ricevuta.pdf", PDF, "application/pdf"))
    complaint = Complaint.objects.get()
    stored = attachments_of(complaint).get().stored_name
    long_ago = timezone.now() - datetime.timedelta(days=400)
    Complaint.objects.filter(pk=complaint.pk).update(status="closed", closed_at=long_ago)
    out = io.StringIO()
    call_command("anonymize_complaints", stdout=out)
    assert "1 complaint(s) anonymized" in out.getvalue()
    assert "1 file(s) erased" in out.getvalue()
    assert not storages["attachments"].exists(stored)
