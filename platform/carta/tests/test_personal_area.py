"""The personal area: where a person lands after signing in, and what it shows (sections
registered by each app: organizations with role and what awaits, proposals, comments on
the Carta, votes, complaints, what one follows), at a fixed number of queries."""

import datetime
import re
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from django.test import Client
from django.utils import timezone, translation

from carta.dates import on_date
from carta.tests import test_identity_signin as signin
from consultations.charter.models import Outcome, RevisionStatus
from consultations.voting.models import Electorate, Secrecy, VoterRecord
from devtools.testidp.identities import DEFAULT_PASSWORD
from proposals.states import ProposalState
from tests.factories import (
    CommentFactory,
    ComplaintFactory,
    ConsultationFactory,
    InvitationFactory,
    ProposalFactory,
    RevisionFactory,
)

pytestmark = pytest.mark.django_db

# The test identity provider and Carta's gateways to it, as the SPID/CIE tests have them.
idp = signin.idp
spid_gateways = signin.gateways

# "Hai votato il 3 ottobre 2026", "Hai votato l'8 ottobre 2026" (carta.dates).
VOTED_ON = r"Hai votato (il \d|l'(8|11) )"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- After the login -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        ("", "/area-personale/"),
        ("/proposte/", "/proposte/"),
        ("https://malevolo.example/furto/", "/area-personale/"),
        ("//malevolo.example/", "/area-personale/"),
    ],
)
def test_password_login_lands_where_the_person_was_going_or_on_the_personal_area(
    citizen, password, next_url, lands_on
):
    client = Client()
    data = {"login": citizen.username, "password": password}
    if next_url:
        data["next"] = next_url
    response = client.post("/accedi/", data)
    assert response.status_code == 302
    assert response["Location"] == lands_on


def test_the_login_page_gives_the_spid_cie_buttons_the_same_destination(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "spid",
                    "name": "SPID",
                    "client_id": "x",
                    "secret": "y",
                    "settings": {"server_url": "http://127.0.0.1:9/"},
                }
            ]
        }
    }
    page = text_of(Client().get("/accedi/?next=/consultazioni/"))
    gateway_form = page[page.index('action="/accounts/oidc/spid/login/"') :]
    gateway_form = gateway_form[: gateway_form.index("</form>")]
    assert '<input type="hidden" name="next" value="/consultazioni/">' in gateway_form
    unsafe = text_of(Client().get("/accedi/?next=https://malevolo.example/"))
    unsafe = unsafe[unsafe.index('action="/accounts/oidc/spid/login/"') :]
    assert 'name="next"' not in unsafe[: unsafe.index("</form>")]


def test_the_personal_area_asks_to_sign_in_and_the_profile_stays(client_as, citizen):
    response = Client().get("/area-personale/")
    assert response.status_code == 302
    assert response["Location"] == "/accedi/?next=/area-personale/"
    assert client_as(citizen).get("/profilo/").status_code == 200


# --- What it shows --------------------------------------------------------------------


@pytest.fixture
def busy_rep(rep_a, org_a, org_b):
    """A representative with something of everything."""
    org_a.pact_renew_by = timezone.now() + datetime.timedelta(days=20)
    org_a.save(update_fields=["pact_renew_by"])
    InvitationFactory(organization=org_b, invitee=rep_a, email=rep_a.email, role="editor")
    ProposalFactory(
        organization=org_a, title="Orti sociali a Valtirino", state=ProposalState.PUBLISHED
    )
    ProposalFactory(
        organization=org_a, title="Doposcuola solidale", state=ProposalState.CHANGES_REQUESTED
    )
    revision = RevisionFactory(status=RevisionStatus.IN_CONSULTATION)
    CommentFactory(
        revision=revision,
        author=rep_a,
        body="Indicate gli orari del sabato.",
        outcome=Outcome.PARTLY_ACCEPTED,
    )
    secret = ConsultationFactory(title="Priorità 2027", secrecy=Secrecy.SECRET)
    VoterRecord.objects.create(
        consultation=secret, electorate=Electorate.CITIZENS, voter=rep_a, answers={"1": "SAD"}
    )
    ComplaintFactory(submitted_by=rep_a, description="Sportello chiuso.")
    return rep_a


