"""A revision entering into force asks every verified organization whose pact is on an
older revision to renew it, in the same transaction: at once when adopted effective
today, or when ``carta_take_effect`` switches a scheduled one on."""

import datetime

import pytest
import time_machine
from django.core.management import call_command

from carta.models import AuditEntry, Notification
from consultations.charter import services
from stakeholders.models import Organization
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

ACT = {"body": "Assemblea dei Sindaci", "act_number": "4", "act_date": datetime.date(2026, 3, 9)}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC)) as t:
        yield t


@pytest.fixture
def signed_on_one(in_force):
    organization = OrganizationFactory(legal_name="APS Il Ponte", pact_revision_number=1)
    representative = UserFactory(username="rappresentante_ponte")
    MembershipFactory(user=representative, organization=organization, role="representative")
    return organization, representative


def test_adopting_effective_today_asks_the_network_to_renew_its_pact(
    in_consultation, carta_editor, signed_on_one
):
    organization, representative = signed_on_one
    services.adopt_revision(actor=carta_editor, revision=in_consultation, **ACT, strict=True)
    organization.refresh_from_db()
    assert organization.pact_renewal_revision_number == in_consultation.number
    assert organization.pact_renew_by is not None
    assert Notification.objects.filter(recipient=representative).exists()


def test_a_scheduled_revision_asks_for_renewal_only_when_it_takes_effect(
    in_consultation, carta_editor, signed_on_one, frozen
):
    organization, _representative = signed_on_one
    services.adopt_revision(
        actor=carta_editor,
        revision=in_consultation,
        **ACT,
        effective_from=datetime.date(2026, 3, 11),
        strict=True,
    )
    organization.refresh_from_db()
    assert organization.pact_renewal_revision_number is None
    frozen.move_to(datetime.datetime(2026, 3, 11, 0, 10, tzinfo=datetime.UTC))
    call_command("carta_take_effect")
    call_command("carta_take_effect")  # a second run changes nothing
    organization.refresh_from_db()
    assert organization.pact_renewal_revision_number == in_consultation.number
    assert AuditEntry.objects.filter(verb="carta.took_effect").count() == 1
    asked = Organization.objects.filter(pact_renewal_revision_number=in_consultation.number)
    assert list(asked) == [organization]


def test_the_act_sets_the_days_to_renew_the_pact(in_consultation, carta_editor, signed_on_one):
    organization, _representative = signed_on_one
    services.adopt_revision(
        actor=carta_editor, revision=in_consultation, **ACT, pact_grace_days=30, strict=True
    )
    organization.refresh_from_db()
    in_consultation.refresh_from_db()
    assert in_consultation.pact_grace_days == 30
    assert organization.pact_renew_by - organization.pact_renewal_requested_at == (
        datetime.timedelta(days=30)
    )


def test_without_days_in_the_act_the_setting_applies(
    in_consultation, carta_editor, signed_on_one, settings
):
    settings.CARTA_PACT_GRACE_DAYS = 45
    organization, _representative = signed_on_one
    services.adopt_revision(actor=carta_editor, revision=in_consultation, **ACT, strict=True)
    organization.refresh_from_db()
    assert organization.pact_renew_by - organization.pact_renewal_requested_at == (
        datetime.timedelta(days=45)
    )


@pytest.mark.parametrize("days", [0, 366, -3, "tanti"])
def test_days_out_of_range_are_refused_naming_the_field(
    api_as, in_consultation, carta_editor, days
):
    body = {"act_body": "Assemblea", "act_number": "4", "act_date": "2026-03-09"}
    response = api_as(carta_editor).post(
        f"/api/v1/carta/revisions/{in_consultation.pk}/adopt/",
        {**body, "pact_grace_days": days},
        format="json",
    )
    assert response.status_code == 400
    assert "pact_grace_days" in response.json()["errors"]
    in_consultation.refresh_from_db()
    assert in_consultation.status == "in_consultation"


def test_the_page_form_keeps_the_days_and_shows_the_error(client, in_consultation, carta_editor):
    client.force_login(carta_editor)
    response = client.post(
        f"/carta/revisioni/{in_consultation.pk}/adotta/",
        {
            "act_body": "Assemblea",
            "act_number": "4",
            "act_date": "2026-03-09",
            "pact_grace_days": "400",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_pact_grace_days-errore"' in html and 'value="400"' in html
