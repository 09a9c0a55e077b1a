"""ASGI entry point: HTTP through Django, websockets through Channels.

Citizens' ballots sent with an API token take a shorter way to the same checks and
writes (``consultations.voting.fastpath``, PostgreSQL only); every other request reaches
Django unchanged.

Websocket handshakes are accepted only from the site's own origins (ALLOWED_HOSTS) and
carry the session user into the consumer's scope.
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
from consultations.voting.fastpath import BallotFastPath  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": BallotFastPath(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns()))
        ),
    }
)

# Everything loaded so far lives as long as the process: keep it out of the garbage
# collector's full passes, which otherwise walk it all and stall the event loop.
gc.freeze()
