"""Servers away: the database answers 503 (not 500), the cache fails open."""

import socket

import pytest
from django.db import OperationalError

from carta.resilience import FailOpenRedisCache

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("carta.selectors.unread_count", refuse)
    monkeypatch.setattr("carta.selectors.notifications_for", refuse)


def test_api_answers_503_in_the_error_shape_when_the_database_is_away(
    api_as, citizen, database_down
):
    response = api_as(citizen).get("/api/v1/notifications/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "service_unavailable"


def test_pages_answer_503_with_a_clear_message_when_the_database_is_away(
    client_as, citizen, database_down
):
    response = client_as(citizen).get("/notifiche/")
    assert response.status_code == 503
    assert "momentaneamente non disponibile" in response.content.decode()


def test_cache_without_redis_answers_like_an_empty_cache():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cache = FailOpenRedisCache(
        f"redis://127.0.0.1:{port}/0",
        {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}},
    )
    assert cache.get("k", "default") == "default"
    assert cache.add("k", 0) is True
    assert cache.incr("k") == 1
    cache.set("k", 1)
    assert cache.get_many(["k"]) == {}


def test_a_redis_that_failed_is_not_tried_again_for_a_few_seconds(monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cache = FailOpenRedisCache(f"redis://127.0.0.1:{port}/2", {"OPTIONS": {"socket_timeout": 1}})
    assert cache.get("k", "default") == "default"  # fails, and marks this Redis as away
    calls = []
    monkeypatch.setattr(cache._cache, "get", lambda *a, **k: calls.append(a))
    assert cache.get("k", "default") == "default"
    assert calls == []  # not tried
    cache._cache.carta_down_until = 0.0  # the pause is over
    cache.get("k", "default")
    assert len(calls) == 1


def test_redis_cache_objects_of_a_process_share_one_client():
    # Django builds a cache object per request under ASGI; each used to open connections
    # of its own (one new Redis connection per request).
    from carta.resilience import FailOpenRedisCache

    first = FailOpenRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_timeout": 1}})
    second = FailOpenRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_timeout": 1}})
    other = FailOpenRedisCache("redis://127.0.0.1:1/1", {"OPTIONS": {"socket_timeout": 1}})
    assert first._cache is second._cache
    assert first._cache is not other._cache


@pytest.mark.django_db(transaction=True)
def test_a_websocket_handshake_while_redis_is_away_is_refused_not_a_500(monkeypatch):
    import redis.exceptions
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer
    from channels.testing import WebsocketCommunicator

    from carta.asgi import application
    from tests.factories import ConsultationFactory

    consultation = ConsultationFactory()

    async def unreachable(*args, **kwargs):
        raise redis.exceptions.ConnectionError("Connection refused")

    layer = get_channel_layer()
    monkeypatch.setattr(type(layer), "group_add", unreachable)

    async def scenario():
        socket = WebsocketCommunicator(
            application,
            f"/ws/consultations/{consultation.pk}/",
            headers=[(b"origin", b"http://testserver"), (b"host", b"testserver")],
        )
        connected, code = await socket.connect()
        await socket.disconnect()
        return connected, code

    assert async_to_sync(scenario)() == (False, 4503)
