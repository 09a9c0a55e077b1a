"""The open-data export validates against the JSON Schema published in
docs/carta-open-data.md, for the demo Carta and for an empty revision."""

import json
import re
from pathlib import Path

import jsonschema
import pytest

from consultations.charter import exports
from consultations.charter.models import RevisionStatus
from tests.factories import carta_revision

DOC = Path(__file__).resolve().parents[3] / "docs" / "carta-open-data.md"


def schema() -> dict:
    block = re.search(r"```json\n(.*?)\n```", DOC.read_text(), re.DOTALL).group(1)
    return json.loads(block)


@pytest.mark.parametrize(("sections", "services"), [(0, 0), (4, 3)])
def test_open_data_follows_the_documented_schema(db, org_a, sections, services):
    revision = carta_revision(1, RevisionStatus.ADOPTED, sections=sections, services=services)
    for service in revision.services.all():
        service.provider_organizations.add(org_a)
    document = json.loads(json.dumps(exports.open_data(revision)))
    jsonschema.validate(document, schema(), format_checker=jsonschema.FormatChecker())
    assert len(document["services"]) == services


def test_the_demo_carta_follows_the_documented_schema(db):
    import io

    from carta import demo as core_demo
    from carta.demo import DemoContext
    from consultations.charter import demo
    from consultations.charter.models import Revision
    from stakeholders import demo as stakeholders_demo

    ctx = DemoContext(stdout=io.StringIO())
    core_demo.load(ctx)
    stakeholders_demo.load(ctx)
    demo.load(ctx)
    for revision in Revision.objects.all():
        jsonschema.validate(json.loads(json.dumps(exports.open_data(revision))), schema())
