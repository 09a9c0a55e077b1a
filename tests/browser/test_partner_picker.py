"""Naming organizations among many with the organization search field
(stakeholders/picker.py). A proposal's lead author types a part of a name, the matches
appear under the field as they type (htmx), one is chosen and invited; with no JavaScript
the typed text is resolved when sent, and the page comes back with the matches when it
names several. A Carta editor gives a service several providers, one search after
another, each ticked match kept among the chosen."""

import pytest
from playwright.sync_api import expect

from consultations.charter.models import RevisionStatus
from proposals.states import ProposalState
from tests.browser.conftest import login, tick
from tests.factories import OrganizationFactory, ProposalFactory, carta_revision

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("width", [1280, 375])
def test_the_lead_author_finds_and_invites_a_partner(new_page, org_a, editor_a, password, width):
    OrganizationFactory.create_batch(15)
    OrganizationFactory(legal_name="Cooperativa Girasole")
    wanted = OrganizationFactory(legal_name="Cooperativa Girasole Blu", tax_code="01234567890")
    proposal = ProposalFactory(organization=org_a, state=ProposalState.DRAFT)
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    login(page, editor_a.username, password)
    page.goto(proposal.get_absolute_url())
    form = page.locator("#invita-partner")
    form.get_by_label("Organizzazione da invitare").press_sequentially("girasole", delay=30)
    choices = form.get_by_role("radio")
    expect(choices).to_have_count(2)
    expect(page).to_have_url(proposal.get_absolute_url())  # in place
    tick(form.get_by_label("Cooperativa Girasole Blu"))
    form.get_by_role("button", name="Invita come partner").click()
    expect(page.locator(".alert-success")).to_contain_text("L'invito è stato inviato")
    assert list(proposal.partnerships.values_list("organization", "status")) == [
        (wanted.pk, "invited")
    ]
    expect(page.locator("#invita-partner")).to_be_visible()
    field = page.locator("#invita-cerca").bounding_box()["width"]
    assert field >= 0.9 * page.locator("#invita-partner").bounding_box()["width"]  # its column


def test_without_javascript_the_typed_name_is_resolved(new_page, org_a, editor_a, password):
    OrganizationFactory(legal_name="Cooperativa Girasole")
    wanted = OrganizationFactory(legal_name="Cooperativa Girasole Blu")
    proposal = ProposalFactory(organization=org_a, state=ProposalState.DRAFT)
    page = new_page()
    login(page, editor_a.username, password)
    page.route("**/htmx.min.js", lambda route: route.abort())
    page.goto(proposal.get_absolute_url())
    field = page.locator("#invita-partner").get_by_label("Organizzazione da invitare")
    field.fill("girasole")
    page.locator("#invita-partner").get_by_role("button", name="Invita come partner").click()
    form = page.locator("#invita-partner")
    expect(form).to_contain_text("Più organizzazioni corrispondono a «girasole»")
    expect(form.get_by_label("Organizzazione da invitare")).to_have_value("girasole")
    tick(form.get_by_label("Cooperativa Girasole Blu"))
    form.get_by_role("button", name="Invita come partner").click()
    expect(page.locator(".alert-success")).to_contain_text("L'invito è stato inviato")
    assert list(proposal.partnerships.values_list("organization", flat=True)) == [wanted.pk]


def test_an_editor_gives_a_service_providers_one_search_after_another(
    new_page, carta_editor, password
):
    OrganizationFactory.create_batch(15)
    first = OrganizationFactory(legal_name="Cooperativa Girasole")
    second = OrganizationFactory(legal_name="ODV Mani Tese Valtirino")
    carta_revision(1, RevisionStatus.ADOPTED, sections=1, services=1)
    draft = carta_revision(2, RevisionStatus.DRAFT, sections=1, services=1)
    page = new_page()
    login(page, carta_editor.username, password)
    page.goto(f"/carta/revisioni/{draft.pk}/servizi/servizio-1/modifica/")
    search = page.get_by_label("Enti erogatori")
    picker = page.locator("[data-carta-picker]")
    search.press_sequentially("girasole", delay=30)
    expect(page.locator("#id_providers-scelte").get_by_role("checkbox")).to_have_count(1)
    tick(picker.get_by_label("Cooperativa Girasole"))  # ticked, it moves among the chosen
    search.fill("")
    search.press_sequentially("mani tese", delay=30)
    expect(page.locator("#id_providers-scelte").get_by_role("checkbox")).to_have_count(1)
    tick(picker.get_by_label("ODV Mani Tese Valtirino"))
    search.fill("")
    chosen = page.locator("[data-carta-picker-chosen] input:checked")
    expect(chosen).to_have_count(2)  # the first survived the second search
    page.get_by_role("button", name="Salva la scheda").click()
    expect(page.locator(".alert-success")).to_contain_text("La scheda del servizio è stata salvata")
    service = draft.services.get(key="servizio-1")
    assert set(service.provider_organizations.all()) == {first, second}
