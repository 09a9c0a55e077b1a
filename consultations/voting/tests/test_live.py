"""Live tally over the websocket: what arrives, to whom, and how often."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.cache import cache

from carta.asgi import application
from consultations.voting import ballots, live
from tests.factories import ConsultationFactory, UserFactory


@pytest.fixture
def timed(monkeypatch):
    """``timed(start)``: a clock the tests move by hand (``clock["now"]``) and the timers
    the module schedules, as (due time, function, args), without threads or a database
    connection to close."""

    def make(start: float):
        clock, timers = {"now": start}, []

        class FakeTimer:
            def __init__(self, delay, function, args):
                timers.append((clock["now"] + delay, function, args))

            def start(self):
                pass

        monkeypatch.setattr(live.time, "time", lambda: clock["now"])
        monkeypatch.setattr(live.threading, "Timer", FakeTimer)
        monkeypatch.setattr(live, "close_old_connections", lambda: None)
        monkeypatch.setattr(
            live, "connection", type("NoConnection", (), {"close": lambda self: None})()
        )
        return clock, timers

    return make


def _headers(origin=b"http://testserver"):
    return [(b"origin", origin), (b"host", b"testserver")]


@pytest.mark.django_db(transaction=True)
def test_a_ballot_pushes_turnout_and_the_visible_tally(answers_for):
    consultation = ConsultationFactory()
    answers = answers_for(consultation)

    async def scenario():
        socket = WebsocketCommunicator(
            application, f"/ws/consultations/{consultation.pk}/", headers=_headers()
        )
        connected, _ = await socket.connect()
        assert connected
        initial = await socket.receive_json_from(timeout=5)
        await sync_to_async(ballots.cast_ballot)(
            actor=await sync_to_async(UserFactory)(), consultation=consultation, answers=answers
        )
        update = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return initial, update

    initial, update = async_to_sync(scenario)()
    assert initial["type"] == "tally" and initial["turnout"][0]["ballots"] == 0
    assert update["turnout"][0]["ballots"] == 1
    assert update["results"]["electorates"][0]["questions"]


@pytest.mark.django_db(transaction=True)
def test_a_hidden_tally_is_never_pushed(answers_for):
    consultation = ConsultationFactory(results_visibility="after_close")
    answers = answers_for(consultation)

    async def scenario():
        socket = WebsocketCommunicator(
            application, f"/ws/consultations/{consultation.pk}/", headers=_headers()
        )
        await socket.connect()
        await socket.receive_json_from(timeout=5)
        await sync_to_async(ballots.cast_ballot)(
            actor=await sync_to_async(UserFactory)(), consultation=consultation, answers=answers
        )
        update = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return update

    update = async_to_sync(scenario)()
    assert update["turnout"][0]["ballots"] == 1 and update["results"] is None


@pytest.mark.django_db(transaction=True)
def test_an_unknown_consultation_and_a_foreign_origin_are_refused():
    consultation = ConsultationFactory()

    async def scenario(path, origin):
        socket = WebsocketCommunicator(application, path, headers=_headers(origin))
        connected, _ = await socket.connect()
        if connected:
            await socket.disconnect()
        return connected

    assert async_to_sync(scenario)("/ws/consultations/999999/", b"http://testserver") is False
    assert (
        async_to_sync(scenario)(f"/ws/consultations/{consultation.pk}/", b"http://evil.example")
        is False
    )


def test_bursts_are_coalesced_to_two_pushes_a_second_with_a_trailing_one(monkeypatch, timed):
    pushes = []
    clock, timers = timed(1000.0)
    monkeypatch.setattr(live, "push", lambda pk: pushes.append((pk, clock["now"])))
    cache.clear()
    # 100 ballots over one second: one every 10 ms
    for _ in range(100):
        live.tally_changed(7)
        clock["now"] += 0.01
        while timers and timers[0][0] <= clock["now"]:
            _at, function, args = timers.pop(0)
            function(*args)
    # let the trailing push fire
    clock["now"] += 1
    while timers:
        _at, function, args = timers.pop(0)
        function(*args)
    times = [t for _pk, t in pushes]
    assert 2 <= len(times) <= 4  # at most two per second over the ~1.5 s observed
    for earlier, later in zip(times, times[1:], strict=False):
        assert later - earlier >= 0.49
    assert times[-1] >= 1000.99  # the trailing push came after the last ballot


def test_a_trailing_push_that_fails_is_tried_again_in_the_next_slots(monkeypatch, timed):
    """The last ballot of a burst is only announced by the trailing push: if that push
    fails (the database busy, the channel layer down for a moment), it is tried again
    in the next slots, a few times, instead of leaving the pages on an older tally."""
    pushes = []
    clock, timers = timed(2000.0)
    failures = {"left": 2}

    def push(pk):
        if failures["left"]:
            failures["left"] -= 1
            raise RuntimeError("database is locked")
        pushes.append((pk, clock["now"]))

    monkeypatch.setattr(live, "push", push)
    cache.clear()
    # A push in this slot, then a ballot in the same slot: a trailing push is scheduled.
    cache.add(f"voting:push:8:{live._slot(clock['now'])}", 1, timeout=5)
    live.tally_changed(8)
    for _ in range(10):
        if not timers:
            break
        at, function, args = timers.pop(0)
        clock["now"] = at
        function(*args)
    assert len(pushes) == 1  # two failures, then the push went out
    assert not timers


def test_a_trailing_push_gives_up_after_a_few_attempts(monkeypatch, timed):
    clock, timers = timed(3000.0)
    monkeypatch.setattr(live, "push", lambda pk: (_ for _ in ()).throw(RuntimeError("down")))
    cache.clear()
    cache.add(f"voting:push:9:{live._slot(clock['now'])}", 1, timeout=5)
    live.tally_changed(9)
    attempts = 0
    while timers and attempts < 20:
        at, function, args = timers.pop(0)
        clock["now"] = at
        function(*args)
        attempts += 1
    assert attempts == live.TRAILING_ATTEMPTS


@pytest.mark.django_db
def test_new_subscribers_share_a_snapshot_until_half_a_second_or_a_push(
    answers_for, monkeypatch, django_assert_num_queries
):
    consultation = ConsultationFactory()
    live._snapshots.clear()
    clock = [1_000_000.0]
    monkeypatch.setattr(live.time, "time", lambda: clock[0])
    first = live.snapshot(consultation.pk)
    assert first["turnout"][0]["ballots"] == 0
    ballots.cast_ballot(
        actor=UserFactory(), consultation=consultation, answers=answers_for(consultation)
    )
    clock[0] += 0.2
    with django_assert_num_queries(0):  # the shared snapshot: no results computed
        assert live.snapshot(consultation.pk) is first
    clock[0] += 0.4  # older than half a second: computed afresh
    assert live.snapshot(consultation.pk)["turnout"][0]["ballots"] == 1
    # A push by another worker makes this worker's snapshot stale at once.
    ballots.cast_ballot(
        actor=UserFactory(), consultation=consultation, answers=answers_for(consultation)
    )
    clock[0] += 0.1
    cache.set(f"voting:pushed:{consultation.pk}", clock[0], timeout=60)
    assert live.snapshot(consultation.pk)["turnout"][0]["ballots"] == 2
