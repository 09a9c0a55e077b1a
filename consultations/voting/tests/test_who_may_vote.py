"""Who may vote as a citizen: the identity a consultation requires (SPID/CIE or a verified
email), one ballot per person where SPID/CIE is required, and the pages' refusals."""

import datetime

import pytest
from django.utils import timezone

from carta.identity import eligibility_hash, person_key
from carta.models import AuditEntry, Identity
from consultations.voting import ballots
from consultations.voting import permissions as perms
from consultations.voting.models import (
    Ballot,
    Consultation,
    EligibleVoter,
    IdentityRequirement,
    TallyCounter,
    VoterRecord,
)
from tests.factories import ConsultationFactory, UserFactory, give_identity

pytestmark = pytest.mark.django_db

CODE = "RSSMRA80A01H501U"
OTHER_CODE = "BNCGLU85C55F205O"


def url(consultation):
    return f"/api/v1/consultations/{consultation.pk}/ballots/"


def ballots_counted(consultation) -> int:
    return sum(
        TallyCounter.objects.filter(consultation=consultation, key="ballots").values_list(
            "count", flat=True
        )
    )


@pytest.fixture
def spid_consultation(db):
    return ConsultationFactory(identity_required=IdentityRequirement.SPID_CIE)


def new_consultation(**extra):
    now = timezone.now()
    return {
        "title": "Orari degli sportelli",
        "opens_at": (now + datetime.timedelta(days=1)).isoformat(),
        "closes_at": (now + datetime.timedelta(days=8)).isoformat(),
        "questions": [{"kind": "yes_no", "text": "Apertura il sabato?"}],
        **extra,
    }


# --- The rule ------------------------------------------------------------------------------


