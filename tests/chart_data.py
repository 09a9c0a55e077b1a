"""Reading the charts a page declares (``{% chart spec %}``, ``carta.charts``) and the
tables beside them, for the tests that compare them with the figures."""

from __future__ import annotations

import html
import json
import re


def chart_specs(page: str) -> dict[str, dict]:
    """Every chart specification in ``page``, by chart id."""
    found = re.findall(r'<script id="([^"]+)-data" type="application/json">(.*?)</script>', page)
    return {chart_id: json.loads(body) for chart_id, body in found}


def cells(page: str, attribute: str, key: str) -> str:
    """The text of the table cell marked ``attribute="key"`` (``data-count``...)."""
    match = re.search(rf'{attribute}="{re.escape(key)}">([^<]*)<', page)
    assert match, f"no cell {attribute}={key}"
    return html.unescape(match.group(1)).strip()
