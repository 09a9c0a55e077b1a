"""The Carta as feedback reads it: only services and commitments of the adopted revision
count."""

import pytest

from carta.errors import InvalidInput
from consultations.charter.models import RevisionStatus
from feedback import charter
from tests.factories import (
    QualityCommitmentFactory,
    RevisionFactory,
    ServiceFactory,
    carta_revision,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_carta():
    old = RevisionFactory(number=1, status=RevisionStatus.SUPERSEDED)
    current = RevisionFactory(number=2, status=RevisionStatus.ADOPTED)
    old_service = ServiceFactory(revision=old, key="sad", title="SAD")
    service = ServiceFactory(revision=current, key="sad", title="Assistenza domiciliare")
    commitment = QualityCommitmentFactory(
        service=service, key="sad-tempi", direction="at_most", target_value="30"
    )
    draft = carta_revision(number=3, status=RevisionStatus.DRAFT)
    return {"old": old_service, "service": service, "commitment": commitment, "draft": draft}


def test_services_of_the_revision_in_force_are_accepted(real_carta):
    info = charter.service_in_force(real_carta["service"].pk)
    assert (info.key, info.title) == ("sad", "Assistenza domiciliare")


def test_a_service_of_a_superseded_revision_is_refused_on_the_service_field(real_carta):
    with pytest.raises(InvalidInput) as raised:
        charter.service_in_force(real_carta["old"].pk)
    assert raised.value.field == "service"


def test_catalogue_costs_two_queries_and_carries_commitments(real_carta, django_assert_num_queries):
    with django_assert_num_queries(2):
        (service,) = charter.catalogue()
        (commitment,) = service.commitments.all()  # prefetched
    assert (commitment.direction, str(commitment.target_value)) == ("at_most", "30.00")
    assert charter.commitment_in_force(real_carta["commitment"].pk).service.key == "sad"


def test_services_and_commitments_of_a_draft_are_refused(real_carta):
    service = real_carta["draft"].services.first()
    with pytest.raises(InvalidInput) as raised:
        charter.service_in_force(service.pk)
    assert raised.value.field == "service"
    with pytest.raises(InvalidInput) as raised:
        charter.commitment_in_force(service.commitments.first().pk)
    assert raised.value.field == "commitment"


def test_evaluating_a_superseded_service_through_the_api_is_a_400(api, real_carta):
    rating = {"access": 3, "timeliness": 3, "courtesy": 3, "clarity": 3, "overall": 3}
    bad = api.post("/api/v1/evaluations/", {"service": real_carta["old"].pk, **rating})
    assert bad.status_code == 400 and "service" in bad.json()["errors"]
    good = api.post("/api/v1/evaluations/", {"service": real_carta["service"].pk, **rating})
    assert good.status_code == 201
