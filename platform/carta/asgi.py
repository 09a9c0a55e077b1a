"""ASGI entry point: HTTP through Django, websockets through Channels.

Every HTTP request reaches Django's URL configuration and middleware; nothing answers in
front of it. Websocket handshakes are accepted only from the site's own origin (see
``SameOriginValidator``) and carry the session user into the consumer's scope.
"""

import gc
import os
from urllib.parse import urlsplit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carta.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import WebsocketDenier  # noqa: E402
from django.conf import settings  # noqa: E402
from django.http.request import split_domain_port, validate_host  # noqa: E402

from carta.routing import websocket_urlpatterns  # noqa: E402

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(scheme: str, netloc: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of ``scheme://netloc``, the port made explicit; None when it
    is not an HTTP(S) origin."""
    try:
        parts = urlsplit(f"{scheme}://{netloc}")
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None
    if not parts.hostname or port is None:
        return None
    return parts.scheme, parts.hostname, port


class SameOriginValidator:
    """Accepts a websocket handshake only when its ``Origin`` is the site's own, in scheme,
    host and port: the scheme of ``CARTA_SITE_URL``, and either its host and port or
    those the handshake was sent to (its ``Host`` header) when ``ALLOWED_HOSTS`` holds
    that host.

    Channels' ``AllowedHostsOriginValidator`` compares the host alone, so a page served
    from another port of the same host, or over plain HTTP, could open the site's sockets
    with the visitor's cookies. The ``Host`` rule lets the embedded server answer on any
    port and name it serves. Settings are read on every handshake.
    """

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if self._allowed(dict(scope.get("headers", []))):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)

    @staticmethod
    def _allowed(headers: dict[bytes, bytes]) -> bool:
        scheme, _, netloc = headers.get(b"origin", b"").decode("latin1").partition("://")
        origin = _origin(scheme.lower(), netloc)
        site = urlsplit(settings.CARTA_SITE_URL)
        if origin is None or origin[0] != site.scheme:
            return False
        if origin == _origin(site.scheme, site.netloc):
            return True
        host = headers.get(b"host", b"").decode("latin1")
        return origin == _origin(site.scheme, host) and validate_host(
            split_domain_port(host)[0], settings.ALLOWED_HOSTS
        )


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns()))),
    }
)

# Everything loaded so far lives as long as the process: keep it out of the garbage
# collector's full passes, which otherwise walk it all and stall the event loop.
gc.freeze()
