"""API fuzzing: schemathesis generates requests for every operation of /api/schema/.

Run as an anonymous visitor and as a signed-in citizen (token authentication), bounded to
a few examples per operation so that the whole run stays short. Checks: no 5xx, every
status is one the operation documents (its error responses included, see
carta.api.schema), every response's body matches its schema (the error shape for errors),
and declared content types.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis import checks

pytestmark = pytest.mark.fuzz

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.response_schema_conformance,
    checks.content_type_conformance,
]


@pytest.fixture
def api_schema(db):
    # As Django's test client does: the request must not close the test's connection
    # (with PostgreSQL's pool, CONN_MAX_AGE is 0 and every request would close it).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


FUZZ_SETTINGS = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_as_anonymous_never_fails_and_matches_its_schema(case):
    response = case.call()
    case.validate_response(response, checks=CHECKS)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_as_citizen_never_fails_and_matches_its_schema(case, citizen):
    # A token per case: a case may revoke the one it was given. Deleted after the case:
    # the examples share one transaction, and knox's authentication looks at every token
    # of the person on each request, so thousands of left-over tokens made every request
    # slower than the one before.
    _instance, key = AuthToken.objects.create(user=citizen)
    try:
        response = case.call(headers={"Authorization": f"Token {key}"})
    finally:
        AuthToken.objects.filter(user=citizen).delete()
    case.validate_response(response, checks=CHECKS)
