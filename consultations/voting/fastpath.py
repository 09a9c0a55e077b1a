"""The fast path of the one request that comes in bursts: a citizen's ballot through the API.

``POST /api/v1/consultations/{id}/ballots/`` with an API token is what a consultation's
last hour looks like, and through Django's ASGI handler (a thread per request, thirteen
middleware, DRF's dispatch) it cost about 3 ms of CPU before any work: on two cores that
alone caps the server near 300 requests a second. This ASGI layer, in front of Django,
answers that request on the event loop with an async connection from a pool of its own.

It runs the same code as the API view for everything that decides the answer: the vote
limit (``services.count_vote_attempt``), the right to vote (``permissions.check_may_vote``),
the window, the answers (``services.prepare_ballot``, which also compiles the very
INSERTs that ``cast_ballot`` runs) and the response body (``api._receipt_body``), with
Django's error shape, language and security headers. What it leaves to Django, by
passing the request on untouched: anything but a citizen's ballot as JSON with an
``Authorization: Token`` header and no session cookie, an unknown or inactive token (401),
an unknown consultation (404), a body that is not an object with ``answers`` (400), a
host Django would refuse, and plain HTTP where the production profile redirects.

Active on PostgreSQL unless ``CARTA_BALLOT_FAST_PATH=false``; on SQLite every request goes
through Django.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from types import SimpleNamespace

from django.conf import settings
from django.db import connection, connections
from django.http.request import split_domain_port, validate_host
from django.utils import translation

from carta.errors import CartaError, RateLimited

logger = logging.getLogger(__name__)

PATH = re.compile(r"^/api/v1/consultations/(\d+)/ballots/$")


class BallotFastPath:
    """ASGI middleware: citizens' token ballots here, every other request to ``app``."""

    def __init__(self, app):
        self.app = app
        self.pool = None
        self._pool_lock = asyncio.Lock()

    @staticmethod
    def enabled() -> bool:
        return (
            getattr(settings, "CARTA_BALLOT_FAST_PATH", True)
            and connections["default"].vendor == "postgresql"
        )

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST":
            return await self.app(scope, receive, send)
        match = PATH.match(scope["path"])
        token = _token(scope) if match else None
        if token is None or not self.enabled():
            return await self.app(scope, receive, send)
        body, complete = await _read_body(receive)
        if not complete:  # too large, or the client went away: Django knows what to say
            return await self.app(scope, _replay(body, receive), send)
        try:
            answer = await self._cast(scope, int(match[1]), token, body)
        except Exception as error:  # noqa: BLE001 - classified below
            answer = _database_unavailable(scope) if _is_database_error(error) else None
            if answer is None:
                raise
        if answer is None:
            return await self.app(scope, _replay(body, receive), send)
        status, payload, extra = answer
        await _respond(send, scope, status, payload, extra)

    async def _connection_pool(self):
        if self.pool is None:
            async with self._pool_lock:
                if self.pool is None:
                    self.pool = await _open_pool()
        return self.pool

    async def _cast(self, scope, consultation_id: int, token: str, body: bytes):
        """``(status, body, headers)``, or ``None`` to pass the request on to Django."""
        try:  # as strict as DRF's parser, which refuses NaN and Infinity
            data = json.loads(body, parse_constant=_refuse_constant)
        except ValueError:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
            return None
        if data.get("organization") not in (None, ""):
            return None
        pool = await self._connection_pool()
        async with pool.connection() as conn:
            voter, consultation = await _voter_and_consultation(conn, token, consultation_id)
            if voter is None or consultation is None:
                return None
            # As Django: a token's user is known only inside the view, after the language
            # middleware has chosen from the cookie and Accept-Language.
            language = _language(scope)
            with translation.override(language):
                try:
                    writes = await _prepare(voter, consultation, data["answers"])
                    result = writes.stored(await _write(conn, writes.statements))
                except CartaError as error:
                    return _error(error, language)
        from consultations.voting import live
        from consultations.voting.api import _receipt_body

        live.tally_changed_soon(consultation.pk)
        body = _receipt_body(consultation, result, None, result.record.answers)
        return 201, body, {"Content-Language": language}


