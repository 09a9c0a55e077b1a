"""The door onto the real Carta models: only services of the adopted revision count."""

import pytest

from carta.errors import InvalidInput
from feedback import charter

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_carta():
    if not charter.ConsultationsSource().available():
        pytest.skip("the Carta's models are not there yet")
    from consultations.models import QualityCommitment, Revision, Service

    old = Revision.objects.create(number=1, title="Carta 2024", status="superseded")
    current = Revision.objects.create(number=2, title="Carta 2026", status="adopted")
    old_service = Service.objects.create(revision=old, key="sad", title="SAD", area="elderly")
    service = Service.objects.create(
        revision=current, key="sad", title="Assistenza domiciliare", area="elderly"
    )
    commitment = QualityCommitment.objects.create(
        service=service,
        key="sad-tempi",
        indicator="Giorni per l'attivazione",
        direction="at_most",
        target_value="30",
        unit="giorni",
    )
    return {"old": old_service, "service": service, "commitment": commitment}


def test_services_of_the_revision_in_force_are_accepted(real_carta):
    info = charter.service_in_force(real_carta["service"].pk)
    assert (info.key, info.title) == ("sad", "Assistenza domiciliare")


def test_a_service_of_a_superseded_revision_is_refused_on_the_service_field(real_carta):
    with pytest.raises(InvalidInput) as raised:
        charter.service_in_force(real_carta["old"].pk)
    assert raised.value.field == "service"


def test_catalogue_costs_two_queries_and_carries_commitments(real_carta, django_assert_num_queries):
    with django_assert_num_queries(2):
        catalogue = charter.catalogue()
    (service,) = catalogue
    (commitment,) = service.commitments
    assert (commitment.direction, str(commitment.target)) == ("at_most", "30.00")
    assert charter.commitment_in_force(real_carta["commitment"].pk).service_key == "sad"


def test_evaluating_a_superseded_service_through_the_api_is_a_400(api, real_carta):
    rating = {"access": 3, "timeliness": 3, "courtesy": 3, "clarity": 3, "overall": 3}
    bad = api.post("/api/v1/evaluations/", {"service": real_carta["old"].pk, **rating})
    assert bad.status_code == 400 and "service" in bad.json()["errors"]
    good = api.post("/api/v1/evaluations/", {"service": real_carta["service"].pk, **rating})
    assert good.status_code == 201
