"""A citizen signs in with SPID through a real OpenID Connect provider (the test provider,
devtools/testidp, in its own process on loopback), votes in a consultation that requires
SPID/CIE, and cannot vote a second time from another account; a password account without
an identity is refused the ballot and cannot take this identity for itself."""

import pytest
from playwright.sync_api import expect

from carta.models import Identity, User
from consultations.voting.models import IdentityRequirement, QuestionKind, Secrecy, VoterRecord
from devtools.testidp.fixture import running_idp
from devtools.testidp.identities import DEFAULT_IDENTITIES, DEFAULT_PASSWORD
from devtools.testidp.identities import Identity as Person
from tests.browser.conftest import login, tick
from tests.factories import ConsultationFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CLIENT_ID = "carta-browser"
CLIENT_SECRET = "segreto-del-browser"  # noqa: S105
# The same person as the provider's mario.rossi (same fiscal code), another subject.
MARIO_AGAIN = Person(
    username="mario.di.nuovo",
    password=DEFAULT_PASSWORD,
    given_name="Mario",
    family_name="Rossi",
    email="mario.secondo@example.org",
    fiscal_number="RSSMRA80A01H501U",
)


@pytest.fixture
def gateway(asgi_server, settings):
    with running_idp(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uris=[f"{asgi_server}/accounts/oidc/spid/login/callback/"],
        identities=[*DEFAULT_IDENTITIES, MARIO_AGAIN],
    ) as idp:
        settings.SOCIALACCOUNT_PROVIDERS = {
            "openid_connect": {
                "OAUTH_PKCE_ENABLED": True,
                "APPS": [
                    {
                        "provider_id": "spid",
                        "name": "SPID",
                        "client_id": CLIENT_ID,
                        "secret": CLIENT_SECRET,
                        "settings": {"server_url": idp.issuer, "scope": ["openid", "profile"]},
                    }
                ],
            }
        }
        yield idp


def sign_in_with_spid(page, username):
    page.goto("/accedi/")
    page.get_by_role("button", name="Entra con SPID").click()
    # The provider's own login page.
    expect(
        page.get_by_role("heading", name="Provider di identità di prova (non SPID reale)")
    ).to_be_visible()
    page.get_by_label("Nome utente").fill(username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_load_state()


def vote(page, consultation):
    page.goto(f"/consultazioni/{consultation.pk}/vota/")
    tick(page.get_by_label("Sì", exact=True))
    page.get_by_role("button", name="Invia il voto").click()


def test_spid_sign_in_votes_once_and_a_second_account_cannot(new_page, gateway, password):
    consultation = ConsultationFactory(
        title="Orari dello sportello sociale",
        identity_required=IdentityRequirement.SPID_CIE,
        secrecy=Secrecy.SECRET,
        questions=[{"kind": QuestionKind.YES_NO, "text": "Approvi il nuovo orario?"}],
    )

    # Mario signs in with SPID: an account and its identity are made.
    first = new_page()
    sign_in_with_spid(first, "mario.rossi")
    first.goto("/profilo/")
    expect(first.get_by_text("RSSMRA80A01H501U")).to_be_visible()
    mario = Identity.objects.get(fiscal_code="RSSMRA80A01H501U").user
    vote(first, consultation)
    expect(first.get_by_role("heading", name="Grazie, il voto è stato registrato")).to_be_visible()

    # Signing in again as the same person (another subject at the provider) reaches the
    # same account, which has voted.
    second = new_page()
    sign_in_with_spid(second, "mario.di.nuovo")
    assert User.objects.filter(identity__isnull=False).count() == 1
    second.goto(f"/consultazioni/{consultation.pk}/vota/")
    expect(second.get_by_text("Hai già votato").first).to_be_visible()
    expect(second.get_by_role("button", name="Invia il voto")).to_have_count(0)

    # A password account (address confirmed) has no identity: refused the ballot, and it
    # cannot link Mario's identity to itself.
    other = User.objects.create_user("mario.password", "mario.password@example.org", password)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=other, email=other.email, primary=True, verified=True)
    third = new_page()
    login(third, "mario.password", password)
    third.goto(f"/consultazioni/{consultation.pk}/vota/")
    expect(
        third.get_by_text("Per votare in questa consultazione accedi con SPID o CIE.")
    ).to_be_visible()
    third.goto("/profilo/")
    third.get_by_role("button", name="Collega SPID").click()
    expect(
        third.get_by_role("heading", name="Provider di identità di prova (non SPID reale)")
    ).to_be_visible()
    third.get_by_label("Nome utente").fill("mario.rossi")
    third.get_by_label("Password").fill(DEFAULT_PASSWORD)
    third.locator("form button[type=submit], form input[type=submit]").first.click()
    expect(third.get_by_text("già collegata a un altro account")).to_be_visible()

    records = VoterRecord.objects.filter(consultation=consultation)
    assert list(records.values_list("voter", flat=True)) == [mario.pk]


def test_an_unconfirmed_address_votes_only_after_the_link(new_page, password):
    import re

    from allauth.account.models import EmailAddress
    from django.core import mail

    consultation = ConsultationFactory(
        title="Nuovo centro diurno",
        identity_required=IdentityRequirement.EMAIL,
        questions=[{"kind": QuestionKind.YES_NO, "text": "Approvi il progetto?"}],
    )
    person = User.objects.create_user("lia.nuova", "lia.nuova@example.org", password)
    EmailAddress.objects.create(user=person, email=person.email, primary=True, verified=False)
    page = new_page()
    login(page, "lia.nuova", password)
    page.goto(f"/consultazioni/{consultation.pk}/vota/")
    expect(page.get_by_text("Per partecipare conferma il tuo indirizzo email")).to_be_visible()
    assert not VoterRecord.objects.exists()

    # From the profile she asks for the link, and follows it.
    page.goto("/profilo/")
    page.get_by_role("button", name="Invia di nuovo il link di conferma").click()
    (message,) = mail.outbox
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Conferma l'indirizzo").click()

    vote(page, consultation)
    expect(page.get_by_role("heading", name="Grazie, il voto è stato registrato")).to_be_visible()
    assert VoterRecord.objects.filter(voter=person).count() == 1
