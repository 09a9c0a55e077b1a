"""Rate limits over the cache, shared by pages and API views.

A limit counts attempts for a key in a window that starts at the key's first attempt
(not at a clock boundary, so a burst cannot straddle two windows). With Redis as the cache
(production) the count is shared by every worker and costs one round trip; on the
embedded default it is per process, which is the whole server.
"""

from __future__ import annotations

import functools
import hashlib
import time
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

from django.conf import settings
from django.core.cache import caches

from carta.errors import RateLimited

_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def client_ip(request) -> str:
    """The client's address, for every per-address limit (pages and DRF's throttles).

    ``REMOTE_ADDR``, unless it is one of ``CARTA_TRUSTED_PROXIES``: then X-Forwarded-For
    is read from the right, past the trusted hops, and the first address that is not
    trusted is the client (what a client writes itself lies further left, unread).
    """
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    trusted = _networks(tuple(settings.CARTA_TRUSTED_PROXIES))
    if not trusted or not _is_trusted(remote, trusted):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    client = remote
    for hop in reversed([hop.strip() for hop in forwarded.split(",")]):
        try:
            address = ip_address(hop)
        except ValueError:  # not written by a proxy: the last trusted hop is the client
            return client
        client = str(address)
        if not any(address in network for network in trusted):
            return client
    return client


@functools.lru_cache(maxsize=8)
def _networks(values: tuple[str, ...]) -> tuple[IPv4Network | IPv6Network, ...]:
    return tuple(ip_network(value, strict=False) for value in values)


def _is_trusted(address: str, trusted) -> bool:
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in trusted)


def scope_rate(scope: str, default: str = "20/hour") -> tuple[int, int]:
    """``(limit, window_seconds)`` of a DRF throttle scope written like ``20/hour``, so that
    one setting (``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``) governs pages and API."""
    rates = getattr(settings, "REST_FRAMEWORK", {}).get("DEFAULT_THROTTLE_RATES", {})
    text = rates.get(scope) or default
    count, _slash, unit = text.partition("/")
    return int(count), _UNITS.get(unit.strip().lower(), 3600)


def count(key: str, window: int) -> tuple[int, int]:
    """Count one attempt for ``key``: ``(attempts in the window, seconds until it ends)``."""
    cache = caches["default"]
    counter = getattr(cache, "count_in_window", None)
    if counter is not None:  # Redis: one round trip
        return counter(f"rl:{key}", window)
    now = time.time()
    started = cache.get_or_set(f"rl:{key}:start", now, timeout=window)
    cache.add(f"rl:{key}", 0, timeout=window)
    try:
        attempts = cache.incr(f"rl:{key}")
    except ValueError:  # expired between add and incr
        cache.set(f"rl:{key}", 1, timeout=window)
        attempts = 1
    return attempts, max(1, int(started + window - now + 0.999))


def hit(key: str, *, limit: int, window: int) -> None:
    """Count one attempt for ``key``; raise ``RateLimited`` past ``limit`` in ``window`` s."""
    attempts, retry_after = count(key, window)
    if attempts > limit:
        raise RateLimited(retry_after=retry_after)


def hit_scope(scope: str, key: str, *, default: str = "20/hour") -> None:
    """``hit`` with the limit and window of a throttle scope (see ``scope_rate``)."""
    limit, window = scope_rate(scope, default)
    hit(f"{scope}:{key}", limit=limit, window=window)


def _name_key(text: str, length: int) -> str:
    """A username or email address as a cache key: a digest, so that keys hold no
    personal data and no character a cache refuses (spaces, control characters)."""
    return hashlib.sha256(text.strip().lower()[:length].encode()).hexdigest()[:32]


def hit_login(request, username: str) -> None:
    """Count one sign-in attempt (page, admin or API token): per client address and
    account, per address whatever the account, per account whatever the address."""
    address = client_ip(request)
    account = _name_key(username, 150)
    for key, (limit, window) in (
        (f"login:{address}:{account}", settings.CARTA_LOGIN_RATE),
        (f"login-address:{address}", settings.CARTA_LOGIN_ADDRESS_RATE),
        (f"login-account:{account}", settings.CARTA_LOGIN_ACCOUNT_RATE),
    ):
        hit(key, limit=limit, window=window)


def hit_account_form(request, kind: str, address: str = "") -> None:
    """Count one registration or password-reset request (``kind`` ``register`` or
    ``reset``) per client address and, when given, per email address."""
    limit, window = (
        settings.CARTA_REGISTER_RATE if kind == "register" else settings.CARTA_RESET_RATE
    )
    hit(f"{kind}:{client_ip(request)}", limit=limit, window=window)
    if address:
        hit(f"{kind}-email:{_name_key(address, 254)}", limit=limit, window=window)
