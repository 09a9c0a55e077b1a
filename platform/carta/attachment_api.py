"""API of attachments, under each object's own resource
(``/api/v1/<collection>/<id>/attachments/``, for the models registered with an
``api_name``): the files of an object, a file's details, its download and its removal.
The same checks as the pages (``carta.attachments``): 404 for an object or a file the
caller may not see, 403 (401 signed out) to remove without the right.

Files are added from the pages for now: the API's request bodies are JSON, and a
multipart upload here waits for the API's rule on request bodies (docs/attachments.md)."""

from __future__ import annotations

from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from carta import attachments
from carta.api.errors import require_signed_in
from carta.api.schema import ErrorSerializer
from carta.attachment_views import file_response
from carta.errors import NotFound


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
    @extend_schema(
        summary="I documenti allegati",
        responses={200: AttachmentSerializer(many=True), 404: ErrorSerializer},
    )
    def get(self, request, object_id):
        files = attachments.attachments_of(self.target(request, object_id))
        return Response(self.serialize(files, many=True))


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