def _refuse_constant(name):
    raise ValueError(name)


async def _write(conn, statements) -> int | None:
    """Run a ballot's statements (``services.BallotWrites``) in one transaction: the
    register row's id, or ``None`` when the voter had voted already. On PostgreSQL the
    writes are one statement, atomic by itself: one round trip."""
    if len(statements) == 1:
        row = await (await conn.execute(*statements[0])).fetchone()
        return row[0] if row else None
    async with conn.transaction():
        register, *rest = statements
        row = await (await conn.execute(*register)).fetchone()
        if row is None:
            return None
        for statement in rest:
            await conn.execute(*statement)
        return row[0]


async def _prepare(voter, consultation, answers):
    """``services.prepare_ballot`` with the vote limit first, as the API view counts it."""
    from asgiref.sync import sync_to_async

    from consultations.voting import selectors, services

    questions = selectors.frozen_questions(consultation)
    if questions is None:  # first ballot of this consultation in this process
        questions = await sync_to_async(_load_questions, thread_sensitive=False)(consultation)
    services.count_vote_attempt(voter.pk)  # one Redis round trip, fails open
    return services.prepare_ballot(
        actor=voter, consultation=consultation, answers=answers, questions=questions
    )


def _load_questions(consultation):
    from consultations.voting import selectors

    try:
        return selectors.ballot_questions(consultation)
    finally:
        connection.close()


# --- Database ---------------------------------------------------------------------------


async def _open_pool():
    from psycopg_pool import AsyncConnectionPool

    database = connections["default"].settings_dict
    options = {
        key: value
        for key, value in database.get("OPTIONS", {}).items()
        if key not in {"pool", "server_side_binding", "isolation_level", "assume_role"}
    }
    kwargs = {
        "dbname": database["NAME"],
        "user": database["USER"] or None,
        "password": database["PASSWORD"] or None,
        "host": database["HOST"] or None,
        "port": database["PORT"] or None,
        "autocommit": True,
        **options,
    }
    sizes = database.get("OPTIONS", {}).get("pool", {})
    pool = AsyncConnectionPool(
        kwargs={k: v for k, v in kwargs.items() if v is not None},
        # A few connections carry a worker's ballots: each holds one only for its two
        # statements (the reads, the writes), and fewer backends contend less in PostgreSQL.
        min_size=1,
        max_size=4,
        # While PostgreSQL is away, a ballot waits this long for a connection before its
        # 503; under load a healthy pool hands one over within milliseconds.
        timeout=min(float(sizes.get("timeout", 10)), 3.0),
        open=False,
    )
    await pool.open()
    return pool


_READ_SQL: list[str] = []


def _read_sql() -> str:
    """The consultation with the token's user (as DRF's ``TokenAuthentication`` reads
    it), in one statement: no row when the consultation does not exist."""
    if not _READ_SQL:
        from django.contrib.auth import get_user_model
        from rest_framework.authtoken.models import Token

        from consultations.voting.models import Consultation

        users, tokens = get_user_model()._meta.db_table, Token._meta.db_table
        columns = ", ".join(f'c."{f.column}"' for f in Consultation._meta.concrete_fields)
        _READ_SQL.append(
            f'SELECT u."id", u."is_active", {columns} '  # noqa: S608
            f'FROM "{Consultation._meta.db_table}" c LEFT JOIN ("{tokens}" t '
            f'JOIN "{users}" u ON u."id" = t."user_id") ON t."key" = %s WHERE c."id" = %s'
        )
    return _READ_SQL[0]


async def _voter_and_consultation(conn, token: str, consultation_id: int):
    """``(user, consultation)``; the user is ``None`` if unknown or inactive, both are
    ``None`` if the consultation does not exist."""
    from django.contrib.auth import get_user_model

    from consultations.voting.models import Consultation

    row = await (await conn.execute(_read_sql(), [token, consultation_id])).fetchone()
    if row is None:
        return None, None
    voter = None
    if row[0] is not None and row[1]:
        voter = get_user_model()(pk=row[0], is_active=row[1])
    fields = [f.attname for f in Consultation._meta.concrete_fields]
    return voter, Consultation.from_db("default", fields, row[2:])


