"""The demo Carta: three revisions with the promised history, loaded idempotently."""

import io

import pytest

from carta import demo as core_demo
from carta.demo import DemoContext
from consultations.charter import demo, selectors
from consultations.charter.models import Amendment, Comment, QualityCommitment, Revision, Service
from stakeholders import demo as stakeholders_demo


@pytest.fixture
def loaded(db):
    ctx = DemoContext(stdout=io.StringIO())
    core_demo.load(ctx)
    stakeholders_demo.load(ctx)
    demo.load(ctx)
    return ctx


def test_demo_has_a_superseded_an_in_force_and_a_consulted_revision(loaded):
    statuses = list(Revision.objects.order_by("number").values_list("number", "status"))
    assert statuses == [(1, "superseded"), (2, "adopted"), (3, "in_consultation")]
    in_force = selectors.revision_in_force()
    assert in_force.services.count() >= 15
    assert len({s.area for s in in_force.services.all()}) == 7
    assert QualityCommitment.objects.filter(service__revision=in_force).count() >= 15
    keys = set(in_force.sections.values_list("key", flat=True))
    assert {"principi", "accesso", "reclami"} <= keys


def test_demo_consultation_has_comments_outcomes_and_amendments(loaded):
    draft = Revision.objects.get(number=3)
    comments = Comment.objects.filter(revision=draft)
    assert comments.filter(organization__isnull=False).exists()
    assert set(comments.exclude(outcome="").values_list("outcome", flat=True)) == {
        "accepted",
        "partly_accepted",
        "not_accepted",
    }
    assert set(Amendment.objects.filter(revision=draft).values_list("status", flat=True)) == {
        "open",
        "accepted",
        "rejected",
    }
    _other, changes = selectors.revision_diff(None, draft, draft.based_on_id)
    assert {item["key"] for item in changes["sections"]} >= {"sportelli", "tempi-risposta"}


def test_loading_the_demo_twice_changes_nothing(loaded):
    before = (Revision.objects.count(), Service.objects.count(), Comment.objects.count())
    demo.load(DemoContext(stdout=io.StringIO()))
    assert (Revision.objects.count(), Service.objects.count(), Comment.objects.count()) == before


def test_demo_services_tell_a_citizen_how_to_apply_where_and_what_it_costs(loaded):
    home_care = selectors.revision_in_force().services.get(key="assistenza-domiciliare-anziani")
    assert "sportello sociale" in home_care.how_to_apply
    assert "lunedì" in home_care.where_and_when
    assert "ISEE" in home_care.documents_required
    assert "8.000,00 €" in home_care.costs
    filled = Service.objects.filter(revision__status="adopted").exclude(how_to_apply="")
    assert filled.count() == len(demo.PRACTICAL)
