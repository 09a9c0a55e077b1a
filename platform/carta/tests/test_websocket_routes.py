"""A websocket path that no app serves is refused with a close code, not a 500."""

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator

from carta.asgi import application
from carta.consumers import NO_SUCH_CHANNEL


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/ws/", "/ws/nothing/", "/ws/consultations/abc/", "/altro"])
def test_an_unknown_websocket_path_is_refused_cleanly(path):
    async def scenario():
        socket = WebsocketCommunicator(
            application, path, headers=[(b"origin", b"http://localhost"), (b"host", b"localhost")]
        )
        connected, code = await socket.connect()
        await socket.disconnect()
        return connected, code

    assert async_to_sync(scenario)() == (False, NO_SUCH_CHANNEL)
