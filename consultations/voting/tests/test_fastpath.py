"""The ballot fast path answers exactly as the API view would, and only where it should.

Each scenario is sent twice through the real ASGI stack: to ``BallotFastPath`` in front of
Django, and to Django alone. Statuses, bodies (but the random receipt) and headers must
be equal, and the rows stored the same. PostgreSQL only, as the fast path.
"""

import asyncio
import datetime

import pytest
from channels.testing import HttpCommunicator
from django.utils import timezone
from rest_framework.authtoken.models import Token

from carta.asgi import django_asgi_app
from consultations.voting import live
from consultations.voting.fastpath import BallotFastPath
from consultations.voting.models import Ballot, TallyCounter, VoterRecord
from tests.factories import ConsultationFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class Recorder:
    """Django's ASGI app, noting every request that reaches it."""

    def __init__(self):
        self.reached = 0

    async def __call__(self, scope, receive, send):
        self.reached += 1
        return await django_asgi_app(scope, receive, send)


_LOOP: list[asyncio.AbstractEventLoop] = []


def _send(app, path, body, headers):
    """One request through ``app``, on the test's event loop (the fast path's connection
    pool belongs to the loop that opened it, as in a server process)."""

    headers = [*headers, (b"content-length", str(len(body)).encode())]

    async def scenario():
        communicator = HttpCommunicator(app, "POST", path, body=body, headers=headers)
        return await communicator.get_response(timeout=10)

    return _LOOP[0].run_until_complete(scenario())


def _headers(token, *, content_type=b"application/json", extra=()):
    headers = [(b"host", b"testserver"), (b"content-type", content_type)]
    if token:
        headers.append((b"authorization", f"Token {token}".encode()))
    return headers + list(extra)


def _comparable(response):
    body = response["body"]
    headers = {
        k.decode().lower(): v.decode()
        for k, v in response["headers"]
        if k.lower() not in (b"content-length", b"server")
    }
    return response["status"], headers, body


@pytest.fixture
def fast():
    loop = asyncio.new_event_loop()
    _LOOP[:] = [loop]
    recorder = Recorder()
    app = BallotFastPath(recorder)
    yield app, recorder
    if app.pool is not None:
        loop.run_until_complete(app.pool.close())
    pending = asyncio.all_tasks(loop)  # Django's disconnect listeners
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.wait(pending))
    loop.close()
    _LOOP.clear()


def _token(user=None):
    return Token.objects.create(user=user or UserFactory()).key


def _cast_both(fast, consultation, answers, **kwargs):
    """The same ballot by two fresh voters, one through each path."""
    app, recorder = fast
    import json

    body = json.dumps({"answers": answers, **kwargs}).encode()
    path = f"/api/v1/consultations/{consultation.pk}/ballots/"
    before = recorder.reached
    via_fast = _send(app, path, body, _headers(_token()))
    answered_by_fast_path = recorder.reached == before
    via_django = _send(django_asgi_app, path, body, _headers(_token()))
    return via_fast, via_django, answered_by_fast_path


def test_a_secret_ballot_is_stored_and_answered_as_by_the_api_view(fast, answers_for):
    consultation = ConsultationFactory(secrecy="secret")
    answers = answers_for(consultation)
    via_fast, via_django, by_fast_path = _cast_both(fast, consultation, answers)
    assert by_fast_path
    assert via_fast["status"] == via_django["status"] == 201, via_django["body"]
    fast_body, django_body = (__import__("json").loads(r["body"]) for r in (via_fast, via_django))
    assert fast_body.keys() == django_body.keys()
    assert fast_body["receipt"] and fast_body["receipt"] != django_body["receipt"]
    assert {k: v for k, v in fast_body.items() if k != "receipt"} == {
        k: v for k, v in django_body.items() if k != "receipt"
    }
    assert _comparable(via_fast)[1] == _comparable(via_django)[1]
    # Two registered voters, two unlinked ballots, one of them the fast path's receipt.
    assert VoterRecord.objects.filter(consultation=consultation).count() == 2
    hashes = set(
        Ballot.objects.filter(consultation=consultation).values_list("receipt_hash", flat=True)
    )
    assert Ballot.hash_receipt(fast_body["receipt"]) in hashes and len(hashes) == 2
    totals = {}
    for key, count in TallyCounter.objects.filter(consultation=consultation).values_list(
        "key", "count"
    ):
        totals[key] = totals.get(key, 0) + count
    assert totals["ballots"] == 2
    assert all(count % 2 == 0 for count in totals.values())  # the same answers twice


