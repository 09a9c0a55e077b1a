"""A fixed-window rate limit over the cache, shared by pages and API views.

With Redis as the cache (production) the count is shared by every worker; on the
embedded default it is per process, which is the whole server.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

from carta.errors import RateLimited


def client_ip(request) -> str:
    """The client's address; behind a proxy, the last address the proxy appended."""
    if getattr(settings, "CARTA_TRUSTED_PROXIES", 0):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= settings.CARTA_TRUSTED_PROXIES:
            return hops[-settings.CARTA_TRUSTED_PROXIES]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(key: str, *, limit: int, window: int) -> None:
    """Count one attempt for ``key``; raise ``RateLimited`` past ``limit`` in ``window`` s."""
    now = int(time.time())
    bucket = now // window
    cache_key = f"rl:{key}:{bucket}"
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        raise RateLimited(retry_after=window - (now % window) or 1)
