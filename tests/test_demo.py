"""``carta demo``: idempotent after ordinary use, quiet, in one language.

The demo is run once, then the platform is used as a person would (staff verify the demo's
pending organization, which the demo's loaders used to pick up as a new lead of proposals),
then the demo is run again: no table may grow, no email may leave, and what the command
prints is the summary, never the raw messages the services would have sent.
"""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from carta.models import AuditEntry, Municipality, User
from stakeholders.demo import ORGANIZATIONS, demo_tax_code
from stakeholders.models import Membership, Organization, OrganizationStatus, Role
from stakeholders.services import verify_organization

pytestmark = pytest.mark.django_db(transaction=False)

# Sessions come and go by themselves; every other table, notifications and audit included,
# must not grow on the second run.
GROWING = {"sessions.session"}


def _counts() -> dict[str, int]:
    return {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label_lower not in GROWING and not model._meta.proxy
    }


def _demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def test_demo_is_idempotent_after_ordinary_use_quiet_and_in_italian():
    first = _demo()
    assert User.objects.filter(username="moderatore", groups__name="moderators").exists()
    assert Municipality.objects.count() == 9

    # Ordinary use: staff verify the pending demo organization (its pact already accepted).
    pending = next(
        name for name, _kind, status, _areas, _short in ORGANIZATIONS if status == "pending"
    )
    organization = Organization.objects.get(tax_code=demo_tax_code(pending))
    representative = (
        Membership.objects.filter(organization=organization, role=Role.REPRESENTATIVE).first().user
    )
    assert representative is not None
    verify_organization(actor=User.objects.get(username="admin"), organization=organization)
    organization.refresh_from_db()
    assert organization.status == OrganizationStatus.VERIFIED

    before = _counts()
    audit_before = AuditEntry.objects.count()
    mail.outbox.clear()
    second = _demo()

    grown = {label: (before[label], n) for label, n in _counts().items() if n != before[label]}
    assert grown == {}
    assert AuditEntry.objects.count() == audit_before
    assert mail.outbox == []

    for output in (first, second):
        # The summary, not the messages.
        assert "Content-Type:" not in output
        assert "Subject:" not in output
        assert "Dati dimostrativi pronti." in output
        # The address in the hints is the one served (make run PORT=...), not a fixed port.
        assert f"--redirect-uri {settings.CARTA_SITE_URL}/accounts/" in output
        # One language: the loaders' summaries are Italian like the rest.
        for english in ("complaints", "evaluations", "measurements", "skipped", "try tracking"):
            assert english not in output, english
