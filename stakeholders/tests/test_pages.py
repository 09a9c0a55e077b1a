import pytest

from carta.models import Area
from stakeholders import services
from stakeholders.models import Invitation, Membership, Organization, OrganizationStatus, Resource
from tests.factories import MunicipalityFactory, OrganizationFactory, ResourceFactory, make_tax_code

pytestmark = pytest.mark.django_db


def test_directory_shows_verified_organizations_and_filters(client, org_a, org_b):
    OrganizationFactory(legal_name="Gruppo Nascosto", status=OrganizationStatus.PENDING)
    html = client.get("/organizzazioni/").content.decode()
    assert "Cooperativa Sociale Il Melograno" in html
    assert "ODV Amici di Valtirino" in html
    assert "Gruppo Nascosto" not in html
    html = client.get("/organizzazioni/", {"q": "melograno"}).content.decode()
    assert "Il Melograno" in html and "Amici di Valtirino" not in html
    html = client.get("/organizzazioni/", {"kind": "odv"}).content.decode()
    assert "Il Melograno" not in html and "Amici di Valtirino" in html


def test_profile_shows_resources_and_hides_network_ones_from_citizens(client_as, org_a, citizen):
    ResourceFactory(organization=org_a, title="Sala Polivalente")
    ResourceFactory(organization=org_a, title="Furgone attrezzato", visibility="network")
    html = client_as(citizen).get(f"/organizzazioni/{org_a.pk}/").content.decode()
    assert "Sala Polivalente" in html
    assert "Furgone attrezzato" not in html
    assert "Modifica il profilo" not in html


def test_profile_of_a_pending_organization_is_404_to_the_public(client, client_as, moderator):
    pending = OrganizationFactory(status=OrganizationStatus.PENDING)
    assert client.get(f"/organizzazioni/{pending.pk}/").status_code == 404
    html = client_as(moderator).get(f"/organizzazioni/{pending.pk}/").content.decode()
    assert (
        "Decisione dell&#x27;Ufficio di Piano" in html or "Decisione dell'Ufficio di Piano" in html
    )


def test_apply_page_creates_an_application(client_as, citizen):
    place = MunicipalityFactory()
    client = client_as(citizen)
    assert "Domanda di adesione" in client.get("/organizzazioni/aderisci/").content.decode()
    response = client.post(
        "/organizzazioni/aderisci/",
        {
            "legal_name": "APS La Bottega Solidale",
            "kind": "aps",
            "tax_code": make_tax_code(31337),
            "municipalities": [place.pk],
            "areas": [Area.POVERTY],
            "accept_pact": "on",
        },
    )
    organization = Organization.objects.get(legal_name="APS La Bottega Solidale")
    assert response.status_code == 302
    assert response["Location"] == f"/organizzazioni/{organization.pk}/"
    assert organization.pact_accepted_at is not None
    assert Membership.objects.filter(user=citizen, organization=organization).exists()


def test_apply_page_shows_the_tax_code_error(client_as, citizen):
    response = client_as(citizen).post(
        "/organizzazioni/aderisci/",
        {"legal_name": "X", "kind": "aps", "tax_code": "12345678901", "accept_pact": "on"},
    )
    assert response.status_code == 400
    assert "cifra di controllo" in response.content.decode()


def test_apply_page_requires_login(client):
    response = client.get("/organizzazioni/aderisci/")
    assert response.status_code == 302
    assert "accedi" in response["Location"]


def test_edit_page_for_representative_only(client_as, org_a, rep_a, editor_a):
    assert client_as(editor_a).get(f"/organizzazioni/{org_a.pk}/modifica/").status_code == 403
    client = client_as(rep_a)
    assert client.get(f"/organizzazioni/{org_a.pk}/modifica/").status_code == 200
    response = client.post(
        f"/organizzazioni/{org_a.pk}/modifica/",
        {
            "legal_name": org_a.legal_name,
            "kind": org_a.kind,
            "tax_code": org_a.tax_code,
            "description": "Servizi educativi per l'infanzia",
        },
    )
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.description == "Servizi educativi per l'infanzia"


