"""One JSON error shape for the whole API.

Every error answers::

    {"status": 400, "code": "invalid", "detail": "<translated message>",
     "errors": {"<field>": ["<translated message>", ...]}}

``errors`` is present only when particular fields are at fault; errors that concern the
request as a whole go under ``non_field_errors``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from carta.errors import CartaError, NotAllowed, RateLimited
from carta.permissions import is_signed_in


def error_body(status_code: int, code: str, detail, errors: dict | None = None) -> dict:
    body = {"status": status_code, "code": code, "detail": str(detail)}
    if errors:
        body["errors"] = errors
    return body


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub, messages in _flatten(value).items():
                    out[f"{key}.{sub}"] = messages
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                for index, item in enumerate(value):
                    for sub, messages in _flatten(item).items():
                        out[f"{key}.{index}.{sub}"] = messages
            else:
                items = value if isinstance(value, list) else [value]
                out[key] = [str(item) for item in items]
        return out
    items = detail if isinstance(detail, list) else [detail]
    return {"non_field_errors": [str(item) for item in items]}


def _signed_in(context) -> bool:
    request = context.get("request")
    return request is None or is_signed_in(getattr(request, "user", None))


def exception_handler(exc, context):
    """The one error shape. A refusal to a caller who is not signed in answers 401 with
    ``WWW-Authenticate`` (signing in is what would help; what is hidden was already a
    404), the same way in every app."""
    if isinstance(exc, NotAllowed) and exc.sign_in_helps and not _signed_in(context):
        exc = exceptions.NotAuthenticated(exc.message)
    if isinstance(exc, CartaError):
        errors = {exc.field: [str(exc.message)]} if exc.field else None
        response = Response(error_body(exc.status, exc.code, exc.message, errors), exc.status)
        if isinstance(exc, RateLimited):
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, OverflowError):
        # A number in a body that no column holds (SQLite's driver refuses it): the
        # serializers bound their ids, this is the net for any that does not.
        exc = exceptions.ValidationError(_("Il numero indicato è fuori dall'intervallo ammesso."))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    view = context.get("view")
    if isinstance(exc, exceptions.NotAuthenticated) and view is not None:
        header = view.get_authenticate_header(context["request"])
        if header:
            response["WWW-Authenticate"] = header
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(
            response.status_code,
            "invalid",
            _("I dati inviati non sono validi."),
            _flatten(exc.detail),
        )
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        if not isinstance(code, str):
            code = "error"
        response.data = error_body(response.status_code, code, detail)
    return response


def json_error_response(
    status_code: int, code: str, detail, errors: dict | None = None
) -> JsonResponse:
    return JsonResponse(error_body(status_code, code, detail, errors), status=status_code)


def api_bad_request(request, exception=None):
    return json_error_response(
        status.HTTP_400_BAD_REQUEST, "invalid", _("La richiesta non è valida.")
    )


def api_not_found(request, exception=None):
    return json_error_response(status.HTTP_404_NOT_FOUND, "not_found", _("Non trovato."))


def api_server_error(request):
    return json_error_response(
        status.HTTP_500_INTERNAL_SERVER_ERROR, "server_error", _("Errore interno del server.")
    )


def require_signed_in(request) -> None:
    """A write that needs a signed-in caller: 401 for an anonymous one, before its input is
    read (so that a bad body does not answer 400 first). Views that fetch an object call
    it after the fetch, so that a hidden object stays a 404."""
    if not is_signed_in(request.user):
        raise exceptions.NotAuthenticated()