def test_the_personal_area_lists_organizations_with_role_and_what_awaits(client_as, busy_rep):
    page = text_of(client_as(busy_rep).get("/area-personale/"))
    organizations = page[page.index('id="sezione-organizations"') :]
    organizations = organizations[: organizations.index("</section>")]
    assert "Cooperativa Sociale Il Melograno" in organizations
    assert "Ruolo: Rappresentante" in organizations
    assert "Rinnova il patto di partecipazione entro " in organizations
    assert "«Doposcuola solidale»: ti sono state chieste modifiche alla proposta." in organizations
    # An invitation from an organization one is not yet in awaits at the top.
    assert "ODV Amici di Valtirino ti ha invitato a farne parte come redattore" in page


def test_the_personal_area_lists_proposals_comments_votes_and_complaints(client_as, busy_rep):
    page = text_of(client_as(busy_rep).get("/area-personale/"))
    assert "Orti sociali a Valtirino" in page and "Stato: <strong>Pubblicata</strong>" in page
    assert "Indicate gli orari del sabato." in page
    assert "Esito: <strong>Accolto in parte</strong>" in page
    votes = page[page.index('id="sezione-ballots"') :]
    votes = votes[: votes.index("</section>")]
    assert "Priorità 2027" in votes and re.search(VOTED_ON, votes)
    assert "Verifica la ricevuta" in votes
    assert "SAD" not in votes  # never the choice
    complaint = busy_rep.complaints.get()
    assert f"n. {complaint.reference}" in page
    assert "Stato: <strong>Ricevuta</strong>" in page or complaint.get_status_display() in page
    deadline = timezone.localtime(complaint.deadline_at)
    with translation.override("it"):
        assert f"risposta entro {on_date(deadline, 'il')}" in page  # "entro l'8 ottobre 2026"


def test_a_public_vote_is_shown_without_the_receipt_check_and_without_the_choice(
    client_as, citizen
):
    public = ConsultationFactory(title="Nome del centro", secrecy=Secrecy.PUBLIC)
    VoterRecord.objects.create(
        consultation=public, electorate=Electorate.CITIZENS, voter=citizen, answers={"1": "Ponte"}
    )
    votes = text_of(client_as(citizen).get("/area-personale/"))
    votes = votes[votes.index('id="sezione-ballots"') :]
    votes = votes[: votes.index("</section>")]
    assert "Nome del centro" in votes and re.search(VOTED_ON, votes)
    assert "Verifica la ricevuta" not in votes and "Ponte" not in votes


def test_a_newcomer_sees_how_to_join_and_no_empty_lists(client_as, citizen):
    page = text_of(client_as(citizen).get("/area-personale/"))
    assert "Non fai ancora parte di un'organizzazione della rete." in page
    assert 'id="sezione-proposals"' not in page and 'id="sezione-complaints"' not in page


def test_each_list_is_short_with_a_link_to_the_full_one(client_as, rep_a, org_a):
    for n in range(7):
        ProposalFactory(
            organization=org_a, title=f"Proposta numero {n}", state=ProposalState.PUBLISHED
        )
    client = client_as(rep_a)
    page = text_of(client.get("/area-personale/"))
    assert page.count("Proposta numero") == 5
    assert 'href="/area-personale/proposals/">Vedi tutti (7)' in page
    full = text_of(client.get("/area-personale/proposals/"))
    assert full.count("Proposta numero") == 7
    assert client.get("/area-personale/sconosciuta/").status_code == 404


def test_another_persons_things_are_not_listed(client_as, busy_rep, member_b):
    page = text_of(client_as(member_b).get("/area-personale/"))
    assert "Orti sociali a Valtirino" not in page and "Priorità 2027" not in page
    assert "Indicate gli orari del sabato." not in page


