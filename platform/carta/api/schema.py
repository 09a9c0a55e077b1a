"""The OpenAPI schema's operations, as drf-spectacular describes them for Carta.

Besides its success response, every operation documents the error responses that apply to
it, all in the one error shape of ``carta.api.errors`` (the ``Error`` component):

- 400 where the operation takes a request body or query parameters (invalid data, JSON
  nested too deeply, NUL characters, integers no column can hold);
- 401 wherever the view authenticates: an invalid token is refused before anything else,
  and a refusal to a caller not signed in is a 401 too;
- 403 on every write of a view that authenticates (the services' refusals, and the CSRF
  check of session authentication), and on the reads that refuse: the view's own
  permission classes, or the reads listed in ``READS_THAT_REFUSE``;
- 404 for operations on an object (path parameters), for paginated lists (a page past
  the end) and for request bodies, which may name an object that does not exist or that the
  caller may not see;
- 409 on every write, except those of ``WRITES_WITHOUT_CONFLICT``: the services behind the
  writes raise ``carta.errors.Conflict`` when the object's state does not allow the change;
- 429 everywhere: the anonymous and user throttles apply to every view, and the token
  exchange counts its own attempts (``carta.ratelimit``).
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from rest_framework import permissions, serializers

# Reads that refuse a signed-in caller through a selector rather than a permission class.
READS_THAT_REFUSE = frozenset(
    {
        "v1_organizations_members_list",  # stakeholders.permissions.can_view_members
        "v1_consultations_ballots_retrieve",  # the bulletin waits for the closing
    }
)
# Writes of the platform core that no state of an object can refuse.
WRITES_WITHOUT_CONFLICT = frozenset(
    {
        "v1_auth_token_create",
        "v1_auth_register_create",
        "v1_auth_me_partial_update",
        "v1_notifications_read_create",
    }
)
# Permission classes that refuse nobody who is signed in.
OPEN_TO_SIGNED_IN = (
    permissions.AllowAny,
    permissions.IsAuthenticated,
    permissions.IsAuthenticatedOrReadOnly,
)

ERROR_DESCRIPTIONS = {
    "400": "Dati o parametri non validi; ``errors`` indica i campi.",
    "401": "Autenticazione assente o non valida (intestazione ``WWW-Authenticate``).",
    "403": "Operazione non consentita a chi la chiede.",
    "404": "Oggetto inesistente o non visibile a chi lo chiede.",
    "409": "Lo stato attuale dell'oggetto non consente l'operazione.",
    "429": "Troppe richieste; ``Retry-After`` indica i secondi da attendere.",
}
HEADERS = {
    "401": {
        "WWW-Authenticate": {
            "schema": {"type": "string"},
            "description": "Lo schema di autenticazione da usare (``Token``).",
        }
    },
    "429": {
        "Retry-After": {
            "schema": {"type": "integer"},
            "description": "Secondi da attendere prima di riprovare.",
        }
    },
}


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API (``carta.api.errors.error_body``)."""

    status = serializers.IntegerField(help_text="Il codice di stato HTTP della risposta.")
    code = serializers.CharField(help_text="Un codice stabile dell'errore (es. ``not_found``).")
    detail = serializers.CharField(help_text="Il messaggio, nella lingua della richiesta.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="I messaggi per campo (``non_field_errors`` per la richiesta intera); "
        "presente solo quando ci sono campi in errore.",
    )


