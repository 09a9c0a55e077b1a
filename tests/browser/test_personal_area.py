"""The personal area and notification preferences, end to end on a desktop (1280 px) and
a phone (375 px): the login lands on the page one was going to, or on the personal area;
a representative sees the organization with role and what awaits, follows a proposal
from its page (htmx and without a reload), finds it in the personal area and stops
following it there; the preferences page keeps the choices and ``notify`` honours them."""

from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from playwright.sync_api import expect

from carta.follows import tell_followers
from carta.models import EmailDelivery, Follow, Notification, NotificationSettings
from proposals.states import ProposalState
from tests.browser.conftest import axe_violations, login, tick
from tests.factories import ProposalFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WIDTHS = [pytest.param(1280, id="desktop"), pytest.param(375, id="phone")]


def sized(new_page, width):
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    return page


@pytest.mark.parametrize("width", WIDTHS)
def test_login_lands_on_the_personal_area_with_organizations_and_what_awaits(
    new_page, rep_a, org_a, password, width
):
    ProposalFactory(
        organization=org_a, title="Doposcuola solidale", state=ProposalState.CHANGES_REQUESTED
    )
    page = sized(new_page, width)
    login(page, rep_a.username, password)
    assert page.url.endswith("/area-personale/")
    expect(page.get_by_role("heading", name="La mia area personale", exact=True)).to_be_visible()
    organizations = page.locator("#sezione-organizations")
    expect(organizations).to_contain_text("Cooperativa Sociale Il Melograno")
    expect(organizations).to_contain_text("Ruolo: Rappresentante")
    expect(
        organizations.get_by_role(
            "link", name="«Doposcuola solidale»: ti sono state chieste modifiche alla proposta."
        )
    ).to_be_visible()
    expect(page.locator("#sezione-proposals")).to_contain_text("Modifiche richieste")
    assert axe_violations(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"personal-area-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_follow_a_proposal_find_it_in_the_personal_area_and_stop_following(
    new_page, citizen, org_a, password, width
):
    proposal = ProposalFactory(
        organization=org_a, title="Orti sociali a Valtirino", state=ProposalState.PUBLISHED
    )
    page = sized(new_page, width)
    # Signing in from the proposal's page comes back to it.
    page.goto(f"/accedi/?next={proposal.get_absolute_url()}")
    page.fill("input[name=login]", citizen.username)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Accedi", exact=True).click()
    expect(page.get_by_role("heading", name="Orti sociali a Valtirino")).to_be_visible()
    assert page.url.endswith(proposal.get_absolute_url())

    follow = page.get_by_role("button", name="Segui gli aggiornamenti")
    expect(follow).to_be_visible()  # the htmx fragment replaced the placeholder's link
    follow.click()
    expect(page.get_by_role("button", name="Segui già: smetti di seguire")).to_be_visible()
    assert list(Follow.objects.filter(user=citizen).values_list("object_id", flat=True)) == [
        proposal.pk
    ]

    page.goto("/area-personale/")
    followed = page.locator("#sezione-seguiti")
    expect(followed.get_by_role("link", name="Orti sociali a Valtirino")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"personal-area-followed-{width}.png"), full_page=True)
    followed.get_by_role("button", name="Smetti di seguire").click()
    expect(page.get_by_text("Non segui più questa pagina.")).to_be_visible()
    expect(page.locator("#sezione-seguiti")).to_contain_text("Non segui ancora nulla.")
    assert not Follow.objects.filter(user=citizen).exists()


def test_following_works_without_javascript(browser, asgi_server, citizen, org_a, password):
    proposal = ProposalFactory(
        organization=org_a, title="Trasporto sociale", state=ProposalState.PUBLISHED
    )
    context = browser.new_context(base_url=asgi_server, locale="it-IT", java_script_enabled=False)
    try:
        page = context.new_page()
        login(page, citizen.username, password)
        page.goto(proposal.get_absolute_url())
        page.get_by_role("link", name="Segui gli aggiornamenti").click()
        expect(page.get_by_text("Seguendo proposta «Trasporto sociale»")).to_be_visible()
        page.get_by_role("button", name="Segui gli aggiornamenti").click()
        expect(page.get_by_text("Ora segui questa pagina")).to_be_visible()
        assert page.url.endswith(proposal.get_absolute_url())
        assert Follow.objects.filter(user=citizen, object_id=proposal.pk).exists()
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_preferences_are_kept_and_honoured(new_page, citizen, org_a, password, width):
    proposal = ProposalFactory(
        organization=org_a, title="Centro diurno", state=ProposalState.PUBLISHED
    )
    Follow.objects.create(
        user=citizen,
        content_type=ContentType.objects.get_for_model(proposal),
        object_id=proposal.pk,
    )
    page = sized(new_page, width)
    login(page, citizen.username, password)
    page.get_by_role("link", name="Preferenze delle notifiche").click()
    expect(page.get_by_role("heading", name="Preferenze delle notifiche")).to_be_visible()
    tick(page.get_by_label("Un riepilogo al giorno"))
    email = page.get_by_label("Novità sulle proposte che segui: per email")
    email.uncheck()
    page.get_by_role("button", name="Salva le preferenze").click()
    expect(
        page.get_by_text("Le tue preferenze sulle notifiche sono state salvate.")
    ).to_be_visible()
    expect(page.get_by_label("Un riepilogo al giorno")).to_be_checked()
    expect(page.get_by_label("Novità sulle proposte che segui: per email")).not_to_be_checked()
    expect(page.get_by_label("Novità sulle proposte che segui: sul sito")).to_be_checked()
    assert NotificationSettings.objects.get(user=citizen).email_delivery == EmailDelivery.DAILY
    assert axe_violations(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"notification-preferences-{width}.png"), full_page=True)

    mail.outbox.clear()
    assert tell_followers("proposals.proposal", proposal.pk, "proposal.accept") == 1
    assert Notification.objects.filter(recipient=citizen, kind="follow.proposal").count() == 1
    assert mail.outbox == []
