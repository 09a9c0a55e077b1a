"""Adding a file through the API: ``POST /api/v1/<collection>/<id>/attachments/`` in
``multipart/form-data`` (``purpose``, ``file``), on each registered model, with the same
checks as the pages (carta.attachments and the pages' AttachmentForm): real files sent
by the real API client, the stored rows and bytes read back."""

import hashlib
import struct
import zlib

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from knox.models import AuthToken
from rest_framework.test import APIClient

from carta import attachments
from carta.attachments import Attachment, Purpose
from carta.models import AuditEntry
from proposals.states import ProposalState
from stakeholders.models import OrganizationStatus, Role
from tests.factories import (
    ComplaintFactory,
    MembershipFactory,
    OrganizationFactory,
    ProposalFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("attachment_storage")]

# A small but complete PDF (one empty page, its cross-reference table and trailer).
PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n"
    b"0000000115 00000 n \ntrailer << /Size 4 /Root 1 0 R >>\nstartxref\n188\n%%EOF\n"
)


def _png() -> bytes:
    """A real 1x1 PNG (one white pixel), chunks and CRCs included."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


PNG = _png()
NOT_A_PDF = b"Gentile ufficio, allego la ricevuta.\n"


def upload(name="Piano economico 2026.pdf", data=PDF, content_type="application/pdf"):
    # What the client says the type is, is never read: the bytes decide.
    return SimpleUploadedFile(name, data, content_type=content_type)


def _stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def author():
    return MembershipFactory(user=UserFactory(username="autrice"), role=Role.REPRESENTATIVE)


@pytest.fixture
def draft(author):
    return ProposalFactory(organization=author.organization)


@pytest.fixture
def pending_organization():
    organization = OrganizationFactory(status=OrganizationStatus.PENDING)
    representative = MembershipFactory(
        user=UserFactory(username="legale_rappresentante"),
        organization=organization,
        role=Role.REPRESENTATIVE,
    ).user
    return organization, representative


def _url(collection, pk) -> str:
    return f"/api/v1/{collection}/{pk}/attachments/"


def _post(client, collection, pk, data):
    return client.post(_url(collection, pk), data, format="multipart")


def _targets(request, kind):
    """(collection, object, who may add, purpose) for each registered model."""
    if kind == "proposals":
        author = request.getfixturevalue("author")
        return "proposals", request.getfixturevalue("draft"), author.user, "budget"
    if kind == "organizations":
        organization, representative = request.getfixturevalue("pending_organization")
        return "organizations", organization, representative, "statute"
    complaint = ComplaintFactory(submitted_by=request.getfixturevalue("citizen"))
    return "complaints", complaint, request.getfixturevalue("complaint_officer"), "evidence"


@pytest.mark.parametrize("kind", ["proposals", "organizations", "complaints"])
def test_a_pdf_is_added_to_each_registered_model(request, kind, attachment_storage):
    collection, target, adder, purpose = _targets(request, kind)
    _instance, key = AuthToken.objects.create(user=adder)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = _post(client, collection, target.pk, {"purpose": purpose, "file": upload()})

    assert response.status_code == 201, response.content
    row = Attachment.objects.get()
    assert (row.content_type.model_class(), row.object_id) == (type(target), target.pk)
    assert (row.purpose, row.original_name, row.mime_type) == (
        purpose,
        "Piano_economico_2026.pdf",
        "application/pdf",
    )
    assert (row.size, row.sha256) == (len(PDF), hashlib.sha256(PDF).hexdigest())
    assert row.uploaded_by == adder
    assert row.stored_name.endswith(".pdf") and "Piano" not in row.stored_name
    with storages["attachments"].open(row.stored_name, "rb") as stored:
        assert stored.read() == PDF
    assert [path.read_bytes() for path in _stored_files(attachment_storage)] == [PDF]

    base = _url(collection, target.pk)
    assert response["Location"] == f"{base}{row.pk}/"
    body = response.json()
    assert body == {
        "id": row.pk,
        "purpose": purpose,
        "purpose_label": str(Purpose(purpose).label),
        "name": "Piano_economico_2026.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "sha256": row.sha256,
        "created_at": body["created_at"],
        "download_url": f"{base}{row.pk}/file/",
    }
    assert client.get(response["Location"]).json() == body
    assert b"".join(client.get(body["download_url"]).streaming_content) == PDF

    audit = AuditEntry.objects.get(verb="attachment.added")
    assert audit.actor == adder
    assert audit.changes["sha256"] == row.sha256
    assert audit.changes["name"] == "Piano_economico_2026.pdf"


def test_a_png_is_stored_as_a_png_whatever_the_client_says(api_as, author, draft):
    response = _post(
        api_as(author.user),
        "proposals",
        draft.pk,
        {
            "purpose": "letter_of_support",
            "file": upload("../../lettera\x07 sostegno.PNG", PNG, "application/pdf"),
        },
    )
    assert response.status_code == 201, response.content
    row = Attachment.objects.get()
    assert (row.purpose, row.mime_type, row.original_name) == (
        "letter_of_support",
        "image/png",
        "lettera_sostegno.png",
    )
    with attachments.open_file(row) as stored:
        assert stored.read() == PNG


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            PNG,
            "Il contenuto del file non corrisponde alla sua estensione: è un file PNG.",
            id="png-named-pdf",
        ),
        pytest.param(NOT_A_PDF, "Formato non accettato.", id="text-named-pdf"),
    ],
)
def test_a_file_renamed_pdf_is_refused_on_file(
    api_as, author, draft, attachment_storage, data, message
):
    response = _post(
        api_as(author.user), "proposals", draft.pk, {"purpose": "budget", "file": upload(data=data)}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == ["file"]
    assert body["errors"]["file"][0].startswith(message)
    assert not Attachment.objects.exists()
    assert _stored_files(attachment_storage) == []
    assert not AuditEntry.objects.filter(verb="attachment.added").exists()


def test_the_messages_follow_the_requests_language(api_as, author, draft):
    response = api_as(author.user).post(
        _url("proposals", draft.pk),
        {"purpose": "budget", "file": upload(data=NOT_A_PDF)},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["file"][0].startswith("Format not accepted.")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param({"purpose": "budget"}, "file", id="no-file"),
        pytest.param(
            {"purpose": "budget", "file": "testo, non un file"}, "file", id="file-as-text"
        ),
        pytest.param({"file": True}, "purpose", id="no-purpose"),
        pytest.param({"purpose": "evidence", "file": True}, "purpose", id="another-models-purpose"),
        pytest.param({"purpose": "bilancio", "file": True}, "purpose", id="unknown-purpose"),
    ],
)
def test_a_missing_file_or_a_wrong_purpose_is_a_400_naming_it(api_as, author, draft, data, field):
    if data.get("file") is True:  # a good file, so that only the purpose is at fault
        data = {**data, "file": upload()}
    response = _post(api_as(author.user), "proposals", draft.pk, data)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == [field]
    assert errors[field][0]  # a message, in the request's language
    assert not Attachment.objects.exists()


def test_a_json_body_is_a_400_naming_the_fields(api_as, author, draft):
    response = api_as(author.user).post(
        _url("proposals", draft.pk), {"purpose": "budget", "file": "JVBERi0xLjQ="}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"file"}
    assert not Attachment.objects.exists()


def test_a_file_too_big_is_refused(api_as, author, draft, settings):
    settings.CARTA_ATTACHMENT_MAX_BYTES = len(PDF) - 1
    response = _post(
        api_as(author.user), "proposals", draft.pk, {"purpose": "budget", "file": upload()}
    )
    assert response.status_code == 400
    assert response.json()["errors"]["file"] == ["Il file supera la dimensione massima di 0,0 MB."]
    assert not Attachment.objects.exists()


def test_an_empty_file_is_refused(api_as, author, draft):
    response = _post(
        api_as(author.user), "proposals", draft.pk, {"purpose": "budget", "file": upload(data=b"")}
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["file"]


def test_no_more_files_than_the_model_takes(api_as, citizen, complaint_officer):
    complaint = ComplaintFactory(submitted_by=citizen)
    for number in range(5):
        attachments.add_attachment(
            actor=citizen,
            target=complaint,
            purpose=Purpose.EVIDENCE,
            upload=upload(f"foto{number}.png", PNG),
            on_creation=True,
        )
    response = _post(
        api_as(complaint_officer),
        "complaints",
        complaint.pk,
        {"purpose": "evidence", "file": upload("sesta.pdf")},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"file": ["Si possono allegare al massimo 5 file."]}
    assert Attachment.objects.count() == 5


def test_who_may_not_see_the_object_gets_a_404(api, api_as, draft, citizen):
    complaint = ComplaintFactory(submitted_by=citizen)
    organization = OrganizationFactory(status=OrganizationStatus.PENDING)
    member = MembershipFactory(organization=organization, role=Role.MEMBER).user
    cases = [
        (api, "proposals", draft.pk),  # a draft, signed out
        (api_as(UserFactory(username="curiosa")), "proposals", draft.pk),
        (api, "complaints", complaint.pk),
        (api_as(citizen), "complaints", complaint.pk),  # its own sender does not see it
        (api_as(member), "organizations", organization.pk),  # not a representative
        (api_as(citizen), "proposals", 987654),
    ]
    for client, collection, pk in cases:
        response = _post(client, collection, pk, {"purpose": "budget", "file": upload()})
        assert response.status_code == 404, (collection, pk)
        assert response.json()["code"] == "not_found"
    assert not Attachment.objects.exists()


def test_without_the_right_it_is_a_403_or_a_401_signed_out(
    api, api_as, author, draft, pending_organization, moderator
):
    draft.state = ProposalState.PUBLISHED
    draft.save(update_fields=["state"])
    organization, _representative = pending_organization
    signed_out = _post(api, "proposals", draft.pk, {"purpose": "budget", "file": upload()})
    assert signed_out.status_code == 401
    assert signed_out["WWW-Authenticate"] == "Token"
    # A published proposal is no longer with its authors; another person never was.
    for client, collection, pk, purpose in (
        (api_as(author.user), "proposals", draft.pk, "budget"),
        (api_as(UserFactory(username="altro")), "proposals", draft.pk, "budget"),
        (api_as(moderator), "organizations", organization.pk, "statute"),
    ):
        response = _post(client, collection, pk, {"purpose": purpose, "file": upload()})
        assert response.status_code == 403, (collection, pk)
        assert response.json()["code"] == "permission_denied"
    assert not Attachment.objects.exists()


def test_uploads_share_the_pages_hourly_limit(api_as, author, draft, client, settings):
    settings.CARTA_ATTACHMENT_UPLOADS_PER_HOUR = 2
    api = api_as(author.user)
    assert (
        _post(api, "proposals", draft.pk, {"purpose": "budget", "file": upload()}).status_code
        == 201
    )
    # A refused file counts too, as on the page: reading and checking it cost the same.
    refused = _post(api, "proposals", draft.pk, {"purpose": "budget", "file": upload(data=PNG)})
    assert refused.status_code == 400
    client.force_login(author.user)
    page = client.post(
        reverse("attachment_add", args=["proposals.proposal", draft.pk]),
        {"purpose": "other", "file": upload("altro.pdf")},
    )
    assert page.status_code == 429
    assert (
        page.context["form"]
        .non_field_errors()[0]
        .startswith(
            "Hai inviato troppi file nell'ultima ora: se ne possono inviare al massimo 2 l'ora."
        )
    )
    limited = _post(api, "proposals", draft.pk, {"purpose": "budget", "file": upload()})
    assert limited.status_code == 429
    assert limited.json()["code"] == "throttled"
    assert 0 < int(limited["Retry-After"]) <= 3600
    assert Attachment.objects.count() == 1


def test_the_schema_documents_a_multipart_body_with_a_binary_file():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for collection in ("organizations", "proposals", "complaints"):
        operation = schema["paths"][f"/api/v1/{collection}/{{object_id}}/attachments/"]["post"]
        body = operation["requestBody"]
        assert list(body["content"]) == ["multipart/form-data"]
        assert body["required"] is True
        assert set(operation["responses"]) == {"201", "400", "401", "403", "404", "409", "429"}
    component = schema["components"]["schemas"]["AttachmentUploadRequest"]
    assert component["properties"]["file"] == {
        "type": "string",
        "format": "binary",
        "description": component["properties"]["file"]["description"],
    }
    assert set(component["required"]) == {"purpose", "file"}
