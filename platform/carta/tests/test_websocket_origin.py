"""Websocket handshakes are accepted only from the site's own origin: scheme, host and
port, not the host alone (another service on the same host, or the plain-HTTP page of an
HTTPS site, is another origin)."""

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings

from carta.asgi import application
from carta.tests.test_settings import run_carta


def _handshake(origin: bytes | None, host: bytes | None = b"testserver"):
    headers = [(b"origin", origin)] if origin is not None else []
    if host is not None:
        headers.append((b"host", host))

    async def scenario():
        socket = WebsocketCommunicator(application, "/ws/nothing/", headers=headers)
        _connected, code = await socket.connect()
        await socket.disconnect()
        return code

    # An accepted origin reaches the router, which refuses this path with 4404; a refused
    # origin never gets there (the plain close code 1000).
    return async_to_sync(scenario)() == 4404


@pytest.fixture
def site(settings):
    settings.CARTA_SITE_URL = "https://carta.example.org"
    settings.ALLOWED_HOSTS = ["carta.example.org", "testserver"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("origin", "host"),
    [
        # The site's address, whatever the Host header (a proxy may rewrite it).
        (b"https://carta.example.org", b"carta.example.org"),
        (b"https://carta.example.org:443", b"127.0.0.1:8000"),
        (b"https://CARTA.example.org", None),
        # The address the handshake was sent to, on a host the site serves.
        (b"https://testserver", b"testserver"),
        (b"https://testserver:8443", b"testserver:8443"),
    ],
)
def test_the_sites_own_origin_is_accepted(site, origin, host):
    assert _handshake(origin, host) is True


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("origin", "host"),
    [
        # Same host, another port or another scheme.
        (b"https://carta.example.org:8443", b"carta.example.org"),
        (b"http://carta.example.org", b"carta.example.org"),
        (b"https://testserver:8080", b"testserver"),
        (b"http://testserver", b"testserver"),
        # A host the site does not serve, even when the Host header agrees.
        (b"https://evil.example", b"evil.example"),
        (b"https://carta.example.org.evil.example", b"carta.example.org"),
        # No origin, a meaningless one, a broken port.
        (None, b"testserver"),
        (b"null", b"testserver"),
        (b"https://testserver:99999", b"testserver:99999"),
    ],
)
def test_another_origin_is_refused(site, origin, host):
    assert _handshake(origin, host) is False


@pytest.mark.django_db(transaction=True)
def test_the_embedded_server_accepts_its_own_origin_on_any_port(settings):
    settings.CARTA_SITE_URL = "http://127.0.0.1:8000"
    assert _handshake(b"http://localhost:8123", b"localhost:8123") is True
    assert _handshake(b"http://localhost:8123", b"localhost:8000") is False


def test_the_embedded_profile_does_not_serve_the_test_clients_host():
    result = run_carta(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.ALLOWED_HOSTS)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['localhost', '127.0.0.1', '[::1]']"
    assert "testserver" in settings.ALLOWED_HOSTS  # added by the test settings only
