"""Start the test identity provider from a test (a test and demo tool, never for production).

    with running_idp(client_id="carta", client_secret="s3cret",
                     redirect_uris=["http://127.0.0.1:8000/callback/"]) as idp:
        idp.issuer  # "http://127.0.0.1:<port>", allauth's server_url as it is
        idp.stop()  # the provider is now unreachable (a refused connection)
        idp.start()  # back, on the same port, database and signing key

Each provider is its own process with its own temporary directory and a free port, so several
can run at once.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .identities import DEFAULT_IDENTITIES, Identity

REPO_ROOT = Path(__file__).resolve().parents[2]


class IdpStartError(RuntimeError):
    """The provider did not say READY in time; the message carries its stderr."""


@dataclass
class RunningIdp:
    """A provider process: ``issuer``, the client's credentials, the identities it offers."""

    client_id: str
    client_secret: str
    redirect_uris: list[str]
    identities: list[Identity]
    workdir: Path
    timeout: float
    issuer: str = ""
    returncode: int | None = None  # of the last process, once stopped
    process: subprocess.Popen | None = field(default=None, repr=False)

    def start(self) -> None:
        """Start the process (on the issuer's port again after ``stop()``) and wait for READY."""
        if self.process is not None:
            raise RuntimeError("the provider is already running")
        port = urlsplit(self.issuer).port if self.issuer else 0
        identities_file = self.workdir / "identities.json"
        identities_file.write_text(json.dumps([identity.to_json() for identity in self.identities]))
        command = [
            sys.executable,
            "-m",
            "devtools.testidp",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--client-id",
            self.client_id,
            "--client-secret",
            self.client_secret,
            "--data-dir",
            str(self.workdir / "data"),
            "--identities",
            str(identities_file),
        ]
        for uri in self.redirect_uris:
            command += ["--redirect-uri", uri]
        env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
        env["PYTHONUNBUFFERED"] = "1"
        # stderr goes to a file: a pipe nobody reads would fill up and block the server.
        stderr_path = self.workdir / "stderr.log"
        with stderr_path.open("ab") as stderr:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True
            )
        line = _first_line(self.process, self.timeout)
        if not line.startswith("READY "):
            self.stop()
            raise IdpStartError(
                f"the test identity provider did not start ({line!r}):\n"
                + stderr_path.read_text(errors="replace")
            )
        self.issuer = line.split(" ", 1)[1].strip()

    def stop(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL after 10 seconds); nothing if not running."""
        if self.process is None:
            return
        process, self.process = self.process, None
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        self.returncode = process.returncode
        if process.stdout:
            process.stdout.close()

    @property
    def stderr(self) -> str:
        """What the process said on stderr so far (its tracebacks, its warnings)."""
        path = self.workdir / "stderr.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def identity(self, username: str) -> Identity:
        return next(identity for identity in self.identities if identity.username == username)


def _first_line(process: subprocess.Popen, timeout: float) -> str:
    """The first line of the process's stdout, or "" on timeout or exit; then keeps draining."""
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in process.stdout:
            lines.put(line)
        lines.put("")

    threading.Thread(target=read, daemon=True).start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        return ""


@contextlib.contextmanager
def running_idp(
    *,
    client_id: str,
    client_secret: str,
    redirect_uris: Sequence[str],
    identities: Sequence[Identity] | None = None,
    timeout: float = 30,
) -> Iterator[RunningIdp]:
    """A running test identity provider for the ``with`` block, stopped at its end."""
    with tempfile.TemporaryDirectory(prefix="carta-testidp-") as workdir:
        idp = RunningIdp(
            client_id=client_id,
            client_secret=client_secret,
            redirect_uris=list(redirect_uris),
            identities=list(identities if identities is not None else DEFAULT_IDENTITIES),
            workdir=Path(workdir),
            timeout=timeout,
        )
        idp.start()
        try:
            yield idp
        finally:
            idp.stop()
