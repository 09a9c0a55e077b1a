"""Once a resource is hidden, the audit log names it by its kind and number only: the
rows written before (rewritten by ``hide_content``) and every row written after, the
hiding itself included, until it is restored."""

import pytest

from carta import moderation
from carta.models import AuditEntry
from stakeholders import services
from tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def _labels(resource):
    return list(
        AuditEntry.objects.filter(content_type__model="resource", object_id=str(resource.pk))
        .order_by("id")
        .values_list("verb", "object_repr")
    )


def test_every_audit_row_of_a_hidden_resource_names_it_by_number(org_a, rep_a, moderator):
    resource = ResourceFactory(organization=org_a, title="Pulmino di Mario Rossi")
    services.update_resource(actor=rep_a, resource=resource, description="Nove posti")
    moderation.hide_content(actor=moderator, target=resource, reason="Dati personali")
    resource.refresh_from_db()
    moderation.request_review(actor=rep_a, target=resource, reason="Tolto il nome")
    neutral = f"Risorsa n. {resource.pk}"
    rows = _labels(resource)
    assert {verb for verb, _label in rows} >= {"content.hidden", "content.review_requested"}
    assert all(label == neutral for _verb, label in rows), rows
    moderation.restore_content(actor=moderator, target=resource, reason="Corretta")
    assert _labels(resource)[-1] == ("content.restored", "Pulmino di Mario Rossi")