def test_a_public_ballot_keeps_the_named_answers(fast, answers_for):
    consultation = ConsultationFactory()
    via_fast, via_django, by_fast_path = _cast_both(fast, consultation, answers_for(consultation))
    assert by_fast_path
    assert _comparable(via_fast) == _comparable(via_django)
    stored = list(
        VoterRecord.objects.filter(consultation=consultation).values_list("answers", flat=True)
    )
    assert stored[0] == stored[1] != {}
    assert not Ballot.objects.filter(consultation=consultation).exists()


@pytest.mark.parametrize(
    "case",
    ["unknown_option", "missing_answer", "not_open", "upcoming", "organizations_only", "english"],
)
def test_refusals_are_the_same_as_the_api_views(fast, answers_for, case):
    now = timezone.now()
    consultation = {
        "not_open": lambda: ConsultationFactory(
            opens_at=now - datetime.timedelta(days=3), closes_at=now - datetime.timedelta(days=1)
        ),
        "upcoming": lambda: ConsultationFactory(
            opens_at=now + datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=3)
        ),
        "organizations_only": lambda: ConsultationFactory(electorate="organizations"),
    }.get(case, ConsultationFactory)()
    answers = answers_for(consultation)
    first = next(iter(answers))
    if case in ("unknown_option", "english"):
        answers[first] = 999999
    elif case == "missing_answer":
        del answers[first]
    app, recorder = fast
    import json

    body = json.dumps({"answers": answers}).encode()
    path = f"/api/v1/consultations/{consultation.pk}/ballots/"
    language = "en" if case == "english" else "it"
    extra = [(b"accept-language", language.encode())]
    via_fast = _send(app, path, body, _headers(_token(), extra=extra))
    via_django = _send(django_asgi_app, path, body, _headers(_token(), extra=extra))
    assert recorder.reached == 0
    assert _comparable(via_fast) == _comparable(via_django)
    assert dict(via_fast["headers"])[b"Content-Language"] == language.encode()
    expected = {
        "english": (400, "invalid"),
        "unknown_option": (400, "invalid"),
        "missing_answer": (400, "invalid"),
        "not_open": (409, "not_open"),
        "upcoming": (409, "not_open"),
        "organizations_only": (403, "permission_denied"),
    }[case]
    parsed = json.loads(via_fast["body"])
    assert (parsed["status"], parsed["code"]) == expected
    if expected[0] == 400:
        assert parsed["errors"] == {f"answers.{first}": [parsed["detail"]]}
    if case == "english":
        assert "unknown option" in parsed["detail"]
    assert not VoterRecord.objects.filter(consultation=consultation).exists()


def test_a_second_ballot_is_refused_with_409_whichever_path_took_the_first(fast, answers_for):
    import json

    consultation = ConsultationFactory(secrecy="secret")
    app, _recorder = fast
    token = _token()
    body = json.dumps({"answers": answers_for(consultation)}).encode()
    path = f"/api/v1/consultations/{consultation.pk}/ballots/"
    english = _headers(token, extra=[(b"accept-language", b"en")])
    first = _send(django_asgi_app, path, body, english)
    again_fast = _send(app, path, body, english)
    again_django = _send(django_asgi_app, path, body, english)
    assert first["status"] == 201
    assert _comparable(again_fast) == _comparable(again_django)
    assert json.loads(again_fast["body"])["code"] == "already_voted"
    assert (
        json.loads(again_fast["body"])["detail"] == "You have already voted in this consultation."
    )
    assert Ballot.objects.filter(consultation=consultation).count() == 1
    assert sum(TallyCounter.objects.filter(key="ballots").values_list("count", flat=True)) == 1


