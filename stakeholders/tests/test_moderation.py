"""Resources and organization profiles can be flagged and hidden (``carta.moderation``):
a hidden resource leaves public view (page 404, lists, search, API) while its
organization and staff still see it; a hidden profile keeps the organization in the
network and hides only the text it wrote about itself."""

import pytest
from django.urls import reverse

from carta import moderation
from carta.errors import NotFound
from carta.models import Flag, ModerationEntry, Notification
from stakeholders import selectors
from tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def resource(org_a, rep_a):
    return ResourceFactory(
        organization=org_a, title="Pulmino attrezzato", description="Nove posti e pedana"
    )


def _hide(moderator, target, reason="Contenuto pubblicitario"):
    return moderation.hide_content(actor=moderator, target=target, reason=reason)


def test_citizen_flags_a_resource_from_its_page(client_as, citizen, moderator, resource):
    page = client_as(citizen).get(resource.get_absolute_url())
    assert "Segnala questa risorsa alla moderazione" in page.content.decode()
    response = client_as(citizen).post(
        reverse("moderation_action", args=["segnala"]),
        {
            "target_type": "stakeholders.resource",
            "target_id": resource.pk,
            "reason": "Il numero di telefono è di un privato",
            "next": resource.get_absolute_url(),
        },
    )
    assert response.status_code == 302
    flag = Flag.objects.get()
    assert (flag.reporter, flag.object_id, flag.status) == (citizen, resource.pk, "open")
    assert flag.reason == "Il numero di telefono è di un privato"
    note = Notification.objects.get(recipient=moderator, kind="moderation.flagged")
    assert f"Risorsa n. {resource.pk}" in note.title


def test_hidden_resource_is_404_and_absent_from_lists_search_and_api(
    client_as, api_as, citizen, moderator, rep_a, resource
):
    ResourceFactory(organization=resource.organization, title="Sala riunioni")
    _hide(moderator, resource)
    assert client_as(citizen).get(resource.get_absolute_url()).status_code == 404
    assert client_as(None).get(resource.get_absolute_url()).status_code == 404
    titles = [r.title for r in selectors.resource_list(citizen)]
    assert titles == ["Sala riunioni"]
    assert list(selectors.resource_list(None, q="pulmino")) == []
    listing = api_as(citizen).get("/api/v1/resources/").json()
    assert [row["title"] for row in listing["results"]] == ["Sala riunioni"]
    assert api_as(citizen).get(f"/api/v1/resources/{resource.pk}/").status_code == 404
    with pytest.raises(NotFound):
        moderation.get_target_for(citizen, "stakeholders.resource", resource.pk)
    # The organization page's list leaves it out for the public too.
    org_page = client_as(citizen).get(resource.organization.get_absolute_url()).content.decode()
    assert "Pulmino attrezzato" not in org_page and "Sala riunioni" in org_page


def test_hidden_resource_stays_visible_to_its_organization_and_staff(
    client_as, moderator, rep_a, resource
):
    _hide(moderator, resource)
    own = client_as(rep_a).get(resource.get_absolute_url())
    assert own.status_code == 200
    text = own.content.decode()
    assert "nascosta dalla moderazione" in text and "Contenuto pubblicitario" in text
    assert "Chiedi la revisione" in text
    staff = client_as(moderator).get(resource.get_absolute_url()).content.decode()
    assert "Ripristina" in staff
    # The author was told, and the public log names it by number only.
    assert Notification.objects.filter(recipient=rep_a, kind="moderation.hidden").exists()
    entry = ModerationEntry.objects.get()
    assert entry.object_label == f"Risorsa n. {resource.pk}"


