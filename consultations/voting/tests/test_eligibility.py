"""The eligibility list: uploaded by staff before opening (CSV or JSON), stored as keyed
digests only, checked when a citizen votes with SPID/CIE."""

import codecs
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carta.errors import InvalidInput, NotAllowed
from carta.fiscalcode import check_character
from carta.identity import eligibility_hash, person_key
from carta.models import AuditEntry
from consultations.voting import eligibility, results, services
from consultations.voting.models import Consultation, EligibleVoter, VoterRecord
from tests.factories import ConsultationFactory, UserFactory, give_identity

pytestmark = pytest.mark.django_db

LISTED = "RSSMRA80A01H501U"
ALSO_LISTED = "BNCGLU85C55F205O"
WRONG_CHECK = "VRDLGU70M10L219A"
CSV = f"codice_fiscale\n{LISTED}\n{ALSO_LISTED}\n".encode()


# A valid code on no list: the invalid one above with its right check character.
UNLISTED = WRONG_CHECK[:15] + check_character(WRONG_CHECK[:15])


def upcoming(**extra):
    now = timezone.now()
    return ConsultationFactory(
        identity_required="spid_cie",
        opens_at=now + datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=5),
        **extra,
    )


def url(consultation):
    return f"/api/v1/consultations/{consultation.pk}/eligibility/"


def upload(client, consultation, data: bytes, name="aventi-diritto.csv"):
    return client.post(
        url(consultation),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
        format="multipart",
    )


def open_now(consultation):
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=timezone.now() - datetime.timedelta(hours=1)
    )
    consultation.refresh_from_db()
    return consultation


def vote(api_as, person, consultation, answers_for):
    return api_as(person).post(
        f"/api/v1/consultations/{consultation.pk}/ballots/",
        {"answers": answers_for(consultation)},
        format="json",
    )


# --- Upload and vote ------------------------------------------------------------------------


def test_only_the_people_on_the_list_may_vote(api_as, carta_editor, answers_for):
    consultation = upcoming()
    response = upload(api_as(carta_editor), consultation, CSV)
    assert response.status_code == 200, response.json()
    assert response.json() == {"count": 2}
    open_now(consultation)
    listed, unlisted = UserFactory(), UserFactory()
    give_identity(listed, LISTED)
    give_identity(unlisted, UNLISTED)
    assert vote(api_as, listed, consultation, answers_for).status_code == 201
    refused = vote(api_as, unlisted, consultation, answers_for)
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_eligible"
    assert refused.json()["detail"] == (
        "Il tuo codice fiscale non risulta nell'elenco degli aventi diritto a questa consultazione."
    )
    assert VoterRecord.objects.count() == 1


def test_without_an_identity_the_list_is_not_reached(api_as, citizen, carta_editor, answers_for):
    consultation = upcoming()
    upload(api_as(carta_editor), consultation, CSV)
    open_now(consultation)
    response = vote(api_as, citizen, consultation, answers_for)
    assert response.json()["code"] == "identity_required"


def test_the_list_holds_only_keyed_digests(api_as, carta_editor):
    consultation = upcoming()
    upload(api_as(carta_editor), consultation, CSV)
    keys = set(EligibleVoter.objects.values_list("key", flat=True))
    assert keys == {eligibility_hash(LISTED), eligibility_hash(ALSO_LISTED)}
    # Not the register's key either: the two cannot be matched without the secret key.
    assert not keys & {person_key(LISTED), person_key(ALSO_LISTED)}
    for row in EligibleVoter.objects.values():
        assert not any(LISTED in str(value) or ALSO_LISTED in str(value) for value in row.values())


