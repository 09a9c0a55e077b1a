"""Fixtures of the stakeholders tests."""

from pathlib import Path

import pytest

FALLBACK_TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture(autouse=True)
def _fallback_templates(settings):
    """Put stand-ins for the shared ``base.html`` and pagination include *after* the
    project's template directories: they are used only while the shared ones are missing."""
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], FALLBACK_TEMPLATES]}
    ]
