"""The OpenAPI schema documents the one error shape on every operation, with the statuses
that apply to it (see carta.api.schema)."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

ERROR_REF = "#/components/schemas/Error"
WRITES = {"post", "put", "patch", "delete"}
# The paths of the apps, whose writes go through services that may raise Conflict.
APPS = tuple(
    f"/api/v1/{prefix}/"
    for prefix in (
        "organizations",
        "resources",
        "invitations",
        "proposals",
        "carta",
        "services",
        "consultations",
        "evaluations",
        "complaints",
        "commitment-measurements",
        "flags",
    )
)


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def _errors(operation) -> set[str]:
    return {code for code in operation["responses"] if code >= "400"}


def test_the_error_shape_is_one_component(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "detail", "status"]
    assert error["properties"]["status"]["type"] == "integer"
    assert error["properties"]["errors"] == {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
        "description": error["properties"]["errors"]["description"],
    }


def test_every_error_response_is_the_error_shape(schema):
    for path, method, operation in _operations(schema):
        for code in _errors(operation):
            response = operation["responses"][code]
            assert response["content"] == {"application/json": {"schema": {"$ref": ERROR_REF}}}, (
                method,
                path,
                code,
            )


def test_every_operation_may_be_throttled(schema):
    for path, method, operation in _operations(schema):
        too_many = operation["responses"].get("429")
        assert too_many is not None, (method, path)
        assert "Retry-After" in too_many["headers"], (method, path)


def test_statuses_follow_what_the_operation_takes(schema):
    for path, method, operation in _operations(schema):
        errors = _errors(operation)
        where = {parameter["in"] for parameter in operation.get("parameters", [])}
        if "requestBody" in operation or "query" in where:
            assert "400" in errors, (method, path)
        if "path" in where or "requestBody" in operation:
            assert "404" in errors, (method, path)
        if method in WRITES and path != "/api/v1/auth/token/":
            assert {"401", "403"} <= errors, (method, path)
        if method in WRITES and path.startswith(APPS):
            assert "409" in errors, (method, path)


def test_reads_document_refusals_only_where_they_happen(schema):
    paths = schema["paths"]
    # Public reads: an invalid token is a 401, nothing refuses a 403.
    assert _errors(paths["/api/v1/proposals/"]["get"]) == {"400", "401", "404", "429"}
    assert _errors(paths["/api/v1/proposals/{id}/"]["get"]) == {"401", "404", "429"}
    # The audit log is for staff; members are listed to members; the bulletin waits
    # for the closing.
    assert "403" in _errors(paths["/api/v1/audit/"]["get"])
    assert "403" in _errors(paths["/api/v1/organizations/{organization_pk}/members/"]["get"])
    assert "403" in _errors(paths["/api/v1/consultations/{id}/ballots/"]["get"])


def test_token_exchange_has_no_authentication_to_fail(schema):
    # No 401: it authenticates nobody. Its 403: a staff member who must have a second
    # factor and has none (carta.second_factor).
    token = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert _errors(token) == {"400", "403", "404", "429"}


def test_request_bodies_are_json_but_the_upload(schema):
    for path, method, operation in _operations(schema):
        if "requestBody" not in operation:
            continue
        # The uploads: the Carta's import, a file added to an object (carta.attachment_api).
        uploads = path == "/api/v1/carta/revisions/import/" or path.endswith(
            "/{object_id}/attachments/"
        )
        expected = ["multipart/form-data"] if uploads else ["application/json"]
        assert list(operation["requestBody"]["content"]) == expected, (method, path)


def test_operations_are_grouped_by_resource(schema):
    from carta.api.schema import RESOURCES

    tags = {tag for _path, _method, operation in _operations(schema) for tag in operation["tags"]}
    assert tags <= set(RESOURCES), tags - set(RESOURCES)
    assert {"organizations", "proposals", "carta/revisions", "consultations"} <= tags
    by_path = {path: operation["tags"] for path, _m, operation in _operations(schema)}
    assert by_path["/api/v1/carta/revisions/{revision_pk}/comments/"] == ["carta/revisions"]
    assert by_path["/api/v1/organizations/{organization_pk}/members/"] == ["organizations"]
    # The root describes each resource used, in the documentation's order.
    names = [tag["name"] for tag in schema["tags"]]
    assert names == [name for name in RESOURCES if name in tags]
    assert all(tag["description"] for tag in schema["tags"])


@pytest.mark.django_db
def test_the_api_root_lists_each_resource_where_it_starts(api, admin):
    root = api.get("/api/v1/")
    assert root.status_code == 200
    body = root.json()
    assert body["schema"] == "http://testserver/api/schema/"
    assert body["resources"]["organizations"] == "http://testserver/api/v1/organizations/"
    assert body["resources"]["carta/revisions"] == "http://testserver/api/v1/carta/revisions/"
    assert "invitations" not in body["resources"]
    api.force_authenticate(admin)
    for name, url in body["resources"].items():
        # The token exchange takes a POST; every other address answers a GET.
        assert api.get(url).status_code == (405 if name == "auth" else 200), name
