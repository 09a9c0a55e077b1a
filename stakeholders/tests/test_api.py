import pytest
from django.core import mail

from carta.models import AuditEntry
from stakeholders.models import Membership, OrganizationStatus, Resource, Role
from tests.factories import (
    MembershipFactory,
    MunicipalityFactory,
    OrganizationFactory,
    ResourceFactory,
    make_tax_code,
)

pytestmark = pytest.mark.django_db

ORGS = "/api/v1/organizations/"
RESOURCES = "/api/v1/resources/"


def test_apply_creates_a_pending_organization_with_its_representative(api_as, citizen):
    place = MunicipalityFactory()
    response = api_as(citizen).post(
        ORGS,
        {
            "legal_name": "Fondazione Casa Aperta",
            "kind": "foundation",
            "tax_code": make_tax_code(4242),
            "municipalities": [place.pk],
            "areas": ["poverty"],
            "accept_pact": True,
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "pending"
    assert body["municipalities"] == [place.pk]
    assert body["areas"] == ["poverty"]
    assert Membership.objects.get(organization_id=body["id"]).role == Role.REPRESENTATIVE


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("tax_code", "12345678901"),
        ("areas", ["astrology"]),
        ("municipalities", [999999]),
        ("kind", "club"),
    ],
)
def test_bad_application_answers_400_naming_the_field(api_as, citizen, field, value):
    data = {"legal_name": "X", "kind": "odv", "tax_code": make_tax_code(77)}
    data[field] = value
    response = api_as(citizen).post(ORGS, data)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert any(key.startswith(field) for key in body["errors"]), body


def test_duplicate_tax_code_is_400_with_a_translated_message(api_as, citizen, org_a):
    response = api_as(citizen).post(
        ORGS, {"legal_name": "Copia", "kind": "odv", "tax_code": org_a.tax_code}
    )
    assert response.status_code == 400
    assert "già iscritta" in response.json()["errors"]["tax_code"][0]


def test_pending_organization_is_404_to_the_public_and_visible_to_members(
    api, api_as, citizen, moderator
):
    pending = OrganizationFactory(status=OrganizationStatus.PENDING)
    member = MembershipFactory(organization=pending).user
    assert api.get(f"{ORGS}{pending.pk}/").status_code == 404
    assert api_as(citizen).get(f"{ORGS}{pending.pk}/").status_code == 404
    assert api_as(member).get(f"{ORGS}{pending.pk}/").status_code == 200
    assert api_as(moderator).get(f"{ORGS}{pending.pk}/").status_code == 200
    listed = [row["id"] for row in api.get(ORGS).json()["results"]]
    assert pending.pk not in listed


def test_directory_search_and_filters(api):
    place = MunicipalityFactory()
    target = OrganizationFactory(
        legal_name="Cooperativa Sociale Il Melograno", kind="coop_a", areas=["disability"]
    )
    target.municipalities.add(place)
    OrganizationFactory(legal_name="ODV Amici", kind="odv", areas=["elderly"])

    def ids(**params):
        return [row["id"] for row in api.get(ORGS, params).json()["results"]]

    assert ids(q="melograno") == [target.pk]
    assert ids(kind="coop_a") == [target.pk]
    assert ids(area="disability") == [target.pk]
    assert ids(area="nonsense") == []
    assert ids(municipality=place.pk) == [target.pk]


def test_decisions_through_the_api(api_as, moderator, rep_a, org_a):
    response = api_as(moderator).post(f"{ORGS}{org_a.pk}/suspend/", {})
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    response = api_as(moderator).post(f"{ORGS}{org_a.pk}/suspend/", {"reason": "Verifica"})
    assert response.status_code == 200
    assert response.json()["status"] == "suspended"
    response = api_as(moderator).post(f"{ORGS}{org_a.pk}/suspend/", {"reason": "Ancora"})
    assert response.status_code == 409
    response = api_as(rep_a).post(f"{ORGS}{org_a.pk}/reinstate/", {})
    assert response.status_code == 403
    response = api_as(moderator).post(f"{ORGS}{org_a.pk}/reinstate/", {})
    assert response.json()["status"] == "verified"
    assert AuditEntry.objects.filter(verb="organization.reinstate").exists()


def test_members_invite_accept_change_role_and_remove(api_as, rep_a, org_a, citizen):
    client = api_as(rep_a)
    url = f"{ORGS}{org_a.pk}/members/"
    response = client.post(url, {"email": citizen.email, "role": "editor"})
    assert response.status_code == 201
    assert response.json()["invitation"]["role"] == "editor"
    # The existing account is notified in-app and by email, with the link.
    link = citizen.notifications.get(kind="member.invited").url
    token = link.rstrip("/").split("/")[-1]
    assert api_as(citizen).get(f"/api/v1/invitations/{token}/").json()["role"] == "editor"
    response = api_as(citizen).post(f"/api/v1/invitations/{token}/accept/")
    assert response.status_code == 200
    assert response.json()["role"] == "editor"
    response = api_as(citizen).post(f"/api/v1/invitations/{token}/accept/")
    assert response.status_code == 409
    response = client.patch(f"{url}{citizen.pk}/", {"role": "boss"})
    assert response.status_code == 400
    assert "role" in response.json()["errors"]
    response = client.patch(f"{url}{citizen.pk}/", {"role": "member"})
    assert response.json()["role"] == "member"
    usernames = [row["username"] for row in client.get(url).json()["results"]]
    assert citizen.username in usernames
    assert client.delete(f"{url}{citizen.pk}/").status_code == 204
    assert not Membership.objects.filter(user=citizen, organization=org_a).exists()
    del mail.outbox[:]