# The API's resources, in the order of the documentation: where each starts (its list, or
# its first page; "" when it has none to browse, as the invitations, reached by their code)
# and what it holds. Every operation is grouped under the resource its path starts with
# (``tag_of``); the API's root lists them (``carta.api.root``).
RESOURCES = {
    "organizations": ("organizations/", "Organizzazioni della rete, i loro membri e i ruoli."),
    "invitations": ("", "Inviti a far parte di un'organizzazione (per codice d'invito)."),
    "resources": ("resources/", "Risorse messe a disposizione dalle organizzazioni."),
    "services": ("services/", "I servizi della Carta in vigore."),
    "proposals": (
        "proposals/",
        "Proposte progettuali, i loro passaggi di stato, commenti e adesioni.",
    ),
    "carta/revisions": (
        "carta/revisions/",
        "Revisioni della Carta: sezioni, confronto, commenti e proposte di modifica, "
        "consultazione e adozione.",
    ),
    "consultations": ("consultations/", "Consultazioni: schede, risultati, ricevute e bollettino."),
    "evaluations": ("evaluations/", "Valutazioni di soddisfazione dei servizi."),
    "complaints": ("complaints/", "Reclami, con i termini di risposta."),
    "commitment-measurements": (
        "commitment-measurements/",
        "Misurazioni degli impegni di qualità.",
    ),
    "improvement-actions": (
        "improvement-actions/",
        "Azioni di miglioramento sugli impegni non rispettati.",
    ),
    "dashboard": ("dashboard/", "Il cruscotto degli impegni."),
    "flags": ("flags/", "Segnalazioni di contenuti alla moderazione."),
    "moderation-log": ("moderation-log/", "Il registro pubblico della moderazione."),
    "notifications": ("notifications/", "Le proprie notifiche e le preferenze di notifica."),
    "audit": ("audit/", "Il registro delle operazioni (personale)."),
    "auth": ("auth/token/", "Token di accesso, registrazione e il proprio profilo."),
    "me": ("me/data/", "I propri dati (GDPR)."),
    "ambito": ("ambito/", "L'Ambito che gestisce la piattaforma."),
}
API_PREFIX = "/api/v1/"


def tag_of(path: str) -> str:
    """The resource an API path belongs to: ``carta/revisions`` for the Carta's paths,
    otherwise the first part after ``/api/v1/``."""
    rest = path.removeprefix(API_PREFIX)
    first = rest.split("/", 1)[0]
    if first == "carta":
        return "carta/revisions"
    return first


def schema_tags() -> list[dict]:
    """The ``tags`` of the schema's root: each resource with its description."""
    return [{"name": name, "description": text} for name, (_path, text) in RESOURCES.items()]


def add_resource_tags(result, generator, request, public):
    """Postprocessing hook: the resources' descriptions, in order, at the schema's root."""
    used = {
        tag
        for item in result.get("paths", {}).values()
        for op in item.values()
        if isinstance(op, dict)
        for tag in op.get("tags", ())
    }
    result["tags"] = [tag for tag in schema_tags() if tag["name"] in used]
    return result


class CartaAutoSchema(AutoSchema):
    """drf-spectacular's schema for every API view of the platform, with the error
    responses of each operation (see the module's docstring for the rules), grouped by
    resource (``tag_of``)."""

    def get_tags(self) -> list[str]:
        # ``extend_schema(tags=...)`` on a view still wins over this.
        return [tag_of(self.path)]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_statuses():
            responses.setdefault(code, self._error_response(code, direction))
        return responses

    def _error_response(self, code: str, direction) -> dict:
        response = self._get_response_for_code(
            ErrorSerializer, code, media_types=["application/json"], direction=direction
        )
        response["description"] = ERROR_DESCRIPTIONS[code]
        if code in HEADERS:
            response["headers"] = HEADERS[code]
        return response

    def _error_statuses(self) -> list[str]:
        operation_id = self.get_operation_id()
        write = self.method not in permissions.SAFE_METHODS
        authenticates = bool(self.view.get_authenticators())
        where = {parameter["in"] for parameter in self._get_parameters()}
        body = bool(self._get_request_body())
        paginated = self._is_list_view() and self._get_paginator() is not None
        refuses = authenticates and (
            write
            or operation_id in READS_THAT_REFUSE
            or any(
                not isinstance(permission, OPEN_TO_SIGNED_IN)
                for permission in self.view.get_permissions()
            )
        )
        applies = {
            "400": body or "query" in where,
            "401": authenticates,
            "403": refuses,
            "404": body or paginated or "path" in where,
            "409": write and operation_id not in WRITES_WITHOUT_CONFLICT,
            "429": True,
        }
        return [code for code, holds in applies.items() if holds]
