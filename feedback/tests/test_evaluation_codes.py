"""Single-use evaluation codes: issued by the service's office (shown once, stored only as
a keyed digest), used once, past the per-address limit; verified evaluations counted
apart on the dashboard; the per-address limit explained in plain words."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from carta.errors import InvalidInput, NotAllowed
from carta.models import AuditEntry
from feedback import evaluation_codes, selectors, services
from feedback.models import Evaluation, EvaluationCode
from tests.concurrency import run_together

pytestmark = pytest.mark.django_db

URL = "/api/v1/evaluations/"
GOOD = {"access": 4, "timeliness": 3, "courtesy": 5, "clarity": 4, "overall": 4}
LIMIT_WORDS = "Da questo collegamento è già stata inviata una valutazione per questo servizio"


def payload(service, **overrides):
    return {"service": service.pk, **GOOD, "comment": "Gentili.", **overrides}


def issue(officer, service, count=3, **kwargs):
    return services.issue_evaluation_codes(actor=officer, service=service, count=count, **kwargs)


def test_codes_are_readable_and_stored_only_as_a_keyed_digest(complaint_officer, carta):
    issued = issue(complaint_officer, carta.assistenza, count=5)
    assert len(set(issued.codes)) == 5
    for code in issued.codes:
        assert code.startswith("VAL-") and len(code) == 13
        assert not set(code[4:].replace("-", "")) & set("01OILUV")
    rows = list(EvaluationCode.objects.all())
    assert len(rows) == 5
    stored = {row.digest for row in rows}
    assert stored == {evaluation_codes.digest(code) for code in issued.codes}
    # The digest is keyed: not the plain SHA-256 of the code, and no column holds it.
    import hashlib

    plain = {hashlib.sha256(c[4:].replace("-", "").encode()).hexdigest() for c in issued.codes}
    assert not stored & plain
    for row in rows:
        assert row.service_key == "assistenza-domiciliare"
        assert row.issued_by == complaint_officer and row.used_at is None
        assert (row.expires_at - row.issued_at).days == services.CODE_DAYS_DEFAULT
    audit = AuditEntry.objects.get(verb="evaluation_codes.issued")
    assert audit.changes["count"] == 5 and audit.changes["service"] == "assistenza-domiciliare"
    assert not any(code in str(audit.changes) for code in issued.codes)


def test_only_the_office_issues_codes(citizen, carta):
    with pytest.raises(NotAllowed):
        issue(citizen, carta.assistenza)
    assert not EvaluationCode.objects.exists()


def test_codes_are_emailed_after_the_commit(
    complaint_officer, carta, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        issued = issue(complaint_officer, carta.assistenza, count=2, email="sportello@example.org")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sportello@example.org"]
    assert "Assistenza domiciliare" in message.subject
    assert all(code in message.body for code in issued.codes)
    assert f"?servizio={carta.assistenza.pk}" in message.body
    assert AuditEntry.objects.get(verb="evaluation_codes.issued").changes["emailed"] is True


def test_a_code_lifts_the_address_limit_and_marks_the_evaluation_verified(
    api, complaint_officer, carta
):
    issued = issue(complaint_officer, carta.assistenza)
    assert api.post(URL, payload(carta.assistenza)).status_code == 201
    limited = api.post(URL, payload(carta.assistenza))
    assert limited.status_code == 429
    assert LIMIT_WORDS in limited.json()["errors"]["code"][0]
    with_code = api.post(URL, payload(carta.assistenza, code=issued.codes[0].lower()))
    assert with_code.status_code == 201
    assert with_code.json()["verified"] is True
    evaluation = Evaluation.objects.get(pk=with_code.json()["id"])
    assert evaluation.verified
    row = EvaluationCode.objects.get(digest=evaluation_codes.digest(issued.codes[0]))
    assert row.used_at is not None and row.evaluation == evaluation
    # The code was for one use.
    again = api.post(URL, payload(carta.assistenza, code=issued.codes[0]))
    assert again.status_code == 400
    assert "già stato usato" in again.json()["errors"]["code"][0]
    assert Evaluation.objects.filter(verified=True).count() == 1


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("unknown", "non risulta tra quelli emessi"),
        ("malformed", "non è scritto correttamente"),
        ("other_service", "vale per un altro servizio"),
        ("expired", "è scaduto "),
    ],
)
def test_an_invalid_code_is_a_400_on_code(api, complaint_officer, carta, case, words):
    issued = issue(
        complaint_officer, carta.segretariato if case == "other_service" else carta.assistenza
    )
    code = {
        "unknown": "VAL-AAAA-BBBB",
        "malformed": "12",
        "other_service": issued.codes[0],
        "expired": issued.codes[0],
    }[case]
    later = timezone.now() + datetime.timedelta(days=services.CODE_DAYS_DEFAULT + 1)
    with time_machine.travel(later if case == "expired" else timezone.now(), tick=False):
        response = api.post(URL, payload(carta.assistenza, code=code))
    assert response.status_code == 400
    assert words in response.json()["errors"]["code"][0]
    assert not Evaluation.objects.exists()
    assert not EvaluationCode.objects.filter(used_at__isnull=False).exists()


def test_the_page_explains_the_limit_and_keeps_the_answers(client, complaint_officer, carta):
    url = reverse("feedback_evaluate")
    form = {"service": carta.assistenza.pk, **GOOD, "comment": "Personale gentile"}
    assert client.post(url, form).status_code == 302
    limited = client.post(url, {**form, "comment": "Seconda volta, dallo sportello"})
    assert limited.status_code == 429
    text = limited.content.decode()
    assert "Da questo collegamento è già stata inviata una valutazione" in text
    assert "Troppi tentativi" not in text
    assert "Seconda volta, dallo sportello" in text
    # A wrong code: the message beside the field, the answers kept.
    wrong = client.post(url, {**form, "comment": "Con codice", "code": "VAL-AAAA-BBBB"})
    assert wrong.status_code == 400
    assert "non risulta tra quelli emessi" in wrong.content.decode()
    assert "Con codice" in wrong.content.decode()
    # The right one goes through.
    issued = issue(complaint_officer, carta.assistenza, count=1)
    done = client.post(url, {**form, "code": issued.codes[0]})
    assert done.status_code == 302
    assert Evaluation.objects.filter(verified=True).count() == 1


def test_the_office_page_shows_the_codes_once_for_printing(client_as, complaint_officer, carta):
    client = client_as(complaint_officer)
    page = client.get(reverse("feedback_evaluation_codes"))
    assert page.status_code == 200
    response = client.post(
        reverse("feedback_evaluation_codes"),
        {"service": carta.assistenza.pk, "count": 4, "valid_days": 30, "email": ""},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count('class="eval-code-value"') == 4
    assert "Assistenza domiciliare" in text
    assert f"/valuta-e-segnala/valuta/?servizio={carta.assistenza.pk}" in text
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert EvaluationCode.objects.count() == 4


def test_the_office_page_is_refused_to_others(client_as, citizen, carta):
    assert client_as(citizen).get(reverse("feedback_evaluation_codes")).status_code == 403


def test_the_dashboard_counts_verified_and_open_evaluations_apart(
    api, client, complaint_officer, carta
):
    issued = issue(complaint_officer, carta.assistenza, count=2)
    api.post(URL, payload(carta.assistenza))
    api.post(URL, payload(carta.segretariato))
    api.post(URL, payload(carta.assistenza, code=issued.codes[0]))
    api.post(URL, payload(carta.assistenza, code=issued.codes[1]))
    from feedback import periods

    quarters = periods.recent_quarters(4)
    counts = selectors.evaluation_counts(quarters)
    assert (counts["verified"], counts["open"]) == (2, 2)
    current = next(row for row in counts["periods"] if row["period"] == quarters[-1])
    assert (current["verified"], current["open"]) == (2, 2)
    page = client.get(reverse("feedback_dashboard")).content.decode()
    assert 'class="eval-verified-total">2<' in page and 'class="eval-open-total">2<' in page


def test_invalid_count_names_its_field(complaint_officer, carta):
    with pytest.raises(InvalidInput) as error:
        issue(complaint_officer, carta.assistenza, count=0)
    assert error.value.field == "count"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_submissions_of_one_code_make_one_evaluation(carta):
    from tests.factories import UserFactory

    # A superuser: a transactional test may follow one that flushed the groups of migrations.
    officer = UserFactory(is_superuser=True, is_staff=True)
    code = issue(officer, carta.assistenza, count=1).codes[0]

    def attempt(n):
        def run():
            try:
                services.submit_evaluation(
                    actor=None,
                    service=carta.assistenza,
                    client_address=f"198.51.100.{n}",
                    code=code,
                    **GOOD,
                )
            except InvalidInput as error:
                return f"refused:{error.field}"
            return "evaluated"

        return run

    outcomes = run_together([attempt(n) for n in range(8)])
    assert sorted(outcomes) == ["evaluated"] + ["refused:code"] * 7
    assert Evaluation.objects.filter(verified=True).count() == 1
    assert EvaluationCode.objects.get().evaluation is not None
