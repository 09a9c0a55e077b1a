"""Adoption by an act: the deciding body, the act's number and date, and the date the
revision takes effect. A revision adopted with a later date is not in force before it
(page, API, feedback), and ``carta_take_effect`` switches it on once."""

import datetime

import pytest
import time_machine
from django.core.management import call_command

from carta.errors import Conflict, InvalidInput
from carta.models import AuditEntry
from consultations.charter import selectors, services
from consultations.charter.models import Revision, RevisionStatus
from feedback import charter as feedback_charter
from tests.concurrency import run_together
from tests.factories import UserFactory, carta_revision

API = "/api/v1/carta/revisions/"
TODAY = datetime.date(2026, 3, 10)
LATER = datetime.date(2026, 4, 1)
ACT = {"body": "Assemblea dei Sindaci dell'Ambito", "act_number": "12", "act_date": TODAY}
API_ACT = {
    "act_body": "Assemblea dei Sindaci dell'Ambito",
    "act_number": "12",
    "act_date": "2026-03-09",
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC)) as t:
        yield t


def _adopt(editor, revision, **changes):
    return services.adopt_revision(
        actor=editor, revision=revision, **{**ACT, **changes}, strict=True
    )


def test_adopting_effective_today_puts_the_revision_in_force_at_once(
    in_consultation, in_force, carta_editor
):
    _adopt(carta_editor, in_consultation)
    in_consultation.refresh_from_db()
    assert in_consultation.status == RevisionStatus.ADOPTED
    assert (in_consultation.act_body, in_consultation.act_number) == (ACT["body"], "12")
    assert in_consultation.act_date == TODAY and in_consultation.effective_from == TODAY
    assert selectors.revision_in_force() == in_consultation
    in_force.refresh_from_db()
    assert in_force.status == RevisionStatus.SUPERSEDED


def test_the_act_is_audited(in_consultation, carta_editor):
    _adopt(carta_editor, in_consultation, effective_from=LATER)
    entry = AuditEntry.objects.get(verb="carta.adopted")
    assert entry.changes["act_body"] == ACT["body"]
    assert entry.changes["act_number"] == "12"
    assert entry.changes["act_date"] == "2026-03-10"
    assert entry.changes["effective_from"] == "2026-04-01"
    assert entry.changes["in_force_at_once"] is False


def test_a_later_effective_date_leaves_the_revision_in_force_until_then(
    in_consultation, in_force, carta_editor
):
    _adopt(carta_editor, in_consultation, effective_from=LATER)
    in_consultation.refresh_from_db()
    assert in_consultation.status == RevisionStatus.SCHEDULED
    assert selectors.revision_in_force() == in_force
    assert set(selectors.services_in_force().values_list("revision_id", flat=True)) == {in_force.pk}
    assert selectors.pact_revision_number() == in_force.number
    # Comments and amendments are closed on it: it is no longer open.
    assert not in_consultation.is_open


def test_the_carta_page_shows_the_revision_in_force_and_announces_the_next(
    client, in_consultation, in_force, carta_editor
):
    services.update_revision(actor=carta_editor, revision=in_consultation, title="Nuova Carta")
    _adopt(carta_editor, in_consultation, effective_from=LATER)
    page = client.get("/carta/").content.decode().lower()
    assert f'<h1 class="h2">{in_force.title.lower()}</h1>' in page
    assert "entrerà in vigore il 1° aprile 2026" in page


def test_the_api_catalogue_and_service_lookup_read_the_revision_in_force(
    api, in_consultation, in_force, carta_editor
):
    _adopt(carta_editor, in_consultation, effective_from=LATER)
    data = api.get("/api/v1/services/").json()
    items = data["results"] if isinstance(data, dict) else data
    ids = {item["id"] for item in items}
    assert ids == set(in_force.services.values_list("pk", flat=True))
    key = in_force.services.first().key
    assert selectors.get_service_for(None, key).revision_id == in_force.pk


def test_feedback_accepts_only_services_of_the_revision_in_force(
    in_consultation, in_force, carta_editor
):
    _adopt(carta_editor, in_consultation, effective_from=LATER)
    scheduled_service = in_consultation.services.first()
    with pytest.raises(InvalidInput):
        feedback_charter.service_in_force(scheduled_service.pk)
    with pytest.raises(InvalidInput):
        feedback_charter.commitment_in_force(scheduled_service.commitments.first().pk)
    assert {s.revision_id for s in feedback_charter.catalogue()} == {in_force.pk}


def test_the_command_switches_the_carta_on_its_date_once(
    frozen, in_consultation, in_force, carta_editor
):
    _adopt(carta_editor, in_consultation, effective_from=LATER)
    call_command("carta_take_effect")
    assert selectors.revision_in_force() == in_force  # not yet
    frozen.move_to(datetime.datetime(2026, 3, 31, 23, 0, tzinfo=datetime.UTC))
    call_command("carta_take_effect")  # 1 April in Rome, 00:00
    assert selectors.revision_in_force() == in_consultation
    in_force.refresh_from_db()
    assert in_force.status == RevisionStatus.SUPERSEDED and in_force.superseded_at
    call_command("carta_take_effect")
    frozen.move_to(datetime.datetime(2026, 4, 2, 9, 0, tzinfo=datetime.UTC))
    call_command("carta_take_effect")
    assert AuditEntry.objects.filter(verb="carta.took_effect").count() == 1
    assert Revision.objects.in_force().get() == in_consultation


