"""API of attachments, under each object's own resource
(``/api/v1/<collection>/<id>/attachments/``, for the models registered with an
``api_name``): the files of an object, adding one (``multipart/form-data``: ``purpose``,
``file``), a file's details, its download and its removal. The same checks as the pages
(``carta.attachments``, and the pages' own form, ``AttachmentForm``): 404 for an object
or a file the caller may not see, 403 (401 signed out) to add or remove without the
right, 400 naming ``file`` or ``purpose``, the same hourly limit on uploads."""

from __future__ import annotations

from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from carta import attachments
from carta.api.errors import require_signed_in
from carta.api.parsers import SafeJSONParser
from carta.api.schema import ErrorSerializer
from carta.attachment_forms import AttachmentForm
from carta.attachment_views import file_response
from carta.errors import NotAllowed, NotFound


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    purpose = serializers.CharField()
    purpose_label = serializers.CharField(source="get_purpose_display")
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField(source="mime_type")
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    created_at = serializers.DateTimeField()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, attachment) -> str:
        return reverse(
            f"api-{self.context['api_name']}-attachment-file",
            args=[attachment.object_id, attachment.pk],
        )


# The upload's body, as the schema documents it (a comment, not a docstring: the schema
# would show it). The request itself is checked by the pages' ``AttachmentForm``: the
# same messages, the same checks of the file.
class AttachmentUploadSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(
        choices=attachments.Purpose.choices,
        help_text="Il tipo di documento, tra quelli che l'oggetto accetta: organizzazioni "
        "statute, runts_certificate, other; proposte budget, letter_of_support, other; "
        "reclami evidence.",
    )
    file = serializers.FileField(
        help_text="Il file: PDF, PNG, JPEG, ODT, ODS, DOCX o XLSX, riconosciuto dal "
        "contenuto e concorde con l'estensione del nome; al massimo "
        "CARTA_ATTACHMENT_MAX_BYTES (10 MB)."
    )


class _AttachmentView(APIView):
    permission_classes = [permissions.AllowAny]
    kind = ""
    api_name = ""

    def target(self, request, object_id):
        return attachments.get_target_for(request.user, self.kind, object_id)

    def attachment(self, request, object_id, pk):
        attachment = attachments.get_attachment_for(request.user, pk)
        if attachment.target._meta.label_lower != self.kind or attachment.object_id != object_id:
            raise NotFound()
        return attachment

    def serialize(self, value, **kwargs):
        return AttachmentSerializer(value, context={"api_name": self.api_name}, **kwargs).data


class AttachmentListView(_AttachmentView):
    # JSON first, as everywhere (a JSON body to the upload is a 400 on ``file``).
    parser_classes = [SafeJSONParser, MultiPartParser, FormParser]

    @extend_schema(
        summary="I documenti allegati",
        responses={200: AttachmentSerializer(many=True), 404: ErrorSerializer},
    )
    def get(self, request, object_id):
        files = attachments.attachments_of(self.target(request, object_id))
        return Response(self.serialize(files, many=True))

    @extend_schema(
        summary="Allega un documento",
        description="Un file in ``multipart/form-data`` (campi ``purpose`` e ``file``), con "
        "gli stessi controlli delle pagine: chi può aggiungere documenti all'oggetto, "
        "quanti ne accetta, dimensione e formato (riconosciuto dal contenuto), nome "
        "ripulito; al massimo CARTA_ATTACHMENT_UPLOADS_PER_HOUR file l'ora per persona. "
        "Un errore sul file o sul tipo di documento è un 400 che nomina ``file`` o "
        "``purpose``. Risponde 201 con il documento e ``Location``.",
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer},
    )
    def post(self, request, object_id):
        # As the page: 404 for what the caller may not see, then 401/403, then the form.
        target = self.target(request, object_id)
        require_signed_in(request)
        registration = attachments.registration_of(target)
        if not registration.can_add(request.user, target):
            raise NotAllowed()
        # A JSON body carries no file: its ``purpose`` is still read, ``file`` is missing.
        data = request.data if isinstance(request.data, dict) else {}
        form = AttachmentForm(data, request.FILES, purposes=registration.purposes)
        attachment = attachments.add_upload(request, target=target, form=form)
        if attachment is None:
            raise serializers.ValidationError(
                {field: list(messages) for field, messages in form.errors.items()}
            )
        response = Response(self.serialize(attachment), status=status.HTTP_201_CREATED)
        response["Location"] = reverse(
            f"api-{self.api_name}-attachment", args=[object_id, attachment.pk]
        )
        return response


class AttachmentDetailView(_AttachmentView):
    @extend_schema(
        summary="I dati di un documento allegato",
        responses={200: AttachmentSerializer, 404: ErrorSerializer},
    )
    def get(self, request, object_id, pk):
        return Response(self.serialize(self.attachment(request, object_id, pk)))

    @extend_schema(summary="Rimuovi un documento allegato", responses={204: None})
    def delete(self, request, object_id, pk):
        attachment = self.attachment(request, object_id, pk)
        require_signed_in(request)
        attachments.remove_attachment(actor=request.user, attachment=attachment)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AttachmentFileView(_AttachmentView):
    @extend_schema(
        summary="Scarica un documento allegato",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: ErrorSerializer},
    )
    def get(self, request, object_id, pk):
        return file_response(self.attachment(request, object_id, pk))


def _patterns():
    patterns = []
    for registration in attachments.registrations():
        name = registration.api_name
        if not name:
            continue
        bound = {"kind": registration.model._meta.label_lower, "api_name": name}
        prefix = f"{name}/<int:object_id>/attachments/"
        patterns += [
            path(
                prefix,
                AttachmentListView.as_view(**bound),
                name=f"api-{name}-attachments",
            ),
            path(
                f"{prefix}<int:pk>/",
                AttachmentDetailView.as_view(**bound),
                name=f"api-{name}-attachment",
            ),
            path(
                f"{prefix}<int:pk>/file/",
                AttachmentFileView.as_view(**bound),
                name=f"api-{name}-attachment-file",
            ),
        ]
    return patterns


# Read when the root URLs are loaded, after every app registered its models.
urlpatterns = _patterns()
