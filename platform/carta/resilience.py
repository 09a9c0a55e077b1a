"""What the platform does when one of its servers is away.

- PostgreSQL unreachable (restart, failover): requests answer **503** with a clear message
  and ``Retry-After``, in the API's error shape or as a page, instead of a 500; the pool
  reconnects by itself when the server is back.
- Redis unreachable: the cache fails open (a miss, and writes are dropped), so rate-limit
  counters stop counting for a moment but ballots, complaints and every other write are
  still accepted; live updates are skipped (``carta.events.broadcast`` logs and goes on)
  and resume when Redis returns.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from carta.api.errors import json_error_response

logger = logging.getLogger(__name__)

RETRY_AFTER = "5"


class DatabaseUnavailableMiddleware:
    """Turn "the database cannot be reached" into a 503 the client can act on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable: %s", exception)
        message = _("Il servizio è momentaneamente non disponibile. Riprova tra qualche istante.")
        if request.path.startswith("/api/"):
            response = json_error_response(503, "service_unavailable", message)
        else:
            try:
                body = loader.render_to_string("503.html", {"message": message})
            except Exception:  # noqa: BLE001 - the page must not fail in turn
                body = message
            response = HttpResponse(body, status=503)
        response["Retry-After"] = RETRY_AFTER
        return response


# After a failed call, the cache answers as empty without trying that Redis for this long.
REDIS_RETRY_SECONDS = 3

# One Redis client (and so one connection pool) per process and location; see ``_cache``.
_clients: dict[tuple, object] = {}
_clients_lock = threading.Lock()


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache, answering like an empty cache while Redis is away.

    Django makes a new cache object for every async context, which under ASGI means every
    request, and each object built a client with a connection pool of its own: every
    request opened a new TCP connection to Redis (measured: 222 connections for 217
    requests). The client is thread-safe, so the objects of one process share one.
    """

    @cached_property
    def _cache(self):
        key = (tuple(self._servers), repr(sorted(self._options.items())))
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = self._class(self._servers, **self._options)
        return client

    def _guard(self, method, default, *args, **kwargs):
        client = self._cache
        if time.monotonic() < getattr(client, "carta_down_until", 0.0):
            return default
        try:
            return method(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - redis-py raises several kinds
            if not is_connection_error(error):
                raise
            # Do not try again for a few seconds: a Redis that does not answer would
            # otherwise cost every request the socket timeout (and, on the event loop of
            # the ballot fast path, every other request of the worker too).
            client.carta_down_until = time.monotonic() + REDIS_RETRY_SECONDS
            logger.warning("cache unavailable: %s", error)
            return default

    def get(self, key, default=None, version=None):
        return self._guard(super().get, default, key, default, version)

    def get_many(self, keys, version=None):
        return self._guard(super().get_many, {}, keys, version)

    def set(self, key, value, timeout=None, version=None):
        return self._guard(super().set, None, key, value, timeout, version)

    def add(self, key, value, timeout=None, version=None):
        return self._guard(super().add, True, key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        return self._guard(super().incr, delta, key, delta, version)

    def delete(self, key, version=None):
        return self._guard(super().delete, False, key, version)

    def set_many(self, data, timeout=None, version=None):
        return self._guard(super().set_many, [], data, timeout, version)

    def touch(self, key, timeout=None, version=None):
        return self._guard(super().touch, False, key, timeout, version)

    def count_in_window(self, key, window):
        """Add one to ``key``'s count in a window of ``window`` seconds that starts with
        its first addition: ``(count, seconds left)``, in one round trip. ``(0, 1)`` while
        Redis is away (rate limits fail open)."""
        return self._guard(self._count_in_window, (0, 1), key, window)

    def _count_in_window(self, key, window):
        key = self.make_and_validate_key(key)
        client = self._cache.__dict__.get("carta_writer")
        if client is None:  # Django's get_client builds a new client object every time
            client = self._cache.carta_writer = self._cache.get_client(key, write=True)
        pipe = client.pipeline(transaction=False)
        pipe.set(key, 0, ex=window, nx=True)
        pipe.incr(key)
        pipe.ttl(key)
        _created, count, ttl = pipe.execute()
        return count, max(1, ttl)


def is_connection_error(error: Exception) -> bool:
    """Whether ``error`` says Redis could not be reached (or answered too late)."""
    import redis.exceptions

    return isinstance(
        error, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError | OSError
    )
