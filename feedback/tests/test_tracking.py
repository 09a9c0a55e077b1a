"""Following a complaint by code and email, and its resistance to guessing."""

from html import escape

import pytest
from django.utils import timezone

from feedback import codes
from feedback.models import ComplaintStatus
from tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db

CODE = "RCL-ABCD-EFGH-JKMN"
URL = "/api/v1/complaints/track/"


@pytest.fixture
def complaint():
    return ComplaintFactory(
        code=CODE,
        contact_email="Rosa.Marchetti@example.org",
        answer="Abbiamo ripristinato l'orario.",
        status=ComplaintStatus.ANSWERED,
    )


def test_code_and_email_together_show_the_complaint_without_contact_data(api, complaint):
    response = api.post(URL, {"code": CODE, "email": "rosa.marchetti@example.org"})
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == complaint.reference
    assert body["answer"] == "Abbiamo ripristinato l'orario."
    assert "contact_email" not in body and "contact_name" not in body


def test_code_is_accepted_in_lower_case_and_without_dashes(api, complaint):
    response = api.post(URL, {"code": "rclabcdefghjkmn", "email": complaint.contact_email})
    assert response.status_code == 200


def test_a_wrong_email_answers_exactly_like_an_unknown_code(api, complaint):
    wrong_email = api.post(URL, {"code": CODE, "email": "altra@example.org"})
    unknown_code = api.post(URL, {"code": "RCL-ZZZZ-ZZZZ-ZZZZ", "email": complaint.contact_email})
    malformed = api.post(URL, {"code": "RCL-1", "email": complaint.contact_email})
    assert wrong_email.status_code == unknown_code.status_code == malformed.status_code == 404
    assert wrong_email.content == unknown_code.content == malformed.content


def test_guessing_codes_is_stopped_by_the_rate_limit(api, complaint, settings):
    """An attacker who knows the email tries codes: past the limit every answer is 429,
    even for the right code, so guessing gets nowhere."""
    limit = 20
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "tracking": f"{limit}/hour",
        },
    }
    found = 0
    statuses = []
    for _ in range(limit + 5):
        response = api.post(URL, {"code": codes.new_code(), "email": complaint.contact_email})
        statuses.append(response.status_code)
        found += response.status_code == 200
    assert found == 0
    assert statuses[:limit] == [404] * limit
    assert set(statuses[limit:]) == {429}
    right = api.post(URL, {"code": CODE, "email": complaint.contact_email})
    assert right.status_code == 429
    assert "Retry-After" in right


def test_the_code_space_is_too_large_to_guess():
    # 29 symbols, 12 positions: about 3.5e17 codes; at the default 20 tries an hour per
    # address, a million addresses would need over a million years for an even chance.
    space = len(codes.ALPHABET) ** (codes.GROUPS * codes.GROUP_SIZE)
    assert space > 10**17
    assert len(set(codes.ALPHABET)) == 29 and not set("01ILOUV") & set(codes.ALPHABET)


def test_anonymized_complaints_cannot_be_followed(api):
    ComplaintFactory(code=CODE, contact_email="", anonymized_at=timezone.now(), status="closed")
    assert api.post(URL, {"code": CODE, "email": ""}).status_code == 400
    assert api.post(URL, {"code": CODE, "email": "x@example.org"}).status_code == 404


def test_sender_can_ask_to_reopen_with_code_and_email(api, complaint, complaint_officer):
    complaint.status = ComplaintStatus.CLOSED
    complaint.closed_at = timezone.now()
    complaint.save()
    response = api.post(
        URL + "reopen/",
        {"code": CODE, "email": complaint.contact_email, "reason": "Il problema persiste."},
    )
    assert response.status_code == 200
    assert response.json()["status"] == ComplaintStatus.RECEIVED
    wrong = api.post(
        URL + "reopen/", {"code": CODE, "email": "altra@example.org", "reason": "Prova."}
    )
    assert wrong.status_code == 404


def test_tracking_page_shows_status_and_hides_wrong_pairs(client, complaint):
    page = client.post("/valuta-e-segnala/segui/", {"code": CODE, "email": "altra@example.org"})
    assert page.status_code == 200
    assert "Nessuna segnalazione corrisponde" in page.content.decode()
    assert escape(complaint.answer) not in page.content.decode()
    page = client.post("/valuta-e-segnala/segui/", {"code": CODE, "email": complaint.contact_email})
    content = page.content.decode()
    assert escape(complaint.answer) in content
    assert complaint.contact_email not in content
