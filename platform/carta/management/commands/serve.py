import os

import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Serve Carta over HTTP and websockets with uvicorn (ASGI): N worker processes on "
        "one socket, supervised by uvicorn, which restarts any that dies."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("CARTA_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("CARTA_PORT", 8000)))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("CARTA_WORKERS", 1)),
            help="Worker processes sharing one listening socket (more than one needs "
            "PostgreSQL and Redis).",
        )

    def handle(self, *args, host, port, workers, **options):
        if workers < 1:
            raise CommandError("--workers must be at least 1")
        shared = settings.REDIS_URL and settings.DATABASES["default"]["ENGINE"].endswith(
            "postgresql"
        )
        if workers > 1 and not shared:
            raise CommandError(
                "Several workers need a shared database and channel layer: set DATABASE_URL "
                "and REDIS_URL."
            )
        if settings.PRODUCTION:
            call_command("collectstatic", interactive=False, verbosity=0)
        shown = f"[{host}]" if ":" in host else host
        self.stdout.write(f"Carta in ascolto su http://{shown}:{port}/ ({workers} worker)")
        self.stdout.flush()
        # The workers are fresh interpreters (spawned): they find the settings here.
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carta.settings")
        uvicorn.run(
            "carta.asgi:application",
            host=host.strip("[]"),
            port=port,
            workers=workers,
            # The client's address is the socket's peer; X-Forwarded-For is read only from
            # CARTA_TRUSTED_PROXIES, by carta.ratelimit.client_ip.
            proxy_headers=False,
            server_header=False,
            # Channels' router answers no lifespan events.
            lifespan="off",
            access_log=False,
            log_level=settings.LOGGING["root"]["level"].lower(),
            timeout_graceful_shutdown=15,
            timeout_keep_alive=settings.CARTA_KEEP_ALIVE_SECONDS,
        )