def test_moderator_hides_and_restores_a_resource_from_its_page(
    client_as, citizen, moderator, resource
):
    moderator_client = client_as(moderator)
    page = moderator_client.get(resource.get_absolute_url()).content.decode()
    assert "Nascondi (moderazione)" in page
    moderator_client.post(
        reverse("moderation_action", args=["nascondi"]),
        {
            "target_type": "stakeholders.resource",
            "target_id": resource.pk,
            "reason": "Dati personali",
            "next": resource.get_absolute_url(),
        },
    )
    resource.refresh_from_db()
    assert resource.is_hidden and resource.hidden_reason == "Dati personali"
    assert resource.hidden_by == moderator
    moderator_client.post(
        reverse("moderation_action", args=["ripristina"]),
        {
            "target_type": "stakeholders.resource",
            "target_id": resource.pk,
            "reason": "Dati tolti dall'organizzazione",
            "next": resource.get_absolute_url(),
        },
    )
    resource.refresh_from_db()
    assert not resource.is_hidden
    assert client_as(citizen).get(resource.get_absolute_url()).status_code == 200


def test_hidden_profile_keeps_the_organization_but_hides_its_own_text(
    client_as, api_as, citizen, moderator, rep_a, org_a
):
    org_a.description = "Gestiamo il centro diurno di Valtirino"
    org_a.website = "https://melograno.example.org"
    org_a.save()
    _hide(moderator, org_a, reason="Testo offensivo")
    public = client_as(citizen).get(org_a.get_absolute_url())
    assert public.status_code == 200
    text = public.content.decode()
    assert org_a.legal_name in text and "Testo offensivo" in text
    assert "centro diurno" not in text and "melograno.example.org" not in text
    row = api_as(citizen).get(f"/api/v1/organizations/{org_a.pk}/").json()
    assert (row["legal_name"], row["status"]) == (org_a.legal_name, "verified")
    assert (row["description"], row["website"]) == ("", "")
    # Still a member of the network: listed, and its members read and may correct the text.
    assert org_a in selectors.organization_list(citizen)
    own = client_as(rep_a).get(org_a.get_absolute_url()).content.decode()
    assert "centro diurno" in own and "Chiedi la revisione" in own
    staff = client_as(moderator).get(org_a.get_absolute_url()).content.decode()
    assert "centro diurno" in staff and "Ripristina" in staff
    label = ModerationEntry.objects.get().object_label
    assert label == f"Profilo dell'organizzazione n. {org_a.pk}"


def test_representative_asks_a_review_of_a_hidden_profile(client_as, moderator, rep_a, org_a):
    _hide(moderator, org_a)
    client_as(rep_a).post(
        reverse("moderation_action", args=["revisione"]),
        {
            "target_type": "stakeholders.organization",
            "target_id": org_a.pk,
            "reason": "Abbiamo riscritto la presentazione",
            "next": org_a.get_absolute_url(),
        },
    )
    org_a.refresh_from_db()
    assert org_a.review_requested_at is not None
    assert Notification.objects.filter(
        recipient=moderator, kind="moderation.review_requested"
    ).exists()


def test_citizen_flags_an_organization_profile(client_as, citizen, org_a, rep_a):
    page = client_as(citizen).get(org_a.get_absolute_url()).content.decode()
    assert "Segnala la presentazione dell'organizzazione alla moderazione" in page
    client_as(citizen).post(
        reverse("moderation_action", args=["segnala"]),
        {
            "target_type": "stakeholders.organization",
            "target_id": org_a.pk,
            "reason": "Si presenta come ente pubblico",
            "next": org_a.get_absolute_url(),
        },
    )
    flag = Flag.objects.get()
    assert (flag.content_type.model, flag.object_id) == ("organization", org_a.pk)
    # The moderators' queue names it by its public label.
    queue = moderation.queue_items(moderation.open_flags())
    assert queue[0].label == f"Profilo dell'organizzazione n. {org_a.pk}"
    assert queue[0].url == org_a.get_absolute_url()


def test_a_hidden_profile_is_not_found_by_its_hidden_text(citizen, moderator, org_a):
    org_a.description = "Gestiamo il centro diurno di Valtirino"
    org_a.save()
    assert org_a in selectors.organization_list(citizen, q="diurno")
    _hide(moderator, org_a)
    assert org_a not in selectors.organization_list(citizen, q="diurno")
    assert org_a in selectors.organization_list(citizen, q="Melograno")
    assert org_a in selectors.organization_list(moderator, q="diurno")