def _more_of_everything(user, organization, n):
    revision = RevisionFactory(status=RevisionStatus.IN_CONSULTATION)
    for _ in range(n):
        ProposalFactory(organization=organization, state=ProposalState.CHANGES_REQUESTED)
        CommentFactory(revision=revision, author=user, outcome=Outcome.ACCEPTED)
        VoterRecord.objects.create(
            consultation=ConsultationFactory(secrecy=Secrecy.SECRET),
            electorate=Electorate.CITIZENS,
            voter=user,
        )
        ComplaintFactory(submitted_by=user)
        InvitationFactory(invitee=user, email=user.email)


def test_the_personal_area_costs_the_same_whatever_a_person_has_done(
    client_as, busy_rep, org_a, django_assert_max_num_queries
):
    from carta.follows import follow

    client = client_as(busy_rep)
    client.get("/area-personale/")  # content types and permissions cached
    # session and user (2), unread count (1), organizations: count, rows, awaiting
    # invitations and memberships (4), proposals awaiting: guardian's organizations and
    # rows, partnerships (3), proposals: count and rows (2), comments (2), votes (2),
    # complaints: officers' check, count, rows (3), follows: rows, one per model, count
    # (at most 5), the header's notification count and personal pages (a few).
    with django_assert_max_num_queries(24) as few:
        client.get("/area-personale/")
    _more_of_everything(busy_rep, org_a, 8)
    for proposal in org_a.proposals.all()[:6]:
        follow(actor=busy_rep, target=proposal)
    with django_assert_max_num_queries(len(few.captured_queries) + 2):
        page = text_of(client.get("/area-personale/"))
    assert page.count("Vedi tutti") >= 4


def _spid_sign_in(client, issuer, username, data):
    """``test_identity_signin.sign_in``, with the login's ``next`` sent by the button."""
    import requests

    start = client.post("/accounts/oidc/spid/login/", data)
    assert start.status_code == 302, start.content
    browser = requests.Session()
    to_login = browser.get(start["Location"], allow_redirects=False, timeout=10)
    login_url = urljoin(issuer, to_login.headers["Location"])
    form = browser.get(login_url, timeout=10)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    logged_in = browser.post(
        login_url,
        data={
            "csrfmiddlewaretoken": csrf,
            "username": username,
            "password": DEFAULT_PASSWORD,
            "next": parse_qs(urlsplit(login_url).query)["next"][0],
        },
        allow_redirects=False,
        timeout=10,
    )
    back = browser.get(
        urljoin(issuer, logged_in.headers["Location"]), allow_redirects=False, timeout=10
    )
    parts = urlsplit(back.headers["Location"])
    return client.get(parts.path + "?" + parts.query)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("data", "lands_on"),
    [
        ({}, "/area-personale/"),
        ({"next": "/consultazioni/"}, "/consultazioni/"),
        ({"next": "https://malevolo.example/"}, "/area-personale/"),
    ],
)
def test_spid_sign_in_lands_where_the_person_was_going_or_on_the_personal_area(
    spid_gateways, data, lands_on
):
    response = _spid_sign_in(Client(), spid_gateways.issuer, "mario.rossi", data)
    assert response.status_code == 302
    assert response["Location"] == lands_on


def test_staff_see_what_awaits_them_in_their_queues(client_as, moderator, org_a):
    from tests.factories import OrganizationFactory

    OrganizationFactory(legal_name="APS In attesa", status="pending")
    ProposalFactory(organization=org_a, state=ProposalState.SUBMITTED)
    page = text_of(client_as(moderator).get("/area-personale/"))
    assert '<a href="/organizzazioni/in-attesa/">1 domanda di adesione alla rete' in page
    assert '<a href="/proposte/moderazione/">1 proposta presentata da controllare.</a>' in page
