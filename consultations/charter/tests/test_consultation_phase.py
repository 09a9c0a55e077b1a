"""The consultation phase of a revision: opened until a closing date (and a later one for
the network's organizations), contributions refused after it, extended but never
shortened, one notice before the closing, and adoption held back while it is open."""

import threading
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from carta.errors import Conflict, InvalidInput
from carta.models import AuditEntry, Notification
from consultations.charter import readiness, services
from consultations.charter.models import Revision, RevisionStatus
from tests.factories import UserFactory, carta_revision

API = "/api/v1/carta/revisions/"
ROME = ZoneInfo("Europe/Rome")
# The morning of the opening: 1 October 2026; the consultation closes at the end of
# 8 October for everybody and of 15 October for the organizations.
OPENING = datetime(2026, 10, 1, 9, 0, tzinfo=ROME)
CLOSES = date(2026, 10, 8)
ORGANIZATIONS_CLOSE = date(2026, 10, 15)


def at(day: int, hour: int = 10, minute: int = 0):
    return time_machine.travel(datetime(2026, 10, day, hour, minute, tzinfo=ROME), tick=False)


@pytest.fixture
def draft(in_force, carta_editor):
    return services.create_draft(actor=carta_editor, title="Revisione 2026")


@pytest.fixture
def opened(draft, carta_editor):
    with time_machine.travel(OPENING, tick=False):
        return services.open_consultation(
            actor=carta_editor,
            revision=draft,
            closes_at=CLOSES,
            organizations_close_at=ORGANIZATIONS_CLOSE,
            strict=True,
        )


def _comment(actor, revision, organization=None):
    return services.post_comment(
        actor=actor,
        revision=revision,
        section_key="sezione-1",
        body="Serve un orario più ampio.",
        organization=organization,
    )


# --- Opening ---------------------------------------------------------------------------


def test_opening_through_the_api_sets_the_phase_and_its_dates(api_as, carta_editor, draft):
    with time_machine.travel(OPENING, tick=False):
        response = api_as(carta_editor).post(
            f"{API}{draft.pk}/open-consultation/",
            {"closes_at": "2026-10-08", "organizations_close_at": "2026-10-15"},
            format="json",
        )
        body = response.json()
    assert response.status_code == 200
    assert body["status"] == "in_consultation"
    assert body["consultation_phase"] == "open"
    # The end of each local day.
    assert body["consultation_closes_at"] == "2026-10-08T23:59:59.999999+02:00"
    assert body["organizations_close_at"] == "2026-10-15T23:59:59.999999+02:00"
    draft.refresh_from_db()
    assert draft.consultation_closes_at == datetime(2026, 10, 8, 23, 59, 59, 999999, tzinfo=ROME)
    entry = AuditEntry.objects.get(verb="carta.consultation_opened", object_id=str(draft.pk))
    assert entry.changes["closes_at"].startswith("2026-10-08T23:59:59")


def test_the_opening_notice_names_the_closing_dates(draft, carta_editor, member_a):
    with time_machine.travel(OPENING, tick=False):
        services.open_consultation(
            actor=carta_editor,
            revision=draft,
            closes_at=CLOSES,
            organizations_close_at=ORGANIZATIONS_CLOSE,
        )
    notice = Notification.objects.get(recipient=member_a, kind="carta.consultation_opened")
    assert "fino all'8 ottobre 2026" in notice.body
    assert "fino al 15 ottobre 2026" in notice.body


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({}, "closes_at", "Indica fino a quando resta aperta la consultazione."),
        ({"closes_at": "2026-09-30"}, "closes_at", "non può essere nel passato"),
        ({"closes_at": "8 ottobre"}, "closes_at", ""),
        (
            {"closes_at": "2026-10-08", "organizations_close_at": "2026-10-07"},
            "organizations_close_at",
            "non può precedere la chiusura per tutti (8 ottobre 2026)",
        ),
    ],
)
def test_bad_dates_are_refused_naming_the_field(
    api_as, carta_editor, draft, values, field, message
):
    with time_machine.travel(OPENING, tick=False):
        response = api_as(carta_editor).post(
            f"{API}{draft.pk}/open-consultation/", values, format="json"
        )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert message in " ".join(response.json()["errors"][field])
    draft.refresh_from_db()
    assert draft.status == RevisionStatus.DRAFT
    assert draft.consultation_closes_at is None