def test_an_upload_replaces_the_list(api_as, carta_editor):
    consultation = upcoming()
    client = api_as(carta_editor)
    upload(client, consultation, CSV)
    response = upload(client, consultation, f"{UNLISTED}\n".encode())
    assert response.json() == {"count": 1}
    assert list(EligibleVoter.objects.values_list("key", flat=True)) == [eligibility_hash(UNLISTED)]
    consultation.refresh_from_db()
    assert consultation.eligible_count == 1


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(f"{LISTED}\n{ALSO_LISTED}".encode(), id="no-header"),
        pytest.param(
            f"codice_fiscale;nome\n{LISTED};Mario\n{ALSO_LISTED};Giulia\n".encode(), id="semicolon"
        ),
        pytest.param(
            f"CODICE_FISCALE,nome\r\n{LISTED},Mario\r\n{ALSO_LISTED},Giulia\r\n".encode(),
            id="comma-crlf",
        ),
        pytest.param(codecs.BOM_UTF8 + CSV, id="bom"),
        pytest.param(f"\n\n{LISTED}\n\n{ALSO_LISTED}\n\n".encode(), id="blank-rows"),
        pytest.param(
            f"rssmra80a01h501u\n  {ALSO_LISTED[:8]} {ALSO_LISTED[8:]} \n".encode(),
            id="case-and-spaces",
        ),
        pytest.param(f"TINIT-{LISTED}\n{ALSO_LISTED}\n".encode(), id="eidas-prefix"),
        pytest.param(
            f'"codice_fiscale";"comune"\n"{LISTED}";"Bussi"\n"{ALSO_LISTED}";"Popoli"\n'.encode(),
            id="quoted",
        ),
        pytest.param(
            f"codice_fiscale;città\n{LISTED};Forlì\n{ALSO_LISTED};Popoli\n".encode("cp1252"),
            id="windows-1252",
        ),
        pytest.param(f"codice_fiscale\n{LISTED}\n{ALSO_LISTED}\n".encode("utf-16"), id="utf-16"),
        pytest.param(f"{LISTED}\n{LISTED}\n{ALSO_LISTED}\n".encode(), id="repeated"),
    ],
)
def test_the_file_formats_staff_save(api_as, carta_editor, data):
    consultation = upcoming()
    response = upload(api_as(carta_editor), consultation, data)
    assert response.status_code == 200, response.json()
    assert response.json() == {"count": 2}
    assert set(EligibleVoter.objects.values_list("key", flat=True)) == {
        eligibility_hash(LISTED),
        eligibility_hash(ALSO_LISTED),
    }


def test_a_json_list_of_codes_replaces_the_list(api_as, carta_editor):
    consultation = upcoming()
    response = api_as(carta_editor).post(
        url(consultation), {"fiscal_codes": [LISTED, ALSO_LISTED.lower()]}, format="json"
    )
    assert response.status_code == 200 and response.json() == {"count": 2}


# --- Invalid lists ---------------------------------------------------------------------------


def test_invalid_codes_are_named_by_row_and_nothing_is_stored(api_as, carta_editor):
    consultation = upcoming()
    client = api_as(carta_editor)
    upload(client, consultation, CSV)
    data = f"codice_fiscale\n{LISTED}\n{WRONG_CHECK}\n\nnon lo so\n{ALSO_LISTED}\n".encode()
    response = upload(client, consultation, data)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == {
        "file": [
            "I codici fiscali delle righe 3, 5 non sono validi. Correggi l'elenco e invialo "
            "di nuovo: non è stato salvato nulla."
        ]
    }
    consultation.refresh_from_db()
    assert consultation.eligible_count == 2 and EligibleVoter.objects.count() == 2


def test_only_the_first_twenty_rows_at_fault_are_named(api_as, carta_editor):
    consultation = upcoming()
    data = ("\n".join([LISTED] + ["X"] * 25)).encode()
    response = upload(api_as(carta_editor), consultation, data)
    message = response.json()["errors"]["file"][0]
    assert message.startswith(
        "I codici fiscali delle righe " + ", ".join(str(n) for n in range(2, 22)) + " non"
    )
    assert "Ci sono altre 5 righe non valide." in message
    assert not EligibleVoter.objects.exists()


def test_invalid_items_of_a_json_list_are_named_by_position(api_as, carta_editor):
    consultation = upcoming()
    response = api_as(carta_editor).post(
        url(consultation), {"fiscal_codes": [LISTED, WRONG_CHECK]}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["fiscal_codes"]
    assert "riga 2 non è valido" in response.json()["errors"]["fiscal_codes"][0]


@pytest.mark.parametrize(
    ("body", "fmt"),
    [
        pytest.param({}, "json", id="nothing"),
        pytest.param({"fiscal_codes": []}, "json", id="empty-list"),
        pytest.param({"fiscal_codes": "RSSMRA80A01H501U"}, "json", id="not-a-list"),
        pytest.param({"fiscal_codes": [{"a": 1}, None]}, "json", id="not-text"),
        pytest.param({"fiscal_codes": ["A" * 500]}, "json", id="too-long-item"),
        pytest.param(["RSSMRA80A01H501U"], "json", id="bare-list"),
        pytest.param({"file": "not a file"}, "multipart", id="file-as-text"),
    ],
)
def test_malformed_requests_are_a_400(api_as, carta_editor, body, fmt):
    consultation = upcoming()
    response = api_as(carta_editor).post(url(consultation), body, format=fmt)
    assert response.status_code == 400, response.content[:500]
    assert response.json()["code"] == "invalid"
    assert not EligibleVoter.objects.exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"", "Il file inviato è vuoto.", id="empty"),
        pytest.param(b"codice_fiscale\n\n", "non contiene alcun codice fiscale", id="header-only"),
        pytest.param(
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "non è leggibile come CSV", id="binary"
        ),
        pytest.param(b'"' + b"A" * 200_000, "non è leggibile come CSV", id="runaway-quote"),
    ],
)
def test_unusable_files_are_refused(api_as, carta_editor, data, expected):
    consultation = upcoming()
    response = upload(api_as(carta_editor), consultation, data)
    assert response.status_code == 400
    assert expected in response.json()["errors"]["file"][0]


