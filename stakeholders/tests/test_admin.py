import pytest

pytestmark = pytest.mark.django_db


def test_admin_lists_and_opens_organizations(client_as, admin, org_a, rep_a):
    client = client_as(admin)
    assert org_a.legal_name in client.get("/admin/stakeholders/organization/").content.decode()
    page = client.get(f"/admin/stakeholders/organization/{org_a.pk}/change/").content.decode()
    assert str(rep_a) in page
    assert (
        client.get(f"/admin/stakeholders/organization/{org_a.pk}/permissions/").status_code == 200
    )
