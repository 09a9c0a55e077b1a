"""A rejected application may be corrected and presented again with the same tax code: a
new application, while the rejected one stays in the history; a pending, verified or
suspended organization still holds its tax code ("già iscritta")."""

import pytest
from django.urls import reverse

from carta.errors import Conflict, InvalidInput
from carta.models import AuditEntry
from stakeholders import selectors, services
from stakeholders.models import Organization, OrganizationStatus
from tests.concurrency import run_together
from tests.factories import UserFactory, make_tax_code

pytestmark = pytest.mark.django_db

TAX_CODE = make_tax_code(9301)


def apply(actor, **overrides):
    values = {
        "legal_name": "APS Il Ponte",
        "kind": "aps",
        "tax_code": TAX_CODE,
        "runts_number": "12345",
        "areas": ["elderly"],
        "accept_pact": True,
    }
    values.update(overrides)
    return services.apply_organization(actor=actor, **values)


def reject(moderator, organization, reason="Manca l'atto costitutivo"):
    return services.reject_organization(actor=moderator, organization=organization, reason=reason)


@pytest.mark.parametrize("status", ["pending", "verified", "suspended"])
def test_a_tax_code_held_by_a_live_organization_is_refused(citizen, status):
    first = apply(citizen)
    Organization.objects.filter(pk=first.pk).update(status=status)
    with pytest.raises(InvalidInput) as error:
        apply(UserFactory(), legal_name="Altro nome")
    assert error.value.field == "tax_code"
    assert "già iscritta" in str(error.value.message)
    assert Organization.objects.filter(tax_code=TAX_CODE).count() == 1


def test_rejected_organization_reapplies_and_the_rejection_stays(citizen, moderator):
    first = apply(citizen)
    reject(moderator, first)
    second = apply(citizen, legal_name="APS Il Ponte ETS", runts_number="54321")
    assert second.pk != first.pk
    assert second.status == OrganizationStatus.PENDING
    first.refresh_from_db()
    assert first.status == OrganizationStatus.REJECTED
    assert first.status_reason == "Manca l'atto costitutivo"
    history = list(selectors.earlier_applications(second))
    assert history == [first]
    audit = AuditEntry.objects.filter(verb="organization.applied").order_by("-id").first()
    assert audit.changes == {"rejected_applications": [first.pk]}
    # The corrected application holds the tax code again.
    with pytest.raises(InvalidInput):
        apply(UserFactory(), legal_name="Terzo")


def test_a_new_applicant_may_use_a_rejected_tax_code(citizen, moderator):
    reject(moderator, apply(citizen))
    other = UserFactory(username="nuova_presidente")
    second = apply(other)
    assert second.memberships.get().user == other


def test_verifying_a_rejected_application_while_a_newer_one_is_live_is_a_conflict(
    citizen, moderator
):
    first = apply(citizen)
    reject(moderator, first)
    apply(citizen)
    with pytest.raises(Conflict) as error:
        services.verify_organization(actor=moderator, organization=first)
    assert error.value.code == "tax_code_taken"
    first.refresh_from_db()
    assert first.status == OrganizationStatus.REJECTED


def test_api_reapplication_and_already_registered_error(api_as, citizen, moderator):
    body = {"legal_name": "APS Il Ponte", "kind": "aps", "tax_code": TAX_CODE, "accept_pact": True}
    first = api_as(citizen).post("/api/v1/organizations/", body, format="json")
    assert first.status_code == 201
    again = api_as(UserFactory()).post("/api/v1/organizations/", body, format="json")
    assert again.status_code == 400
    assert "già iscritta" in again.json()["errors"]["tax_code"][0]
    reject(moderator, Organization.objects.get(pk=first.json()["id"]))
    second = api_as(citizen).post("/api/v1/organizations/", body, format="json")
    assert second.status_code == 201
    assert second.json()["id"] != first.json()["id"]
    assert second.json()["status"] == "pending"


def test_rejected_representative_reapplies_from_the_page(client_as, citizen, moderator):
    first = apply(citizen, description="Centro anziani")
    reject(moderator, first)
    client = client_as(citizen)
    page = client.get(first.get_absolute_url()).content.decode()
    assert "Correggi e ripresenta la domanda" in page
    form = client.get(reverse("organization_apply") + f"?da={first.pk}")
    assert form.status_code == 200
    text = form.content.decode()
    assert "Stai ripresentando la domanda di APS Il Ponte" in text
    assert "Manca l&#x27;atto costitutivo" in text
    assert f'value="{TAX_CODE}"' in text
    # Another person cannot start from someone else's rejected application.
    assert client_as(UserFactory()).get(
        reverse("organization_apply") + f"?da={first.pk}"
    ).status_code in (403, 404)
    response = client.post(
        reverse("organization_apply"),
        {
            "legal_name": "APS Il Ponte",
            "kind": "aps",
            "tax_code": TAX_CODE,
            "runts_number": "12345",
            "description": "Centro anziani, con atto costitutivo allegato",
            "accept_pact": "on",
        },
    )
    assert response.status_code == 302
    second = Organization.objects.exclude(pk=first.pk).get(tax_code=TAX_CODE)
    assert second.status == OrganizationStatus.PENDING
    assert second.description == "Centro anziani, con atto costitutivo allegato"
    # Staff read the earlier rejection on the new application's page.
    staff = client_as(moderator).get(second.get_absolute_url()).content.decode()
    assert "Altre domande con lo stesso codice fiscale" in staff
    assert "Manca l&#x27;atto costitutivo" in staff


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_applications_at_once_with_one_tax_code_one_wins():
    people = [UserFactory() for _ in range(6)]

    def attempt(person):
        def run():
            try:
                apply(person)
            except InvalidInput as error:
                return f"refused:{error.field}"
            return "applied"

        return run

    outcomes = run_together([attempt(person) for person in people])
    assert sorted(outcomes) == ["applied"] + ["refused:tax_code"] * 5
    assert Organization.objects.filter(tax_code=TAX_CODE).count() == 1