def test_members_page_invites_and_shows_the_link_once(client_as, org_a, rep_a, member_a):
    client = client_as(rep_a)
    html = client.get(f"/organizzazioni/{org_a.pk}/membri/").content.decode()
    assert member_a.username in html
    response = client.post(
        f"/organizzazioni/{org_a.pk}/membri/",
        {"invite-email": "nuovo@example.org", "invite-role": "editor"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "/inviti/" in html
    assert Invitation.objects.filter(email="nuovo@example.org", role="editor").exists()


def test_members_page_last_representative_cannot_be_demoted(client_as, org_a, rep_a):
    client = client_as(rep_a)
    response = client.post(
        f"/organizzazioni/{org_a.pk}/membri/{rep_a.pk}/ruolo/",
        {f"m{rep_a.pk}-role": "member"},
        follow=True,
    )
    assert "almeno un rappresentante" in response.content.decode()
    assert Membership.objects.get(user=rep_a, organization=org_a).role == "representative"


def test_members_page_is_403_for_another_organization(client_as, org_a, member_b):
    assert client_as(member_b).get(f"/organizzazioni/{org_a.pk}/membri/").status_code == 403


def test_invitation_page_accepts(client, client_as, org_a, rep_a, citizen):
    _invitation, token = services.invite_member(
        actor=rep_a, organization=org_a, email=citizen.email, role="member"
    )
    html = client.get(f"/inviti/{token}/").content.decode()
    assert "Invito a far parte di Cooperativa Sociale Il Melograno" in html
    response = client_as(citizen).post(f"/inviti/{token}/", {"decision": "accept"})
    assert response.status_code == 302
    assert Membership.objects.filter(user=citizen, organization=org_a).exists()
    html = client_as(citizen).get(f"/inviti/{token}/").content.decode()
    assert "già stato accettato" in html
    assert client.get("/inviti/sconosciuto/").status_code == 404


def test_staff_queue_verifies_and_rejects(client_as, moderator, citizen):
    pending = OrganizationFactory(legal_name="ODV In Attesa", status=OrganizationStatus.PENDING)
    assert client_as(citizen).get("/organizzazioni/in-attesa/").status_code == 403
    client = client_as(moderator)
    assert "ODV In Attesa" in client.get("/organizzazioni/in-attesa/").content.decode()
    response = client.post(
        f"/organizzazioni/{pending.pk}/decisione/reject/", {"next": "queue"}, follow=True
    )
    assert "Indica la motivazione" in response.content.decode()
    client.post(f"/organizzazioni/{pending.pk}/decisione/verify/", {"next": "queue"})
    pending.refresh_from_db()
    assert pending.status == OrganizationStatus.VERIFIED


def test_resource_catalogue_create_edit_delete(client, client_as, org_a, editor_a):
    ResourceFactory(organization=org_a, title="Orto sociale")
    assert "Orto sociale" in client.get("/risorse/").content.decode()
    c = client_as(editor_a)
    assert "Registra una risorsa" in c.get("/risorse/").content.decode()
    response = c.post(
        "/risorse/nuova/",
        {
            "organization": org_a.pk,
            "kind": "space",
            "title": "Aula studio",
            "visibility": "public",
            "available_from": "2026-03-01",
            "available_until": "2026-02-01",
        },
    )
    assert response.status_code == 400
    assert "non può precedere" in response.content.decode()
    response = c.post(
        "/risorse/nuova/",
        {"organization": org_a.pk, "kind": "space", "title": "Aula studio", "visibility": "public"},
    )
    resource = Resource.objects.get(title="Aula studio")
    assert response["Location"] == f"/risorse/{resource.pk}/"
    response = c.post(
        f"/risorse/{resource.pk}/modifica/",
        {"kind": "space", "title": "Aula studio grande", "visibility": "network"},
    )
    resource.refresh_from_db()
    assert (resource.title, resource.visibility) == ("Aula studio grande", "network")
    assert client.get(f"/risorse/{resource.pk}/").status_code == 404
    c.post(f"/risorse/{resource.pk}/elimina/")
    assert not Resource.objects.filter(pk=resource.pk).exists()


def test_resource_create_is_403_for_plain_members(client_as, member_a):
    assert client_as(member_a).get("/risorse/nuova/").status_code == 403