def _is_database_error(error: Exception) -> bool:
    import psycopg
    import psycopg_pool

    return isinstance(error, psycopg.OperationalError | psycopg_pool.PoolTimeout)


# --- HTTP ---------------------------------------------------------------------------------


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _token(scope) -> str | None:
    """The key of ``Authorization: Token <key>`` on a JSON request Django would accept
    from this host, without a session cookie (where DRF would try the session first)."""
    parts = (_header(scope, b"authorization") or "").split()
    if len(parts) != 2 or parts[0].lower() != "token":
        return None
    content_type = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/json" or not _header(scope, b"content-length"):
        return None  # without a length Django reads no body
    if settings.SESSION_COOKIE_NAME in (_header(scope, b"cookie") or ""):
        return None
    if getattr(settings, "SECURE_SSL_REDIRECT", False) and scope.get("scheme") != "https":
        return None
    host, _port = split_domain_port(_header(scope, b"host") or "")
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:  # as Django's HttpRequest.get_host
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    if not host or not validate_host(host, allowed):
        return None
    return parts[1]


async def _read_body(receive) -> tuple[bytes, bool]:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return b"".join(chunks), False
        if not message.get("more_body"):
            return b"".join(chunks), True


def _replay(body: bytes, receive):
    """A ``receive`` that hands Django the body already read, then the rest."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def replay():
        return pending.pop() if pending else await receive()

    return replay


def _language(scope) -> str:
    """The language Django's middleware chooses for a token request: the language cookie,
    then ``Accept-Language``."""
    from http.cookies import SimpleCookie

    cookies = SimpleCookie()
    cookies.load(_header(scope, b"cookie") or "")
    request = SimpleNamespace(
        COOKIES={key: morsel.value for key, morsel in cookies.items()},
        META={"HTTP_ACCEPT_LANGUAGE": _header(scope, b"accept-language") or ""},
        path_info=scope["path"],
    )
    return translation.get_language_from_request(request)


def _error(error: CartaError, language: str):
    from carta.api.errors import error_body

    errors = {error.field: [str(error.message)]} if error.field else None
    headers = {"Content-Language": language}
    if isinstance(error, RateLimited):
        headers["Retry-After"] = str(error.retry_after)
    return error.status, error_body(error.status, error.code, error.message, errors), headers


def _database_unavailable(scope):
    from carta.api.errors import error_body
    from carta.resilience import RETRY_AFTER

    logger.error("database unavailable (ballot fast path)")
    language = _language(scope)
    with translation.override(language):
        message = translation.gettext(
            "Il servizio è momentaneamente non disponibile. Riprova tra qualche istante."
        )
    headers = {"Retry-After": RETRY_AFTER, "Content-Language": language}
    return 503, error_body(503, "service_unavailable", message), headers


async def _respond(send, scope, status: int, payload: dict, extra: dict[str, str]) -> None:
    """The answer as DRF's JSON renderer and Django's middleware would have written it."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "Vary": "Accept, Accept-Language, Cookie",
        "Allow": "GET, POST, HEAD, OPTIONS",
        "Content-Length": str(len(body)),
        **extra,
        **_security_headers(scope),
    }
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _security_headers(scope) -> dict[str, str]:
    """What ``SecurityMiddleware`` and ``XFrameOptionsMiddleware`` add to an API answer."""
    headers = {}
    if settings.X_FRAME_OPTIONS:
        headers["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers["X-Content-Type-Options"] = "nosniff"
    if settings.SECURE_REFERRER_POLICY:
        headers["Referrer-Policy"] = settings.SECURE_REFERRER_POLICY
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers["Cross-Origin-Opener-Policy"] = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
    if settings.SECURE_HSTS_SECONDS and scope.get("scheme") == "https":
        value = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            value += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            value += "; preload"
        headers["Strict-Transport-Security"] = value
    return headers