@pytest.mark.parametrize(
    "case",
    [
        "unknown_token",
        "inactive_user",
        "unknown_consultation",
        "organization",
        "form",
        "session",
        "not_json",
        "nan",
        "no_answers",
    ],
)
def test_what_the_fast_path_does_not_handle_reaches_django_unchanged(fast, answers_for, case):
    import json

    consultation = ConsultationFactory()
    app, recorder = fast
    user = UserFactory(is_active=case != "inactive_user")
    token = "0" * 40 if case == "unknown_token" else _token(user)
    payload = {"answers": answers_for(consultation)}
    if case == "organization":
        payload["organization"] = 1
    if case == "no_answers":
        payload = {"risposte": {}}
    body = json.dumps(payload).encode()
    content_type = b"application/json"
    extra = []
    if case == "form":
        content_type, body = b"application/x-www-form-urlencoded", b"answers=1"
    if case == "not_json":
        body = b"{not json"
    if case == "nan":
        body = json.dumps({"answers": {"1": float("nan")}}).encode()
    if case == "session":
        extra = [(b"cookie", b"sessionid=abc")]
    pk = 999999 if case == "unknown_consultation" else consultation.pk
    path = f"/api/v1/consultations/{pk}/ballots/"
    via_fast = _send(app, path, body, _headers(token, content_type=content_type, extra=extra))
    via_django = _send(
        django_asgi_app, path, body, _headers(token, content_type=content_type, extra=extra)
    )
    assert recorder.reached == 1
    if case == "session":  # Django tries the (unknown) session, then the token: stored
        assert via_fast["status"] == 201
        return
    assert _comparable(via_fast) == _comparable(via_django)
    assert via_fast["status"] in (400, 401, 403, 404, 415)
    assert not VoterRecord.objects.filter(consultation=consultation).exists()


def test_the_vote_limit_is_one_count_for_both_paths(fast, answers_for, settings):
    import json

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "vote": "3/min",
        },
    }
    consultation = ConsultationFactory()
    app, _recorder = fast
    token = _token()
    body = json.dumps({"answers": {"0": 1}}).encode()  # refused (400), but counted
    path = f"/api/v1/consultations/{consultation.pk}/ballots/"
    statuses = [
        _send(app, path, body, _headers(token))["status"],
        _send(django_asgi_app, path, body, _headers(token))["status"],
        _send(app, path, body, _headers(token))["status"],
    ]
    throttled = _send(app, path, body, _headers(token))
    assert statuses == [400, 400, 400]
    assert throttled["status"] == 429
    assert json.loads(throttled["body"])["code"] == "throttled"
    assert int(dict(throttled["headers"])[b"Retry-After"]) > 0
    assert _send(django_asgi_app, path, body, _headers(token))["status"] == 429


def test_fifty_simultaneous_ballots_of_one_citizen_store_exactly_one(fast, answers_for, settings):
    import json

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "vote": "1000/min",
        },
    }
    consultation = ConsultationFactory(secrecy="secret")
    app, recorder = fast
    token = _token()
    body = json.dumps({"answers": answers_for(consultation)}).encode()
    path = f"/api/v1/consultations/{consultation.pk}/ballots/"

    async def race():
        headers = [*_headers(token), (b"content-length", str(len(body)).encode())]
        communicators = [
            HttpCommunicator(app, "POST", path, body=body, headers=headers) for _ in range(50)
        ]
        return await asyncio.gather(*(c.get_response(timeout=30) for c in communicators))

    responses = _LOOP[0].run_until_complete(race())
    statuses = sorted(r["status"] for r in responses)
    assert statuses == [201] + [409] * 49
    assert recorder.reached == 0
    assert VoterRecord.objects.filter(consultation=consultation).count() == 1
    assert Ballot.objects.filter(consultation=consultation).count() == 1
    assert sum(TallyCounter.objects.filter(key="ballots").values_list("count", flat=True)) == 1


def test_a_ballot_through_the_fast_path_announces_the_new_tally(fast, answers_for, monkeypatch):
    import json
    import threading

    announced = threading.Event()
    calls = []

    def tally_changed(consultation_id, **kwargs):
        calls.append(consultation_id)
        announced.set()

    monkeypatch.setattr(live, "tally_changed", tally_changed)
    consultation = ConsultationFactory()
    app, _recorder = fast
    body = json.dumps({"answers": answers_for(consultation)}).encode()
    response = _send(
        app, f"/api/v1/consultations/{consultation.pk}/ballots/", body, _headers(_token())
    )
    assert response["status"] == 201
    assert announced.wait(5)
    assert calls == [consultation.pk]


def test_the_fast_path_is_off_when_the_setting_says_so(fast, answers_for, settings):
    import json

    settings.CARTA_BALLOT_FAST_PATH = False
    consultation = ConsultationFactory()
    app, recorder = fast
    body = json.dumps({"answers": answers_for(consultation)}).encode()
    response = _send(
        app, f"/api/v1/consultations/{consultation.pk}/ballots/", body, _headers(_token())
    )
    assert response["status"] == 201
    assert recorder.reached == 1


def test_the_served_application_puts_the_fast_path_in_front_of_django():
    from carta.asgi import application

    http = application.application_mapping["http"]
    assert isinstance(http, BallotFastPath)
    assert http.app is django_asgi_app