def test_a_file_over_five_megabytes_is_refused_before_reading(api_as, carta_editor):
    consultation = upcoming()
    data = (LISTED + "\n").encode() * (5 * 1024 * 1024 // 17 + 1)
    response = upload(api_as(carta_editor), consultation, data)
    assert response.status_code == 400
    assert response.json()["errors"]["file"] == ["Il file supera i 5 MB consentiti."]


def test_more_than_two_hundred_thousand_rows_are_refused(monkeypatch):
    monkeypatch.setattr(eligibility, "MAX_ROWS", 3)
    with pytest.raises(InvalidInput) as refused:
        eligibility.entries_from_csv(f"{LISTED}\n".encode() * 4)
    assert refused.value.field == "file"
    assert eligibility.entries_from_csv(f"{LISTED}\n".encode() * 3)
    with pytest.raises(InvalidInput):
        eligibility.entries_from_list([LISTED] * 4)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_any_bytes_give_codes_or_a_refusal(data):
    try:
        codes = eligibility.valid_codes(eligibility.entries_from_csv(data), field="file")
    except InvalidInput as refusal:
        assert refusal.field == "file"
    else:
        assert codes and all(len(code) == 16 for code in codes)


# --- Who, when, what for -----------------------------------------------------------------------


def test_the_list_changes_only_before_the_opening(api_as, carta_editor):
    consultation = upcoming()
    client = api_as(carta_editor)
    upload(client, consultation, CSV)
    open_now(consultation)
    replaced = upload(client, consultation, f"{UNLISTED}\n".encode())
    assert replaced.status_code == 409 and replaced.json()["code"] == "rules_frozen"
    cleared = client.delete(url(consultation))
    assert cleared.status_code == 409 and cleared.json()["code"] == "rules_frozen"
    assert EligibleVoter.objects.count() == 2


def test_the_list_applies_only_where_spid_or_cie_is_required(api_as, carta_editor):
    consultation = upcoming()
    Consultation.objects.filter(pk=consultation.pk).update(identity_required="email")
    response = upload(api_as(carta_editor), consultation, CSV)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["identity_required"]
    assert not EligibleVoter.objects.exists()


def test_the_requirement_cannot_drop_spid_while_a_list_exists(api_as, carta_editor):
    consultation = upcoming()
    client = api_as(carta_editor)
    upload(client, consultation, CSV)
    response = client.patch(
        f"/api/v1/consultations/{consultation.pk}/", {"identity_required": "email"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["identity_required"]
    consultation.refresh_from_db()
    assert consultation.identity_required == "spid_cie"


def test_only_staff_change_the_list(api, api_as, citizen, rep_a):
    consultation = upcoming()
    assert upload(api, consultation, CSV).status_code == 401
    assert api.delete(url(consultation)).status_code == 401
    for person in (citizen, rep_a):
        assert upload(api_as(person), consultation, CSV).status_code == 403
        assert api_as(person).delete(url(consultation)).status_code == 403
    assert upload(api, Consultation(pk=999999), CSV).status_code == 401
    assert not EligibleVoter.objects.exists()


def test_anyone_reads_the_size_of_the_list_never_its_content(api, api_as, carta_editor):
    consultation = upcoming()
    assert api.get(url(consultation)).json() == {"count": 0}
    upload(api_as(carta_editor), consultation, CSV)
    response = api.get(url(consultation))
    assert response.status_code == 200 and response.json() == {"count": 2}
    detail = api.get(f"/api/v1/consultations/{consultation.pk}/").json()
    assert detail["eligible_count"] == 2
    assert api.get("/api/v1/consultations/999999/eligibility/").status_code == 404


def test_delete_clears_the_list_and_everyone_with_spid_may_vote(api_as, carta_editor, answers_for):
    consultation = upcoming()
    client = api_as(carta_editor)
    upload(client, consultation, CSV)
    response = client.delete(url(consultation))
    assert response.status_code == 204
    assert client.get(url(consultation)).json() == {"count": 0}
    assert not EligibleVoter.objects.exists()
    open_now(consultation)
    person = UserFactory()
    give_identity(person, UNLISTED)
    assert vote(api_as, person, consultation, answers_for).status_code == 201


def test_the_changes_are_audited_with_the_count_and_no_code(api_as, carta_editor):
    consultation = upcoming()
    client = api_as(carta_editor)
    upload(client, consultation, CSV)
    client.delete(url(consultation))
    entries = AuditEntry.objects.filter(verb__startswith="consultation.eligibility").order_by("id")
    assert [(e.verb, e.changes) for e in entries] == [
        ("consultation.eligibility_replaced", {"count": [0, 2]}),
        ("consultation.eligibility_cleared", {"count": [2, 0]}),
    ]
    dump = str(list(AuditEntry.objects.values()))
    assert LISTED not in dump and eligibility_hash(LISTED) not in dump


def test_the_list_is_the_citizens_electorate(api_as, carta_editor, answers_for):
    consultation = upcoming(quorum_percent=50)
    UserFactory.create_batch(5)
    upload(api_as(carta_editor), consultation, CSV)
    open_now(consultation)
    person = UserFactory()
    give_identity(person, LISTED)
    vote(api_as, person, consultation, answers_for)
    consultation.refresh_from_db()
    figures = results.consultation_results(consultation)
    citizens = figures["electorates"][0]
    assert citizens["eligible"] == 2 and citizens["turnout_percent"] == 50


def test_without_a_list_the_electorate_is_the_people_with_an_identity(answers_for):
    consultation = ConsultationFactory(identity_required="spid_cie")
    UserFactory.create_batch(3)
    give_identity(UserFactory(), LISTED)
    assert results.consultation_results(consultation)["electorates"][0]["eligible"] == 1


def test_the_service_checks_the_codes_only_after_the_rights(carta_editor, citizen):
    consultation = upcoming()
    with pytest.raises(NotAllowed):
        services.replace_eligibility_list(
            actor=citizen, consultation=consultation, entries=[(1, "X")]
        )


# --- Pages -----------------------------------------------------------------------------------


def test_staff_upload_and_clear_the_list_on_the_management_page(client_as, carta_editor):
    consultation = upcoming()
    client = client_as(carta_editor)
    page = f"/consultazioni/{consultation.pk}/aventi-diritto/"
    detail = client.get(f"/consultazioni/{consultation.pk}/").content.decode()
    assert f'href="{page}"' in detail
    assert "Per ora non è stato caricato alcun elenco." in client.get(page).content.decode()
    response = client.post(page, {"file": SimpleUploadedFile("elenco.csv", CSV)})
    assert response.status_code == 302
    shown = client.get(page).content.decode()
    assert "aventi diritto è stato salvato: 2 codici fiscali." in shown
    assert "L'elenco attuale comprende 2 codici fiscali." in shown
    assert LISTED not in shown
    cleared = client.post(page, {"clear": "1"})
    assert cleared.status_code == 302 and not EligibleVoter.objects.exists()


def test_the_management_page_shows_the_rows_at_fault(client_as, carta_editor):
    consultation = upcoming()
    page = f"/consultazioni/{consultation.pk}/aventi-diritto/"
    response = client_as(carta_editor).post(
        page, {"file": SimpleUploadedFile("elenco.csv", f"{LISTED}\n{WRONG_CHECK}\n".encode())}
    )
    assert response.status_code == 400
    assert "Il codice fiscale della riga 2 non è valido." in response.content.decode()
    assert not EligibleVoter.objects.exists()


def test_the_management_page_is_for_staff_before_the_opening(client_as, citizen, carta_editor):
    consultation = upcoming()
    page = f"/consultazioni/{consultation.pk}/aventi-diritto/"
    assert client_as(None).get(page).status_code == 302  # to the sign-in page
    assert client_as(citizen).get(page).status_code == 403
    assert (
        client_as(citizen).post(page, {"file": SimpleUploadedFile("a.csv", CSV)}).status_code == 403
    )
    open_now(consultation)
    assert client_as(carta_editor).get(page)["Location"] == f"/consultazioni/{consultation.pk}/"
    email = upcoming()
    Consultation.objects.filter(pk=email.pk).update(identity_required="email")
    moved = client_as(carta_editor).get(f"/consultazioni/{email.pk}/aventi-diritto/")
    assert moved["Location"] == f"/consultazioni/{email.pk}/modifica/"
    assert not EligibleVoter.objects.exists()


def test_the_public_page_says_a_list_applies_and_its_size(client, api_as, carta_editor):
    consultation = upcoming()
    upload(api_as(carta_editor), consultation, CSV)
    html = client.get(f"/consultazioni/{consultation.pk}/").content.decode()
    assert (
        "Può votare solo chi è nell'elenco degli aventi diritto, che comprende 2 persone." in html
    )
