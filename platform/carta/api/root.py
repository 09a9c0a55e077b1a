"""``GET /api/v1/``: the API's root, where a client starts: each resource with its address,
the schema and its documentation (the resources of ``carta.api.schema.RESOURCES``)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from carta.api.schema import API_PREFIX, RESOURCES


class ApiRootView(APIView):
    """The resources of the API and where each starts."""

    permission_classes = [AllowAny]

    # Left out of the schema, as drf-spectacular leaves DRF's own API root: the schema
    # itself is the full index.
    @extend_schema(exclude=True)
    def get(self, request):
        absolute = request.build_absolute_uri
        return Response(
            {
                "resources": {
                    name: absolute(API_PREFIX + path)
                    for name, (path, _text) in RESOURCES.items()
                    if path
                },
                "schema": absolute("/api/schema/"),
                "docs": absolute("/api/docs/"),
            }
        )
