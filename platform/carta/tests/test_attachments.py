"""Attachments (carta.attachments): the type from the bytes, limits, names, the storage,
and the download after the object's own permission check (404 for everyone else)."""

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from carta import attachments
from carta.attachments import Attachment, Purpose
from carta.errors import InvalidInput, NotAllowed
from carta.models import AuditEntry
from proposals.states import ProposalState
from stakeholders.models import Role
from tests.factories import (
    ComplaintFactory,
    MembershipFactory,
    OrganizationFactory,
    ProposalFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("attachment_storage")]

ROOT = Path(__file__).resolve().parents[3]

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _ooxml(main_part: str, main_type: str) -> bytes:
    types = (
        '<?xml version="1.0"?><Types><Override PartName="/'
        + main_part
        + f'" ContentType="{main_type}"/></Types>'
    )
    return _zip({"[Content_Types].xml": types.encode(), main_part: b"<x/>"})


DOCX_BYTES = _ooxml("word/document.xml", attachments._OOXML_MAIN_TYPE[attachments.DOCX])
XLSX_BYTES = _ooxml("xl/workbook.xml", attachments._OOXML_MAIN_TYPE[attachments.XLSX])
DOCM_BYTES = _ooxml("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml")
ODT_BYTES = _zip({"mimetype": attachments.ODT.encode(), "content.xml": b"<x/>"})
ODS_BYTES = _zip({"mimetype": attachments.ODS.encode(), "content.xml": b"<x/>"})


def upload(name="statuto.pdf", data=PDF_BYTES, content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def representative():
    membership = MembershipFactory(
        user=UserFactory(username="rappresentante"),
        organization=OrganizationFactory(legal_name="Associazione Il Ponte", status="pending"),
        role=Role.REPRESENTATIVE,
    )
    return membership.user, membership.organization


# --- Types, names, limits -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "mime_type"),
    [
        ("statuto.pdf", PDF_BYTES, attachments.PDF),
        ("foto.png", PNG_BYTES, attachments.PNG),
        ("foto.JPG", JPEG_BYTES, attachments.JPEG),
        ("lettera.odt", ODT_BYTES, attachments.ODT),
        ("piano.ods", ODS_BYTES, attachments.ODS),
        ("lettera.docx", DOCX_BYTES, attachments.DOCX),
        ("piano.xlsx", XLSX_BYTES, attachments.XLSX),
    ],
)
def test_accepted_formats_are_recognized_from_their_bytes(name, data, mime_type):
    checked = attachments.check_file(upload(name, data, content_type="text/plain"))
    assert checked.mime_type == mime_type
    assert checked.size == len(data)


def test_a_page_renamed_pdf_is_refused_whatever_the_browser_says():
    with pytest.raises(InvalidInput) as refused:
        attachments.check_file(upload("statuto.pdf", b"<html><script>alert(1)</script>"))
    assert refused.value.field == "file"
    assert "Formato non accettato" in str(refused.value.message)


def test_an_image_named_pdf_is_refused_naming_what_it_is():
    with pytest.raises(InvalidInput) as refused:
        attachments.check_file(upload("statuto.pdf", PNG_BYTES))
    assert "è un file PNG" in str(refused.value.message)


def test_a_macro_enabled_document_is_refused():
    with pytest.raises(InvalidInput):
        attachments.check_file(upload("lettera.docx", DOCM_BYTES))


def test_a_plain_zip_is_refused():
    with pytest.raises(InvalidInput):
        attachments.check_file(upload("piano.xlsx", _zip({"a.txt": b"x"})))


def test_a_file_over_the_limit_is_refused(settings):
    settings.CARTA_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(InvalidInput) as refused:
        attachments.check_file(upload(data=PDF_BYTES + b"0" * 2000))
    assert "dimensione massima" in str(refused.value.message)


def test_an_empty_file_is_refused():
    with pytest.raises(InvalidInput):
        attachments.check_file(upload(data=b""))


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Documenti\\Bilancio 2026 (def).PDF", "Bilancio_2026_def.pdf"),
        (".htaccess.pdf", "htaccess.pdf"),
        ("..pdf", "allegato.pdf"),
        ("statuto\x00.pdf", "statuto.pdf"),
        ("x" * 300 + ".pdf", "x" * 96 + ".pdf"),
        ("statuto", "statuto.pdf"),
    ],
)
def test_names_are_sanitized(given, kept):
    assert attachments.sanitize_name(given, attachments.PDF) == kept


# --- Storing and serving --------------------------------------------------------------