def test_a_new_consultation_requires_spid_or_cie_unless_told_otherwise(api_as, carta_editor):
    assert Consultation._meta.get_field("identity_required").default == "spid_cie"
    response = api_as(carta_editor).post(
        "/api/v1/consultations/", new_consultation(), format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["identity_required"] == "spid_cie"
    assert Consultation.objects.get().identity_required == IdentityRequirement.SPID_CIE


def test_the_requirement_is_writable_until_the_opening_and_audited(api_as, carta_editor):
    client = api_as(carta_editor)
    created = client.post(
        "/api/v1/consultations/", new_consultation(identity_required="email"), format="json"
    ).json()
    assert created["identity_required"] == "email"
    changed = client.patch(
        f"/api/v1/consultations/{created['id']}/", {"identity_required": "spid_cie"}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["identity_required"] == "spid_cie"
    assert AuditEntry.objects.get(verb="consultation.changed").changes == {
        "identity_required": ["email", "spid_cie"]
    }
    open_now = ConsultationFactory()
    frozen = client.patch(
        f"/api/v1/consultations/{open_now.pk}/", {"identity_required": "spid_cie"}, format="json"
    )
    assert frozen.status_code == 409 and frozen.json()["code"] == "rules_frozen"
    assert Consultation.objects.get(pk=open_now.pk).identity_required == "email"


def test_an_unknown_requirement_is_refused_naming_the_field(api_as, carta_editor):
    response = api_as(carta_editor).post(
        "/api/v1/consultations/", new_consultation(identity_required="carta"), format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["identity_required"]
    assert not Consultation.objects.exists()


# --- Refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize("requirement", ["email", "spid_cie"])
def test_an_unverified_account_is_asked_to_verify_first(api_as, answers_for, requirement):
    consultation = ConsultationFactory(identity_required=requirement)
    person = UserFactory(verified=False)
    response = api_as(person).post(
        url(consultation), {"answers": answers_for(consultation)}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "verification_required"
    assert not VoterRecord.objects.exists()


def test_without_an_identity_a_spid_cie_ballot_is_refused(
    api_as, citizen, spid_consultation, answers_for
):
    response = api_as(citizen).post(
        url(spid_consultation), {"answers": answers_for(spid_consultation)}, format="json"
    )
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "identity_required"
    assert body["detail"] == "Per votare in questa consultazione accedi con SPID o CIE."
    assert not VoterRecord.objects.exists() and ballots_counted(spid_consultation) == 0


def test_an_identity_alone_is_enough_without_a_verified_email(
    api_as, spid_consultation, answers_for
):
    person = UserFactory(verified=False)
    give_identity(person, CODE)
    response = api_as(person).post(
        url(spid_consultation), {"answers": answers_for(spid_consultation)}, format="json"
    )
    assert response.status_code == 201, response.json()


def test_a_visitor_is_asked_to_sign_in(api, spid_consultation, answers_for):
    response = api.post(
        url(spid_consultation), {"answers": answers_for(spid_consultation)}, format="json"
    )
    assert response.status_code == 401


def test_the_right_costs_at_most_three_queries(
    citizen, spid_consultation, django_assert_num_queries
):
    give_identity(citizen, CODE)
    fresh = type(citizen).objects.get(pk=citizen.pk)
    # may_take_part (one EXISTS) and the identity (read once per user object); no list.
    with django_assert_num_queries(2):
        assert perms.citizen_refusal(fresh, spid_consultation) is None
    # The identity is cached on the user object: only may_take_part again.
    with django_assert_num_queries(1):
        assert perms.citizen_refusal(fresh, spid_consultation) is None
    # With a list: may_take_part, the identity, the list's EXISTS.
    EligibleVoter.objects.create(consultation=spid_consultation, key=eligibility_hash(CODE))
    spid_consultation.eligible_count = 1
    fresh = type(citizen).objects.get(pk=citizen.pk)
    with django_assert_num_queries(3):
        assert perms.citizen_refusal(fresh, spid_consultation) is None


# --- One ballot per person -------------------------------------------------------------------


def test_a_spid_cie_ballot_records_the_persons_key(api_as, citizen, spid_consultation, answers_for):
    give_identity(citizen, CODE)
    response = api_as(citizen).post(
        url(spid_consultation), {"answers": answers_for(spid_consultation)}, format="json"
    )
    assert response.status_code == 201, response.json()
    record = VoterRecord.objects.get()
    assert record.person_key == person_key(CODE) and len(record.person_key) == 64
    assert CODE not in record.person_key


def test_an_email_ballot_records_no_person_key(api_as, citizen, consultation, answers_for):
    give_identity(citizen, CODE)
    response = api_as(citizen).post(
        url(consultation), {"answers": answers_for(consultation)}, format="json"
    )
    assert response.status_code == 201
    assert VoterRecord.objects.get().person_key == ""


def test_a_second_account_of_the_same_person_cannot_vote_again(api_as, answers_for):
    """Account A votes; A is erased (its identity goes with it) and the same person signs in
    with SPID again, which links the identity to a new account B: B's ballot is refused
    and nothing of it is stored."""
    consultation = ConsultationFactory(identity_required="spid_cie", secrecy="secret")
    answers = answers_for(consultation)
    first = UserFactory()
    give_identity(first, CODE)
    cast = api_as(first).post(url(consultation), {"answers": answers}, format="json")
    assert cast.status_code == 201, cast.json()
    assert VoterRecord.objects.count() == 1 and Ballot.objects.count() == 1
    Identity.objects.filter(user=first).delete()
    second = UserFactory()
    give_identity(second, CODE)
    response = api_as(second).post(url(consultation), {"answers": answers}, format="json")
    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "already_voted"
    assert list(VoterRecord.objects.values_list("voter_id", flat=True)) == [first.pk]
    assert Ballot.objects.count() == 1 and ballots_counted(consultation) == 1


def test_the_same_person_votes_once_in_each_consultation(api_as, answers_for):
    person = UserFactory()
    give_identity(person, CODE)
    for _n in range(2):
        consultation = ConsultationFactory(identity_required="spid_cie")
        response = api_as(person).post(
            url(consultation), {"answers": answers_for(consultation)}, format="json"
        )
        assert response.status_code == 201, response.json()
    assert VoterRecord.objects.filter(person_key=person_key(CODE)).count() == 2


def test_two_people_each_vote(api_as, spid_consultation, answers_for):
    for code in (CODE, OTHER_CODE):
        person = UserFactory()
        give_identity(person, code)
        response = api_as(person).post(
            url(spid_consultation), {"answers": answers_for(spid_consultation)}, format="json"
        )
        assert response.status_code == 201, response.json()
    assert ballots_counted(spid_consultation) == 2


def test_an_organizations_ballot_needs_no_identity(api_as, rep_a, org_a, answers_for):
    consultation = ConsultationFactory(electorate="both", identity_required="spid_cie")
    response = api_as(rep_a).post(
        url(consultation),
        {"answers": answers_for(consultation), "organization": org_a.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    record = VoterRecord.objects.get()
    assert record.organization == org_a and record.person_key == ""
    personal = api_as(rep_a).post(
        url(consultation), {"answers": answers_for(consultation)}, format="json"
    )
    assert personal.json()["code"] == "identity_required"


def test_a_spid_cie_ballot_can_be_changed_by_the_same_person(answers_for):
    consultation = ConsultationFactory(identity_required="spid_cie", changeable=True)
    question = consultation.questions.get(kind="yes_no")
    first = UserFactory()
    give_identity(first, CODE)
    ballots.cast_ballot(actor=first, consultation=consultation, answers=answers_for(consultation))
    changed = {**answers_for(consultation), str(question.pk): "no"}
    record = ballots.change_ballot(actor=first, consultation=consultation, answers=changed)
    assert record.answers[str(question.pk)] == "no"
    # The same person on a new account changes the person's ballot, not a new one.
    Identity.objects.filter(user=first).delete()
    second = UserFactory()
    give_identity(second, CODE)
    again = {**answers_for(consultation), str(question.pk): "abstain"}
    record = ballots.change_ballot(actor=second, consultation=consultation, answers=again)
    assert VoterRecord.objects.get().answers[str(question.pk)] == "abstain"
    assert record.voter == second and ballots_counted(consultation) == 1


# --- Pages ---------------------------------------------------------------------------------


def test_the_public_page_states_the_rule(client, spid_consultation, consultation):
    html = client.get(f"/consultazioni/{spid_consultation.pk}/").content.decode()
    assert "Per votare serve l'accesso con SPID o CIE." in html
    html = client.get(f"/consultazioni/{consultation.pk}/").content.decode()
    assert "Per votare serve un indirizzo email verificato." in html


def test_the_voting_page_explains_the_refusal_with_the_way_to_sign_in(
    client_as, citizen, spid_consultation
):
    client = client_as(citizen)
    response = client.get(f"/consultazioni/{spid_consultation.pk}/vota/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Per votare in questa consultazione accedi con SPID o CIE." in html
    assert f'href="/accedi/?next=%2Fconsultazioni%2F{spid_consultation.pk}%2Fvota%2F"' in html
    assert "Accedi con SPID o CIE" in html
    detail = client.get(f"/consultazioni/{spid_consultation.pk}/")
    assert detail.context["may_vote"] is False
    html = detail.content.decode()
    assert "Per votare in questa consultazione accedi con SPID o CIE." in html
    assert f'href="/consultazioni/{spid_consultation.pk}/vota/"' not in html


def test_the_voting_page_asks_an_unverified_account_to_confirm_the_address(client_as, consultation):
    response = client_as(UserFactory(verified=False)).get(f"/consultazioni/{consultation.pk}/vota/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "conferma il tuo indirizzo email" in html and 'href="/profilo/"' in html


def test_a_refused_ballot_form_shows_the_refusal_and_stores_nothing(
    client_as, citizen, spid_consultation
):
    # The right is lost between the form and the submission (here: the identity unlinked).
    give_identity(citizen, CODE)
    client = client_as(citizen)
    assert client.get(f"/consultazioni/{spid_consultation.pk}/vota/").status_code == 200
    Identity.objects.filter(user=citizen).delete()
    response = client.post(f"/consultazioni/{spid_consultation.pk}/vota/", {})
    assert response.status_code == 403
    assert "accedi con SPID o CIE" in response.content.decode()
    assert not VoterRecord.objects.exists()


def test_the_voting_page_with_an_identity_shows_the_ballot(client_as, citizen, spid_consultation):
    give_identity(citizen, CODE)
    response = client_as(citizen).get(f"/consultazioni/{spid_consultation.pk}/vota/")
    assert response.status_code == 200
    assert "Per votare serve l'accesso con SPID o CIE." in response.content.decode()


def test_the_second_account_is_told_the_person_has_voted(client_as, spid_consultation, answers_for):
    first = UserFactory()
    give_identity(first, CODE)
    ballots.cast_ballot(
        actor=first, consultation=spid_consultation, answers=answers_for(spid_consultation)
    )
    Identity.objects.filter(user=first).delete()
    second = UserFactory()
    give_identity(second, CODE)
    page = client_as(second).get(f"/consultazioni/{spid_consultation.pk}/")
    assert page.context["may_vote"] is False
    assert "Hai già votato a titolo personale." in page.content.decode()