def test_the_revision_page_shows_the_act(client, in_consultation, carta_editor):
    _adopt(carta_editor, in_consultation, effective_from=LATER)
    page = client.get(in_consultation.get_absolute_url()).content.decode().lower()
    assert (
        "adottata con atto n. 12 del 10 marzo 2026 (assemblea dei sindaci "
        "dell&#x27;ambito), in vigore dal 1° aprile 2026." in page
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"effective_from": datetime.date(2026, 3, 9)}, "effective_from"),
        ({"act_date": datetime.date(2026, 3, 11)}, "act_date"),
        ({"body": ""}, "act_body"),
        ({"act_number": " "}, "act_number"),
        ({"act_date": None}, "act_date"),
    ],
)
def test_refusals_name_the_field(in_consultation, carta_editor, changes, field):
    with pytest.raises(InvalidInput) as refused:
        _adopt(carta_editor, in_consultation, **changes)
    assert refused.value.field == field
    in_consultation.refresh_from_db()
    assert in_consultation.status == RevisionStatus.IN_CONSULTATION


def test_the_effective_date_may_not_precede_that_of_the_revision_in_force(in_force, carta_editor):
    Revision.objects.filter(pk=in_force.pk).update(effective_from=datetime.date(2026, 5, 1))
    draft = services.create_draft(actor=carta_editor, title="Revisione 2026")
    services.open_consultation(actor=carta_editor, revision=draft)
    with pytest.raises(InvalidInput) as refused:
        _adopt(carta_editor, draft, effective_from=LATER)
    assert refused.value.field == "effective_from"
    assert "1 maggio 2026" in str(refused.value.message).lower()


def test_no_other_adoption_while_one_waits_to_take_effect(in_consultation, carta_editor):
    _adopt(carta_editor, in_consultation, effective_from=LATER)
    draft = services.create_draft(actor=carta_editor, title="Ancora un'altra")
    services.open_consultation(actor=carta_editor, revision=draft)
    with pytest.raises(Conflict) as refused:
        _adopt(carta_editor, draft)
    assert refused.value.code == "scheduled"
    with pytest.raises(Conflict):
        _adopt(carta_editor, in_consultation.__class__.objects.get(pk=in_consultation.pk))


def test_the_api_takes_the_act_and_answers_400_naming_the_field(
    api_as, in_consultation, carta_editor, citizen
):
    assert api_as(citizen).post(f"{API}{in_consultation.pk}/adopt/").status_code == 403
    editor = api_as(carta_editor)
    missing = editor.post(f"{API}{in_consultation.pk}/adopt/", {}, format="json")
    assert missing.status_code == 400
    assert {"act_body", "act_number", "act_date"} <= set(missing.json()["errors"])
    past = editor.post(
        f"{API}{in_consultation.pk}/adopt/",
        {**API_ACT, "effective_from": "2026-03-01"},
        format="json",
    )
    assert past.status_code == 400 and "effective_from" in past.json()["errors"]
    future_act = editor.post(
        f"{API}{in_consultation.pk}/adopt/", {**API_ACT, "act_date": "2026-03-11"}, format="json"
    )
    assert future_act.status_code == 400 and "act_date" in future_act.json()["errors"]
    done = editor.post(
        f"{API}{in_consultation.pk}/adopt/",
        {**API_ACT, "effective_from": "2026-04-01"},
        format="json",
    )
    assert done.status_code == 200
    body = done.json()
    assert body["status"] == "scheduled"
    assert (body["act_number"], body["act_date"], body["effective_from"]) == (
        "12",
        "2026-03-09",
        "2026-04-01",
    )


def test_the_page_form_adopts_with_the_act(client, in_consultation, carta_editor):
    client.force_login(carta_editor)
    url = f"/carta/revisioni/{in_consultation.pk}/adotta/"
    page = client.get(in_consultation.get_absolute_url()).content.decode().lower()
    assert 'name="act_number"' in page
    refused = client.post(url, {**API_ACT, "act_number": ""})
    assert refused.status_code == 400
    html = refused.content.decode()
    # The message sits next to the field at fault, and what was typed is kept.
    assert 'id="id_act_number-errore"' in html
    assert f'value="{API_ACT["act_body"]}"'.replace("'", "&#x27;") in html
    late = client.post(url, {**API_ACT, "effective_from": "2020-01-01"})
    assert late.status_code == 400
    assert 'id="id_effective_from-errore"' in late.content.decode()
    assert 'value="2020-01-01"' in late.content.decode()
    in_consultation.refresh_from_db()
    assert in_consultation.status == RevisionStatus.IN_CONSULTATION
    client.post(url, {**API_ACT, "effective_from": "2026-04-01"})
    in_consultation.refresh_from_db()
    assert in_consultation.status == RevisionStatus.SCHEDULED
    assert in_consultation.act_body == API_ACT["act_body"]


def _race(count):
    """``take_effect`` run ``count`` times at the same instant."""

    def call():
        revision = services.take_effect(today=LATER)
        return revision.number if revision else None

    return run_together([call] * count)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_switch_the_carta_once(frozen):
    editor = UserFactory(username="redazione_corsa", is_superuser=True)
    in_force = carta_revision(1, RevisionStatus.ADOPTED, sections=1, services=0)
    draft = services.create_draft(actor=editor, title="Revisione 2026")
    services.open_consultation(actor=editor, revision=draft)
    _adopt(editor, draft, effective_from=LATER)
    outcomes = _race(4)
    # One run switches the Carta on; the others find nothing due (None: "done").
    assert sorted(outcomes, key=str) == sorted([draft.number, "done", "done", "done"], key=str)
    assert AuditEntry.objects.filter(verb="carta.took_effect").count() == 1
    in_force.refresh_from_db()
    assert in_force.status == RevisionStatus.SUPERSEDED
    assert Revision.objects.in_force().get() == draft
