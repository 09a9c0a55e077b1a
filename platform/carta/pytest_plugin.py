"""Suite-wide pytest rules, loaded with ``-p carta.pytest_plugin`` (see pyproject.toml).

Tests marked ``postgres`` need PostgreSQL (row-level concurrency, full-text search).
On the embedded pass they are skipped with a visible reason; with
``CARTA_REQUIRE_POSTGRES=1`` (CI's second pass) a missing PostgreSQL is an error, never
a silent skip. Tests marked ``browser`` need Debian's Chromium; with ``CI`` set a
missing browser is an error too.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")


def _flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config, items):
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    for item in items:
        if item.get_closest_marker("postgres") and not on_postgres:
            if _flag("CARTA_REQUIRE_POSTGRES"):
                raise pytest.UsageError(
                    "CARTA_REQUIRE_POSTGRES is set but DATABASE_URL is not a PostgreSQL URL"
                )
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)"))
        if item.get_closest_marker("browser") and not CHROMIUM.exists():
            if _flag("CI"):
                raise pytest.UsageError(
                    "browser tests need /usr/bin/chromium (apt-get install chromium)"
                )
            item.add_marker(pytest.mark.skip(reason="needs /usr/bin/chromium"))
