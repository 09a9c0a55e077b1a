"""Fixtures of the feedback tests."""

from pathlib import Path

import pytest

FALLBACK_TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture(autouse=True)
def _fallback_templates(settings):
    """Stand-ins for the shared ``base.html`` and includes, placed *after* the project's
    template directories: used only while the shared ones are missing."""
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], FALLBACK_TEMPLATES]}
    ]


@pytest.fixture(autouse=True)
def _complaint_days(settings):
    settings.CARTA_COMPLAINT_DAYS = 30