def test_last_representative_cannot_leave_via_api(api_as, rep_a, org_a):
    response = api_as(rep_a).delete(f"{ORGS}{org_a.pk}/members/{rep_a.pk}/")
    assert response.status_code == 409
    assert "rappresentante" in response.json()["detail"]


def test_add_by_username_and_either_or_validation(api_as, rep_a, org_a, citizen):
    url = f"{ORGS}{org_a.pk}/members/"
    response = api_as(rep_a).post(url, {"username": citizen.username, "email": "a@b.it"})
    assert response.status_code == 400
    response = api_as(rep_a).post(url, {"username": citizen.username})
    assert response.status_code == 201
    assert response.json()["invitation"]["role"] == "member"


def test_members_list_of_a_visible_organization_is_403_to_outsiders(api_as, member_b, org_a):
    assert api_as(member_b).get(f"{ORGS}{org_a.pk}/members/").status_code == 403


def test_resource_crud_and_visibility(api, api_as, editor_a, org_a, citizen, member_b):
    response = api_as(editor_a).post(
        RESOURCES,
        {
            "organization": org_a.pk,
            "kind": "volunteer_hours",
            "title": "Accompagnamento alle visite",
            "areas": ["elderly"],
            "visibility": "network",
            "available_from": "2026-01-01",
            "available_until": "2026-12-31",
        },
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert api.get(f"{RESOURCES}{pk}/").status_code == 404
    assert api_as(citizen).get(f"{RESOURCES}{pk}/").status_code == 404
    assert api_as(member_b).get(f"{RESOURCES}{pk}/").status_code == 200
    assert api_as(member_b).patch(f"{RESOURCES}{pk}/", {"title": "x"}).status_code == 403
    response = api_as(editor_a).patch(f"{RESOURCES}{pk}/", {"visibility": "public"})
    assert response.json()["visibility"] == "public"
    assert api.get(f"{RESOURCES}{pk}/").status_code == 200
    response = api_as(editor_a).patch(f"{RESOURCES}{pk}/", {"available_until": "2025-01-01"})
    assert response.status_code == 400
    assert "available_until" in response.json()["errors"]
    assert api_as(editor_a).delete(f"{RESOURCES}{pk}/").status_code == 204
    assert not Resource.objects.filter(pk=pk).exists()


def test_suspended_organization_resources_leave_public_view(api, api_as, org_a, moderator):
    resource = ResourceFactory(organization=org_a)
    assert api.get(f"{RESOURCES}{resource.pk}/").status_code == 200
    api_as(moderator).post(f"{ORGS}{org_a.pk}/suspend/", {"reason": "Verifica"})
    assert api.get(f"{RESOURCES}{resource.pk}/").status_code == 404
    assert resource.pk not in [r["id"] for r in api.get(RESOURCES).json()["results"]]
    assert api.get(f"{ORGS}{org_a.pk}/").status_code == 404


def test_writing_for_an_organization_one_does_not_belong_to(api_as, member_b, org_a, citizen):
    hidden = OrganizationFactory(status=OrganizationStatus.PENDING)
    data = {"kind": "space", "title": "Sala"}
    assert api_as(member_b).post(RESOURCES, {**data, "organization": org_a.pk}).status_code == 403
    assert api_as(citizen).post(RESOURCES, {**data, "organization": hidden.pk}).status_code == 404


def test_schema_lists_every_stakeholders_path(api):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/organizations/",
        "/api/v1/organizations/{id}/",
        "/api/v1/organizations/{id}/verify/",
        "/api/v1/organizations/{id}/reject/",
        "/api/v1/organizations/{id}/suspend/",
        "/api/v1/organizations/{id}/reinstate/",
        "/api/v1/organizations/{organization_pk}/members/",
        "/api/v1/organizations/{organization_pk}/members/{user_id}/",
        "/api/v1/invitations/{token}/accept/",
        "/api/v1/invitations/{token}/decline/",
        "/api/v1/resources/",
        "/api/v1/resources/{id}/",
    ):
        assert path in paths, path
    assert "requestBody" in paths["/api/v1/organizations/"]["post"]


def test_the_schema_admits_the_blank_contacts_the_api_returns(api, org_a):
    import jsonschema_rs

    org_a.email = org_a.pec = org_a.website = ""
    org_a.save()
    body = api.get(f"{ORGS}{org_a.pk}/").json()
    schema = api.get("/api/schema/", {"format": "json"}).json()
    properties = schema["components"]["schemas"]["Organization"]["properties"]
    for name, good in (
        ("email", "info@example.org"),
        ("pec", "info@pec.example.org"),
        ("website", "https://example.org"),
    ):
        assert body[name] == ""
        validator = jsonschema_rs.validator_for(properties[name], validate_formats=True)
        assert validator.is_valid(""), name
        assert validator.is_valid(good), name
        assert not validator.is_valid("non è un indirizzo"), name


def test_patch_of_a_member_with_only_can_vote_keeps_the_role(api_as, rep_a, org_a, member_a):
    url = f"{ORGS}{org_a.pk}/members/{member_a.pk}/"
    response = api_as(rep_a).patch(url, {"can_vote": True}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["role"], response.json()["can_vote"]) == ("member", True)
    membership = Membership.objects.get(user=member_a, organization=org_a)
    assert (membership.role, membership.can_vote) == (Role.MEMBER, True)
    assert member_a.has_perm("stakeholders.vote_for_organization", org_a)
    entry = AuditEntry.objects.get(verb="member.role_changed")
    assert entry.changes["can_vote"] == [False, True]
    assert "role" not in entry.changes