def test_a_file_is_stored_under_a_random_name_and_audited(representative, attachment_storage):
    user, organization = representative
    attachment = attachments.add_attachment(
        actor=user, target=organization, purpose=Purpose.STATUTE, upload=upload("Statuto ETS.pdf")
    )
    assert attachment.original_name == "Statuto_ETS.pdf"
    assert attachment.mime_type == attachments.PDF
    assert attachment.uploaded_by == user
    assert len(attachment.sha256) == 64
    assert "Statuto" not in attachment.stored_name
    stored = attachment_storage / attachment.stored_name
    assert stored.read_bytes() == PDF_BYTES
    entry = AuditEntry.objects.get(verb="attachment.added")
    assert entry.changes["name"] == "Statuto_ETS.pdf"
    assert entry.changes["sha256"] == attachment.sha256


def test_a_purpose_the_model_does_not_take_is_refused(representative):
    user, organization = representative
    with pytest.raises(InvalidInput) as refused:
        attachments.add_attachment(
            actor=user, target=organization, purpose=Purpose.BUDGET, upload=upload()
        )
    assert refused.value.field == "purpose"
    assert not Attachment.objects.exists()


def test_only_representatives_add_to_an_organization(representative):
    _user, organization = representative
    member = MembershipFactory(organization=organization, role=Role.MEMBER).user
    with pytest.raises(NotAllowed):
        attachments.add_attachment(
            actor=member, target=organization, purpose=Purpose.STATUTE, upload=upload()
        )


def _statute(representative):
    user, organization = representative
    return attachments.add_attachment(
        actor=user, target=organization, purpose=Purpose.STATUTE, upload=upload()
    )