def test_who_is_asked_before_the_dates(api_as, citizen, draft, client):
    from rest_framework.test import APIClient

    assert APIClient().post(f"{API}{draft.pk}/open-consultation/", {}).status_code == 404
    shared = services.share_with_network(actor=UserFactory(is_superuser=True), revision=draft)
    member = UserFactory()
    from tests.factories import MembershipFactory

    MembershipFactory(user=member)
    response = api_as(member).post(f"{API}{shared.pk}/open-consultation/", {}, format="json")
    assert response.status_code == 403


# --- Contributions inside and outside the phase ----------------------------------------


def test_contributions_are_accepted_until_the_end_of_the_closing_day(opened, citizen):
    with at(8, 23, 59):
        assert _comment(citizen, opened).pk
    with at(9, 0, 1), pytest.raises(Conflict) as refused:
        _comment(citizen, opened)
    assert refused.value.code == "consultation_closed"
    assert "La consultazione su questa revisione si è chiusa l'8 ottobre 2026." in str(
        refused.value.message
    )


def test_after_the_general_date_only_organizations_contribute(
    opened, api_as, member_a, org_a, citizen, carta_editor
):
    with at(2):
        amendment = services.propose_amendment(
            actor=citizen,
            revision=opened,
            kind="section",
            target_key="sezione-2",
            new_text="Il Segretariato risponde entro due giorni.",
        )
    client = api_as(member_a)
    with at(10):
        own = client.post(
            f"{API}{opened.pk}/comments/",
            {"section_key": "sezione-1", "body": "A mio nome."},
            format="json",
        )
        assert own.status_code == 409
        assert own.json()["code"] == "consultation_closed"
        assert "fino al 15 ottobre 2026" in own.json()["detail"]
        for_org = client.post(
            f"{API}{opened.pk}/comments/",
            {
                "section_key": "sezione-1",
                "body": "A nome della cooperativa.",
                "organization": org_a.pk,
            },
            format="json",
        )
        assert for_org.status_code == 201
        assert for_org.json()["organization"]["id"] == org_a.pk
        support = client.post(
            f"{API}{opened.pk}/amendments/{amendment.pk}/support/",
            {"organization": org_a.pk},
            format="json",
        )
        assert support.status_code == 201
        own_support = client.post(
            f"{API}{opened.pk}/amendments/{amendment.pk}/support/", {}, format="json"
        )
        assert own_support.status_code == 409
        assert api_as(citizen).get(f"{API}{opened.pk}/").json()["consultation_phase"] == (
            "organizations"
        )
    with at(16):
        late = client.post(
            f"{API}{opened.pk}/comments/",
            {"section_key": "sezione-1", "body": "Troppo tardi.", "organization": org_a.pk},
            format="json",
        )
        assert late.status_code == 409
        assert "per le organizzazioni il 15 ottobre 2026" in late.json()["detail"]
        assert api_as(citizen).get(f"{API}{opened.pk}/").json()["consultation_phase"] == "closed"


def test_a_revision_opened_without_a_closing_date_stays_open_until_adopted(
    in_consultation, citizen
):
    assert in_consultation.consultation_closes_at is None
    with time_machine.travel(datetime(2030, 1, 1, tzinfo=ROME), tick=False):
        assert _comment(citizen, in_consultation).pk
        assert not [
            i
            for i in readiness.open_items(in_consultation)
            if i.kind == readiness.CONSULTATION_STILL_OPEN
        ]


# --- Adoption waits for the closing ----------------------------------------------------


def test_adoption_is_refused_while_the_phase_is_open(opened, carta_editor, api_as):
    with at(12):
        items = readiness.open_items(Revision.objects.get(pk=opened.pk))
        assert [(i.kind, i.label) for i in items] == [
            (readiness.CONSULTATION_STILL_OPEN, "Consultazione aperta fino al 15 ottobre 2026")
        ]
        with pytest.raises(Conflict) as refused:
            services.adopt_revision(actor=carta_editor, revision=opened)
        assert refused.value.code == "not_ready"
        assert "la chiusura della consultazione" in str(refused.value.message)
        listed = api_as(carta_editor).get(f"{API}{opened.pk}/readiness/").json()
        assert listed["ready"] is False
        assert listed["items"][0]["kind"] == "consultation_still_open"
    with at(16):
        adopted = services.adopt_revision(actor=carta_editor, revision=opened)
    assert adopted.status == RevisionStatus.ADOPTED


# --- Extending -------------------------------------------------------------------------


