import contextlib
import os
import signal
import socket
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve Carta over HTTP and websockets (ASGI, daphne) from one or more workers."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("CARTA_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("CARTA_PORT", 8000)))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("CARTA_WORKERS", 1)),
            help="Worker processes sharing one listening socket (needs PostgreSQL and Redis "
            "when more than one).",
        )

    def handle(self, *args, host, port, workers, **options):
        if workers < 1:
            raise CommandError("--workers must be at least 1")
        if workers > 1 and (
            not settings.REDIS_URL or "sqlite" in settings.DATABASES["default"]["ENGINE"]
        ):
            raise CommandError(
                "Several workers need a shared database and channel layer: set DATABASE_URL "
                "and REDIS_URL."
            )
        if settings.PRODUCTION:
            call_command("collectstatic", interactive=False, verbosity=0)

        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host.strip("[]"), port))
        except OSError as error:
            raise CommandError(f"Cannot listen on {host}:{port}: {error}") from None
        sock.listen(1024)
        sock.set_inheritable(True)
        shown_host = f"[{host}]" if family == socket.AF_INET6 else host
        self.stdout.write(f"Carta in ascolto su http://{shown_host}:{port}/ ({workers} worker)")
        self.stdout.flush()

        argv = [
            "daphne",
            "--fd",
            str(sock.fileno()),
            "--proxy-headers",
            "--websocket_timeout",
            "86400",
            "carta.asgi:application",
        ]
        children = []
        for _ in range(workers - 1):
            pid = os.fork()
            if pid == 0:
                self._run_daphne(argv)
                os._exit(0)
            children.append(pid)
        try:
            self._run_daphne(argv)
        finally:
            for pid in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)

    def _run_daphne(self, argv):
        from daphne.cli import CommandLineInterface

        sys.argv = argv
        CommandLineInterface().run(argv[1:])
