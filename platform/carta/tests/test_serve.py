"""``carta serve`` for real: the server answers, and X-Forwarded-For is believed only
from ``CARTA_TRUSTED_PROXIES`` (seen through the login limit, which counts per address)."""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
CARTA = [sys.executable, "-m", "carta.cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(**extra) -> dict[str, str]:
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL"}
        and not key.startswith("CARTA_")
    }
    base["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "platform")])
    base["CARTA_LOGIN_ATTEMPTS"] = "2"
    return {**base, **extra}


class Served:
    def __init__(self, env: dict, workers: int):
        self.port = free_port()
        self.process = subprocess.Popen(
            [*CARTA, "serve", "--port", str(self.port), "--workers", str(workers)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with self.get("/healthz") as response:
                    self.health = response.status
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise AssertionError(self.output) from None
                time.sleep(0.2)

    def get(self, path: str, opener=None):
        opener = opener or urllib.request.build_opener()
        return opener.open(f"http://127.0.0.1:{self.port}{path}", timeout=10)

    def login(self, forwarded: str) -> int:
        """A wrong password from the client that X-Forwarded-For names; the status."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = self.get("/accedi/", opener).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": "nessuno", "password": "no"}
        ).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/accedi/",
            data=data,
            headers={"X-Forwarded-For": forwarded},
        )
        try:
            with opener.open(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def workers(self) -> list[int]:
        """uvicorn's worker processes (not multiprocessing's resource tracker)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids = [int(pid) for pid in children.read_text().split()]
        return [pid for pid in pids if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.output = self.process.communicate(timeout=20)[0].decode()
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.output = self.process.communicate()[0].decode()


@pytest.fixture(scope="module")
def sqlite_env(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve")
    env = environment(CARTA_DATA_DIR=str(folder), SQLITE_PATH=str(folder / "carta.sqlite3"))
    subprocess.run([*CARTA, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    return env


def test_serve_ignores_forwarded_header_from_an_untrusted_client(sqlite_env):
    served = Served(sqlite_env, workers=1)
    try:
        statuses = [served.login(f"198.51.100.{n}") for n in range(3)]
    finally:
        served.stop()
    assert served.health == 200
    assert statuses == [200, 200, 429]
    assert "Carta in ascolto" in served.output


def test_serve_honours_forwarded_header_from_a_trusted_proxy(sqlite_env):
    served = Served({**sqlite_env, "CARTA_TRUSTED_PROXIES": "127.0.0.1"}, workers=1)
    try:
        different = [served.login(f"198.51.100.{n}") for n in range(3)]
        same = [served.login("198.51.100.9") for _ in range(3)]
    finally:
        served.stop()
    assert different == [200, 200, 200]
    assert same == [200, 200, 429]


def test_several_workers_need_postgresql_and_redis(sqlite_env):
    result = subprocess.run(
        [*CARTA, "serve", "--workers", "2"],
        cwd=ROOT,
        env=sqlite_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "DATABASE_URL and REDIS_URL" in result.stderr


@pytest.mark.postgres
def test_two_workers_share_the_limit_and_a_killed_worker_is_replaced(transactional_db):
    database = settings.DATABASES["default"]
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    env = environment(DATABASE_URL=url, REDIS_URL=settings.REDIS_URL)
    served = Served(env, workers=2)
    try:
        statuses = [served.login(f"198.51.100.{n}") for n in range(3)]
        first = served.workers()
        os.kill(first[0], signal.SIGKILL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            now = served.workers()
            if len(now) == 2 and first[0] not in now:
                break
            time.sleep(0.5)
        with served.get("/healthz") as response:
            after = response.status
    finally:
        served.stop()
    # Redis holds the limit's count: the attempts meet it whichever worker answers.
    assert statuses == [200, 200, 429]
    assert len(first) == 2
    assert len(now) == 2 and first[0] not in now
    assert after == 200


def test_an_idle_kept_alive_connection_is_still_served(sqlite_env):
    """A proxy (the sample nginx: ``keepalive`` upstream, idle for up to 60 s) or a client
    reuses a connection after a pause: the server must not have closed it meanwhile, or
    the request sent on it is reset (a 502 behind nginx). uvicorn closes an idle
    connection after 5 s by default; ``carta serve`` keeps it for
    ``CARTA_KEEP_ALIVE_SECONDS`` (75, longer than nginx's 60)."""
    import http.client

    served = Served({**sqlite_env, "CARTA_KEEP_ALIVE_SECONDS": "8"}, workers=1)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
        connection.request("GET", "/healthz")
        first = connection.getresponse()
        first.read()
        time.sleep(6)  # past uvicorn's own 5 s, within the 8 s asked for
        connection.request("GET", "/healthz")
        second = connection.getresponse()
        second.read()
        connection.close()
    finally:
        served.stop()
    assert (first.status, second.status) == (200, 200)
