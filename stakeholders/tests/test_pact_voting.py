"""After the grace period an organization whose pact is not renewed casts no ballot, and
the refusal says why; within it, and once renewed, it votes."""

import datetime

import pytest
from django.utils import timezone, translation

from carta.dates import on_date
from consultations.voting import permissions as voting_perms
from consultations.voting.models import QuestionKind, VoterRecord
from stakeholders import services
from stakeholders.models import Organization
from tests.factories import ConsultationFactory, RevisionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(db):
    return ConsultationFactory(
        electorate="organizations",
        questions=[{"kind": QuestionKind.YES_NO, "text": "Approvi la nuova Carta?"}],
    )


def ballot(consultation, organization) -> dict:
    question = consultation.questions.get()
    return {"answers": {str(question.pk): "yes"}, "organization": organization.pk}


def renew_by(organization, days: int) -> None:
    RevisionFactory(number=1, status="adopted")
    Organization.objects.filter(pk=organization.pk).update(
        pact_revision_number=None,
        pact_renewal_revision_number=1,
        pact_renewal_requested_at=timezone.now() - datetime.timedelta(days=60),
        pact_renew_by=timezone.now() + datetime.timedelta(days=days),
    )
    organization.refresh_from_db()


def post(api_as, user, consultation, organization):
    return api_as(user).post(
        f"/api/v1/consultations/{consultation.pk}/ballots/",
        ballot(consultation, organization),
        format="json",
    )


def test_an_organization_past_its_grace_period_is_refused_its_ballot(
    api_as, rep_a, org_a, consultation
):
    renew_by(org_a, -1)
    response = post(api_as, rep_a, consultation, org_a)
    assert response.status_code == 403
    detail = response.json()["detail"]
    with translation.override("it"):
        day = on_date(timezone.localtime(org_a.pact_renew_by).date(), "il")
    assert f"il patto non è stato rinnovato entro {day}." in detail
    assert org_a.legal_name in detail
    assert not VoterRecord.objects.exists()
    assert org_a not in voting_perms.organizations_voting_for(rep_a)
    assert rep_a not in voting_perms.organization_voters()


def test_within_the_grace_period_the_organization_votes(api_as, rep_a, org_a, consultation):
    renew_by(org_a, 3)
    response = post(api_as, rep_a, consultation, org_a)
    assert response.status_code == 201, response.json()
    assert VoterRecord.objects.get().organization == org_a
    assert rep_a in voting_perms.organization_voters()


def test_once_renewed_the_organization_votes_again(api_as, rep_a, org_a, consultation):
    renew_by(org_a, -1)
    services.accept_pact(actor=rep_a, organization=org_a, revision_number=1)
    response = post(api_as, rep_a, consultation, org_a)
    assert response.status_code == 201, response.json()


def test_a_stranger_is_refused_with_the_usual_message(api_as, member_b, org_a, consultation):
    response = post(api_as, member_b, consultation, org_a)
    assert response.status_code == 403
    assert response.json()["detail"] == "Non puoi votare a nome di questa organizzazione."
