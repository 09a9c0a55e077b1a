"""Typed readers of environment variables.

Each helper returns the default when the variable is unset or empty, and raises
``ImproperlyConfigured`` naming the variable when its value cannot be read, so that a
bad deployment stops at start-up with a message an operator can act on.
"""

from __future__ import annotations

import datetime
import os
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}: expected true or false, got {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected a whole number, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}: must be at least {minimum}, got {number}")
    return number


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = _raw(name)
    if value is None:
        return default
    if value not in choices:
        raise ImproperlyConfigured(f"{name}: expected one of {', '.join(choices)}, got {value!r}")
    return value


def env_date(name: str) -> datetime.date | None:
    """An ISO date (``2026-10-08``), or ``None`` when unset."""
    value = _raw(name)
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}: expected a date as YYYY-MM-DD, got {value!r}"
        ) from None


def env_url(name: str, *, allow_path: bool = False) -> str:
    """An ``https://`` address (or, with ``allow_path``, a path on this site beginning
    with ``/``); empty when unset. Plain ``http://`` is refused: a public body links
    its statements and logo over HTTPS, and the pages' CSP serves nothing else."""
    value = _raw(name)
    if value is None:
        return ""
    if allow_path and value.startswith("/") and not value.startswith("//"):
        return value
    parsed = urlparse(value)
    if parsed.scheme != "https" or not parsed.netloc:
        expected = (
            "an https:// address or a path beginning with /"
            if allow_path
            else ("an https:// address")
        )
        raise ImproperlyConfigured(f"{name}: expected {expected}, got {value!r}")
    return value


def database_from_url(name: str, url: str) -> dict:
    """Django DATABASES entry for a ``postgres://user:pass@host:port/db?opt=v`` URL."""
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"{name}: only postgres:// URLs are supported, got scheme {parsed.scheme!r}"
        )
    database = unquote(parsed.path.lstrip("/"))
    if not database:
        raise ImproperlyConfigured(f"{name}: the URL names no database")
    try:
        port = parsed.port
    except ValueError:
        raise ImproperlyConfigured(f"{name}: the port is not a number") from None
    options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": database,
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(port or ""),
        # ASGI runs each request in a thread of its own: persistent per-thread connections
        # would pile up, so connections come from psycopg's pool instead.
        "CONN_MAX_AGE": 0,
        "OPTIONS": {
            "pool": {
                "min_size": env_int("DATABASE_POOL_MIN", 2, minimum=0),
                "max_size": env_int("DATABASE_POOL_MAX", 20, minimum=1),
                "timeout": env_int("DATABASE_POOL_TIMEOUT", 10, minimum=1),
            },
            **options,
        },
    }


def redis_urls(name: str) -> list[str]:
    """One or more comma-separated ``redis://`` URLs (several shard the channel layer)."""
    urls = env_list(name)
    for url in urls:
        if urlparse(url).scheme not in {"redis", "rediss", "unix"}:
            raise ImproperlyConfigured(f"{name}: expected a redis:// URL, got {url!r}")
    return urls
