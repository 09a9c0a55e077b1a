"""ASGI entry point: HTTP through Django, websockets through Channels.

Every HTTP request reaches Django's URL configuration and middleware; nothing answers in
front of it. Websocket handshakes are accepted only from the site's own origins
(ALLOWED_HOSTS) and carry the session user into the consumer's scope.
"""

import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carta.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from carta.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns()))
        ),
    }
)

# Everything loaded so far lives as long as the process: keep it out of the garbage
# collector's full passes, which otherwise walk it all and stall the event loop.
gc.freeze()
