import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

PACKAGE_PARENT = Path(__file__).resolve().parents[3]


class Command(BaseCommand):
    help = (
        "Serve Carta over HTTP and websockets (ASGI, daphne). The command binds the socket "
        "and supervises N worker processes accepting on it, restarting any that dies."
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

        sock = self._listen(host, port)
        shown = f"[{host}]" if ":" in host else host
        self.stdout.write(f"Carta in ascolto su http://{shown}:{port}/ ({workers} worker)")
        self.stdout.flush()
        self._supervise(sock, workers)

    def _listen(self, host, port) -> socket.socket:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host.strip("[]"), port))
        except OSError as error:
            raise CommandError(f"Cannot listen on {host}:{port}: {error}") from None
        sock.listen(1024)
        sock.set_inheritable(True)
        return sock

    def _spawn(self, fd: int) -> subprocess.Popen:
        # A fresh interpreter per worker: a reactor must not be shared across a fork.
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            part for part in (str(PACKAGE_PARENT), env.get("PYTHONPATH", "")) if part
        )
        env.setdefault("DJANGO_SETTINGS_MODULE", "carta.settings")
        command = [
            sys.executable,
            "-m",
            "daphne",
            "--fd",
            str(fd),
            "--proxy-headers",
            "--websocket_timeout",
            "86400",
            "carta.asgi:application",
        ]
        return subprocess.Popen(command, pass_fds=[fd], env=env)  # noqa: S603 - fixed argv

    def _supervise(self, sock: socket.socket, workers: int) -> None:
        fd = sock.fileno()
        children = [self._spawn(fd) for _ in range(workers)]
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while not stopping:
                for index, child in enumerate(children):
                    if child.poll() is not None and not stopping:
                        self.stderr.write(
                            f"worker {child.pid} exited with {child.returncode}; restarting"
                        )
                        children[index] = self._spawn(fd)
                time.sleep(0.5)
        finally:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            deadline = time.monotonic() + 15
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()
            sock.close()
