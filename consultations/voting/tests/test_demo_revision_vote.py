"""The demo closes the Carta's cycle: an adopted revision with its act, a revision in its
consultation phase with closing dates, a vote on it with the prepared questions, and a
readiness checklist with items still open. Loaded twice, it changes nothing."""

import io

import pytest
from django.utils import timezone

from carta import demo as core_demo
from carta.demo import DemoContext
from consultations.charter import demo as charter_demo
from consultations.charter import permissions as carta_perms
from consultations.charter import readiness
from consultations.charter.models import Revision
from consultations.voting import demo as voting_demo
from consultations.voting.models import Consultation
from stakeholders import demo as stakeholders_demo


def _load_all():
    ctx = DemoContext(stdout=io.StringIO())
    core_demo.load(ctx)
    stakeholders_demo.load(ctx)
    charter_demo.load(ctx)
    voting_demo.load(ctx)


@pytest.fixture
def loaded(db):
    _load_all()


def test_the_revision_in_force_carries_its_act(loaded):
    in_force = Revision.objects.get(number=2)
    assert in_force.status == "adopted"
    assert (in_force.act_body, in_force.act_number) == (
        "Assemblea dei Sindaci dell'Ambito",
        "7/2024",
    )
    assert in_force.act_date.isoformat() == "2024-04-15"
    assert in_force.effective_from.isoformat() == "2024-04-22"


def test_the_revision_in_consultation_has_its_phase_and_open_items(loaded):
    revision = Revision.objects.get(number=3)
    today = timezone.localdate()
    closes = timezone.localtime(revision.consultation_closes_at).date()
    organizations = timezone.localtime(revision.organizations_close_at).date()
    assert (closes - today).days == 21 and (organizations - today).days == 28
    assert carta_perms.consultation_phase(revision) == carta_perms.PHASE_OPEN
    kinds = {item.kind for item in readiness.open_items(revision)}
    assert {
        readiness.CONSULTATION_STILL_OPEN,
        readiness.COMMENT_WITHOUT_OUTCOME,
        readiness.AMENDMENT_UNDECIDED,
        "consultation_open",
    } <= kinds


def test_the_vote_on_the_revision_has_the_prepared_questions(loaded):
    revision = Revision.objects.get(number=3)
    vote = Consultation.objects.get(title=voting_demo.REVISION_VOTE_TITLE)
    assert vote.revision == revision
    assert vote.status == "upcoming"
    assert vote.opens_at > revision.consultation_closes_at
    texts = list(vote.questions.order_by("position").values_list("text", flat=True))
    assert texts[0] == "Approvi questa revisione della Carta?"
    assert any("«Sportelli, orari e accesso online»" in t for t in texts)
    assert any(t.startswith("Approvi la proposta di modifica n.") for t in texts)


def test_loading_twice_changes_nothing(loaded):
    before = (
        list(
            Revision.objects.order_by("pk").values_list(
                "pk", "consultation_closes_at", "act_number"
            )
        ),
        list(Consultation.objects.order_by("pk").values_list("pk", "title")),
    )
    _load_all()
    after = (
        list(
            Revision.objects.order_by("pk").values_list(
                "pk", "consultation_closes_at", "act_number"
            )
        ),
        list(Consultation.objects.order_by("pk").values_list("pk", "title")),
    )
    assert after == before


def test_an_older_demo_database_gets_the_dates_and_acts(loaded):
    Revision.objects.filter(number=3).update(
        consultation_closes_at=None, organizations_close_at=None
    )
    Revision.objects.filter(number=2).update(act_number="")
    _load_all()
    assert Revision.objects.get(number=3).consultation_closes_at is not None
    assert Revision.objects.get(number=2).act_number == "7/2024"