def test_staff_download_the_statute_with_safe_headers(client, representative):
    attachment = _statute(representative)
    client.force_login(UserFactory(username="moderatrice", groups=["moderators"]))
    response = client.get(reverse("attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="statuto.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("who", ["anonymous", "citizen", "member", "other_representative"])
def test_the_statute_is_not_found_for_anyone_else(client, representative, who):
    attachment = _statute(representative)
    _user, organization = representative
    people = {
        "citizen": lambda: UserFactory(username="cittadina"),
        "member": lambda: MembershipFactory(organization=organization, role=Role.MEMBER).user,
        "other_representative": lambda: MembershipFactory(role=Role.REPRESENTATIVE).user,
    }
    if who in people:
        client.force_login(people[who]())
    response = client.get(reverse("attachment_download", args=[attachment.pk]))
    assert response.status_code == 404


def test_the_representative_downloads_and_removes_the_statute(client, representative):
    attachment = _statute(representative)
    client.force_login(representative[0])
    url = reverse("attachment_download", args=[attachment.pk])
    assert client.get(url).status_code == 200
    response = client.post(reverse("attachment_remove", args=[attachment.pk]))
    assert response.status_code == 302
    attachment.refresh_from_db()
    assert attachment.removed_at is not None
    assert AuditEntry.objects.filter(verb="attachment.removed").count() == 1
    assert client.get(url).status_code == 404


def test_a_draft_proposals_files_are_hidden_until_it_is_published(client):
    membership = MembershipFactory(role=Role.REPRESENTATIVE)
    proposal = ProposalFactory(organization=membership.organization)
    attachment = attachments.add_attachment(
        actor=membership.user,
        target=proposal,
        purpose=Purpose.BUDGET,
        upload=upload("piano.xlsx", XLSX_BYTES),
    )
    url = reverse("attachment_download", args=[attachment.pk])
    assert client.get(url).status_code == 404
    proposal.state = ProposalState.PUBLISHED
    proposal.save(update_fields=["state"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == attachments.XLSX


def test_complaint_evidence_is_for_officers_only(client):
    sender = UserFactory(username="mittente")
    complaint = ComplaintFactory(submitted_by=sender)
    attachment = attachments.add_attachment(
        actor=sender,
        target=complaint,
        purpose=Purpose.EVIDENCE,
        upload=upload("foto.png", PNG_BYTES),
        on_creation=True,
    )
    entry = AuditEntry.objects.get(verb="attachment.added")
    assert entry.actor is None and entry.actor_label == "mittente"
    url = reverse("attachment_download", args=[attachment.pk])
    client.force_login(sender)
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(username="ufficio", groups=["complaint_officers"]))
    assert client.get(url).status_code == 200


def test_the_upload_form_shows_the_error_next_to_the_field(client, representative):
    user, organization = representative
    client.force_login(user)
    response = client.post(
        reverse("attachment_add", args=["stakeholders.organization", organization.pk]),
        {"purpose": "statute", "file": upload("statuto.pdf", b"not a pdf")},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["file"][0].startswith("Formato non accettato")
    assert not Attachment.objects.exists()


def test_uploads_are_rate_limited(client, representative, settings):
    settings.CARTA_ATTACHMENT_UPLOADS_PER_HOUR = 1
    user, organization = representative
    client.force_login(user)
    url = reverse("attachment_add", args=["stakeholders.organization", organization.pk])
    first = client.post(url, {"purpose": "statute", "file": upload()})
    assert first.status_code == 302
    second = client.post(url, {"purpose": "runts_certificate", "file": upload()})
    assert second.status_code == 429
    assert Attachment.objects.count() == 1


def test_adding_to_an_object_one_may_not_see_is_not_found(client, representative):
    _user, organization = representative
    client.force_login(UserFactory(username="cittadina"))
    response = client.post(
        reverse("attachment_add", args=["stakeholders.organization", organization.pk]),
        {"purpose": "statute", "file": upload()},
    )
    assert response.status_code == 404


def test_an_erased_accounts_files_stay_without_the_link(representative):
    attachment = _statute(representative)
    attachments.forget_uploader(sender=None, user=representative[0])
    attachment.refresh_from_db()
    assert attachment.uploaded_by is None
    assert storages["attachments"].exists(attachment.stored_name)


# --- The S3 setting -------------------------------------------------------------------


def _settings_storages(extra_env):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARTA_S3")}
    env.update(extra_env)
    code = (
        "import json, carta.settings as s; "
        "print(json.dumps(s.STORAGES['attachments'], default=str))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "PYTHONPATH": f"{ROOT}:{ROOT / 'platform'}"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_s3_setting_selects_django_storages_with_a_private_bucket():
    result = _settings_storages(
        {
            "CARTA_ATTACHMENTS_STORAGE": "s3",
            "CARTA_S3_BUCKET": "carta-allegati",
            "CARTA_S3_ENDPOINT_URL": "https://s3.example.org",
            "CARTA_S3_ACCESS_KEY_ID": "chiave",
            "CARTA_S3_SECRET_ACCESS_KEY": "segreto",
        }
    )
    assert result.returncode == 0, result.stderr
    storage = json.loads(result.stdout)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "carta-allegati"
    assert storage["OPTIONS"]["endpoint_url"] == "https://s3.example.org"
    assert storage["OPTIONS"]["default_acl"] == "private"
    assert storage["OPTIONS"]["file_overwrite"] is False
    assert storage["OPTIONS"]["location"] == "attachments"


def test_the_s3_setting_without_a_bucket_stops_start_up():
    result = _settings_storages({"CARTA_ATTACHMENTS_STORAGE": "s3"})
    assert result.returncode != 0
    assert "CARTA_S3_BUCKET" in result.stderr


def test_the_default_storage_is_a_folder_outside_the_static_files():
    result = _settings_storages({})
    storage = json.loads(result.stdout)
    assert storage["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert storage["OPTIONS"]["location"].endswith("attachments")
    assert "static" not in storage["OPTIONS"]["location"]


@pytest.fixture
def s3_storage(settings):
    """moto's S3 server on a free loopback port, a bucket, and the ``attachments``
    storage pointed at it as ``CARTA_ATTACHMENTS_STORAGE=s3`` would."""
    server_module = pytest.importorskip("moto.server")
    pytest.importorskip("storages.backends.s3")
    import boto3

    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{server._server.server_port}"
    keys = {"aws_access_key_id": "carta", "aws_secret_access_key": "carta-segreto"}
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **keys)
    client.create_bucket(Bucket="carta-allegati")
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "carta-allegati",
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "access_key": keys["aws_access_key_id"],
                "secret_key": keys["aws_secret_access_key"],
                "location": "attachments",
                "default_acl": "private",
                "file_overwrite": False,
            },
        },
    }
    yield client
    server.stop()


def test_on_s3_the_file_is_stored_private_and_served_by_the_view(
    client, representative, s3_storage
):
    attachment = _statute(representative)
    key = f"attachments/{attachment.stored_name}"
    stored = s3_storage.get_object(Bucket="carta-allegati", Key=key)
    assert stored["Body"].read() == PDF_BYTES
    grants = s3_storage.get_object_acl(Bucket="carta-allegati", Key=key)["Grants"]
    assert all("URI" not in grant["Grantee"] for grant in grants)  # no AllUsers grant
    client.force_login(UserFactory(username="moderatrice", groups=["moderators"]))
    response = client.get(reverse("attachment_download", args=[attachment.pk]))
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"] == 'attachment; filename="statuto.pdf"'


@pytest.mark.parametrize(
    ("size", "text"),
    [(840, "840 byte"), (12_800, "12,5 KB"), (2_411_725, "2,3 MB"), (10 * 1024**2, "10,0 MB")],
)
def test_sizes_are_written_the_italian_way(size, text):
    from carta.templatetags.carta_attachments import file_size

    assert file_size(size) == text