def test_extending_moves_the_closing_later_and_keeps_the_organizations_date(
    opened, api_as, carta_editor
):
    with at(5):
        response = api_as(carta_editor).post(
            f"{API}{opened.pk}/extend-consultation/", {"closes_at": "2026-10-12"}, format="json"
        )
    assert response.status_code == 200
    opened.refresh_from_db()
    assert opened.consultation_closes_at.astimezone(ROME).date() == date(2026, 10, 12)
    assert opened.organizations_close_at.astimezone(ROME).date() == ORGANIZATIONS_CLOSE
    entry = AuditEntry.objects.get(verb="carta.consultation_extended")
    assert entry.changes["closes_at"][0].startswith("2026-10-08")
    assert entry.changes["closes_at"][1].startswith("2026-10-12")


def test_extending_past_the_organizations_date_drops_it(opened, carta_editor):
    with at(5):
        services.extend_consultation(
            actor=carta_editor, revision=opened, closes_at=date(2026, 10, 20)
        )
    opened.refresh_from_db()
    assert opened.organizations_close_at is None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"closes_at": "2026-10-07"}, "closes_at"),  # earlier than the current date
        ({"closes_at": "2026-10-04"}, "closes_at"),  # in the past
        (
            {"closes_at": "2026-10-09", "organizations_close_at": "2026-10-12"},
            "organizations_close_at",
        ),
        ({}, "closes_at"),
    ],
)
def test_a_consultation_is_not_shortened(opened, api_as, carta_editor, values, field):
    with at(5):
        response = api_as(carta_editor).post(
            f"{API}{opened.pk}/extend-consultation/", values, format="json"
        )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    opened.refresh_from_db()
    assert opened.consultation_closes_at.astimezone(ROME).date() == CLOSES


def test_a_closed_consultation_is_not_reopened(opened, carta_editor, in_force):
    with at(9), pytest.raises(Conflict) as refused:
        services.extend_consultation(
            actor=carta_editor, revision=opened, closes_at=date(2026, 10, 20)
        )
    assert refused.value.code == "consultation_closed"
    with pytest.raises(Conflict):
        services.extend_consultation(
            actor=carta_editor, revision=in_force, closes_at=date(2099, 1, 1)
        )


def test_an_old_consultation_gets_its_first_closing_date(in_consultation, carta_editor):
    services.extend_consultation(
        actor=carta_editor, revision=in_consultation, closes_at=date(2099, 10, 8)
    )
    in_consultation.refresh_from_db()
    assert in_consultation.consultation_closes_at.astimezone(ROME).date() == date(2099, 10, 8)


# --- The notice before the closing -----------------------------------------------------


def _run_notices() -> str:
    out = StringIO()
    call_command("carta_closing_notices", stdout=out)
    return out.getvalue()


def test_the_closing_notice_goes_out_once_three_days_before(opened, member_a, citizen):
    with at(2):
        _comment(citizen, opened)  # a contributor outside the network hears it too
    with at(5, 23, 0):
        assert "nothing due" in _run_notices()  # closes in more than three days
    with at(6, 9, 0):
        assert f"revision {opened.number} notified" in _run_notices()
        assert "nothing due" in _run_notices()
    with at(7):
        assert "nothing due" in _run_notices()
    notices = Notification.objects.filter(kind="carta.consultation_closing")
    assert sorted(n.recipient_id for n in notices) == sorted([member_a.pk, citizen.pk])
    notice = notices.get(recipient=citizen)
    assert notice.title == "La consultazione sulla Carta si chiude l'8 ottobre 2026: Revisione 2026"
    assert "fino al 15 ottobre 2026" in notice.body
    opened.refresh_from_db()
    assert opened.closing_notice_sent_at == datetime(2026, 10, 6, 9, 0, tzinfo=ROME)


def test_an_extension_sends_a_new_notice_before_the_new_date(opened, carta_editor, member_a):
    with at(6):
        services.send_closing_notices()
        services.extend_consultation(
            actor=carta_editor, revision=opened, closes_at=date(2026, 10, 20)
        )
    with at(17, 12):
        assert services.send_closing_notices() == []  # more than three days before
    with at(18, 12):
        assert [r.pk for r in services.send_closing_notices()] == [opened.pk]
    titles = list(
        Notification.objects.filter(recipient=member_a, kind="carta.consultation_closing")
        .order_by("pk")
        .values_list("title", flat=True)
    )
    assert [t.split(":")[0] for t in titles] == [
        "La consultazione sulla Carta si chiude l'8 ottobre 2026",
        "La consultazione sulla Carta si chiude il 20 ottobre 2026",
    ]


