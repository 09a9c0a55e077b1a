"""The OpenAPI schema's operations, as drf-spectacular describes them for Carta."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema


class CartaAutoSchema(AutoSchema):
    """drf-spectacular's schema for every API view of the platform."""