def test_no_notice_after_the_closing_or_without_a_date(opened, in_consultation):
    with at(9):
        assert services.send_closing_notices() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_the_notice_once():
    editor = UserFactory(is_superuser=True)
    member = UserFactory()
    from tests.factories import MembershipFactory

    MembershipFactory(user=member)
    revision = carta_revision(None, RevisionStatus.DRAFT, sections=1, services=0)
    with time_machine.travel(OPENING, tick=False):
        services.open_consultation(actor=editor, revision=revision, closes_at=CLOSES)
    barrier = threading.Barrier(4)
    sent = []

    def run():
        try:
            barrier.wait(timeout=30)
            sent.extend(services.send_closing_notices(now=datetime(2026, 10, 6, 9, tzinfo=ROME)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [r.pk for r in sent] == [revision.pk]
    assert (
        Notification.objects.filter(kind="carta.consultation_closing", recipient=member).count()
        == 1
    )


# --- The page ---------------------------------------------------------------------------


def test_the_page_shows_the_phase_and_its_dates(opened, client, client_as, member_a):
    with at(3):
        page = client.get(opened.get_absolute_url()).content.decode()
        assert "Consultazione aperta fino all'8 ottobre 2026." in page
        assert "Per le organizzazioni fino al 15 ottobre 2026." in page
    with at(10):
        page = client_as(member_a).get(opened.get_absolute_url()).content.decode()
        assert "Consultazione chiusa l'8 ottobre 2026." in page
        assert "a nome della tua organizzazione" in page
        assert "Me stessa o me stesso" not in page  # only in the organization's name
    with at(16):
        page = client.get(opened.get_absolute_url()).content.decode()
        assert "Consultazione chiusa l'8 ottobre 2026." in page
        assert "Per le organizzazioni si è chiusa il 15 ottobre 2026." in page
        assert "Commenta questa sezione" not in page


def test_opening_from_the_page_keeps_the_typed_dates_when_refused(draft, client_as, carta_editor):
    editor = client_as(carta_editor)
    url = f"/carta/revisioni/{draft.pk}/consultazione/"
    with time_machine.travel(OPENING, tick=False):
        refused = editor.post(
            url, {"closes_at": "2026-10-08", "organizations_close_at": "2026-10-02"}
        )
        assert refused.status_code == 400
        page = refused.content.decode()
        assert 'id="apri-consultazione-organizations_close_at-errore"' in page
        assert "non può precedere la chiusura per tutti" in page
        assert 'value="2026-10-02"' in page and 'value="2026-10-08"' in page
        draft.refresh_from_db()
        assert draft.status == RevisionStatus.DRAFT
        done = editor.post(url, {"closes_at": "2026-10-08"}, follow=True)
        assert "La consultazione è aperta fino all&#x27;8 ottobre 2026." in done.content.decode()
    draft.refresh_from_db()
    assert draft.status == RevisionStatus.IN_CONSULTATION


def test_extending_from_the_page(opened, client_as, carta_editor, citizen):
    with at(4):
        page = client_as(carta_editor).get(opened.get_absolute_url()).content.decode()
        assert 'id="proroga-consultazione"' in page
        assert 'value="2026-10-08"' in page
        assert (
            client_as(citizen)
            .post(f"/carta/revisioni/{opened.pk}/proroga/", {"closes_at": "2026-10-20"})
            .status_code
            == 403
        )
        refused = client_as(carta_editor).post(
            f"/carta/revisioni/{opened.pk}/proroga/", {"closes_at": "2026-10-07"}
        )
        assert refused.status_code == 400
        assert "si può prorogare, non accorciare" in refused.content.decode()
        client_as(carta_editor).post(
            f"/carta/revisioni/{opened.pk}/proroga/", {"closes_at": "2026-10-20"}
        )
    opened.refresh_from_db()
    assert opened.consultation_closes_at.astimezone(ROME).date() == date(2026, 10, 20)


def test_service_refusals_are_errors_not_crashes(draft, carta_editor):
    with pytest.raises(InvalidInput) as refused:
        services.open_consultation(
            actor=carta_editor, revision=draft, organizations_close_at=ORGANIZATIONS_CLOSE
        )
    assert refused.value.field == "closes_at"
