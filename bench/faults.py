# ruff: noqa: S608 - the fault script builds its SQL from its own integers
"""Fault tests of a running Carta (prints PASS/FAIL with numbers; exit status 1 on a FAIL).

    .venv/bin/python bench/faults.py [--only kill,redis,postgres]

Starts everything it breaks, on loopback only, and stops it at the end:

- a PostgreSQL 15 cluster of its own (initdb in a temporary directory, as user postgres,
  port 54340), so that restarting it disturbs nobody;
- a Redis of its own (port 63800, no persistence);
- ``carta serve --workers 2`` on 127.0.0.1:8072 over both.

Faults:

a. kill: ``kill -9`` of one uvicorn worker in the middle of a burst of ballots (32 client
   threads, one voter each per request, a retry after a broken connection). Every voter
   answered 201 must be in the register, no voter twice, and ballots = register rows =
   the tally's ballot counter.
b. redis: Redis stopped; ballots must still answer 201; Redis started again; a websocket
   client that reconnects like the results page (``live-results.js``: on close, after 1 s,
   doubling to 30 s) must receive a tally that counts the ballots cast meanwhile.
c. postgres: PostgreSQL stopped; API calls and pages must answer 503 with Retry-After
   quickly (no 500, no hang); PostgreSQL started again; Carta (not restarted) must
   answer 200 again.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import concurrent.futures
import contextlib
import http.client
import json
import os
import shutil
import signal
import subprocess  # noqa: S404 - local tools with fixed arguments
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ballots as b  # noqa: E402 - the module next to this one

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_PORT = 54340
REDIS_PORT = 63800
HOST = "127.0.0.1"
# Its own port (BENCH_PORT, default 8072) and database (BENCH_DB_PREFIX + "_faults").
PORT = int(os.environ.get("BENCH_PORT", "8072"))
DB = f"{os.environ.get('BENCH_DB_PREFIX', 'carta')}_faults"

b.PG = f"postgres://postgres@127.0.0.1:{PG_PORT}"
b.PG_HOST, b.PG_PORT = "127.0.0.1", str(PG_PORT)
b.DB_NAME = DB
b.REDIS = f"redis://127.0.0.1:{REDIS_PORT}/0"
b.HOST, b.PORT = HOST, PORT

results: list[tuple[str, bool, str]] = []


def report(name: str, ok: bool, detail: str) -> None:
    results.append((name, ok, detail))
    print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}", flush=True)


# --- The servers this script owns ---------------------------------------------------------


class Postgres:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="carta-faults-pg-"))
        shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"

    def _as_postgres(self, *argv: str) -> None:
        subprocess.run(  # noqa: S603
            ["runuser", "-u", "postgres", "--", *argv],  # noqa: S607
            check=True,
            capture_output=True,
            timeout=120,
        )

    def init(self) -> None:
        self._as_postgres(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"
        )

    def start(self) -> None:
        options = f"-p {PG_PORT} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.dir / "log"),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self) -> None:
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Redis:
    def start(self) -> None:
        subprocess.run(  # noqa: S603
            [  # noqa: S607
                "redis-server",
                "--port",
                str(REDIS_PORT),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
            ],
            check=True,
            capture_output=True,
        )
        for _ in range(50):
            if self.ping():
                return
            time.sleep(0.1)
        raise SystemExit("redis did not start")

    def ping(self) -> bool:
        try:
            out = subprocess.run(  # noqa: S603
                ["redis-cli", "-p", str(REDIS_PORT), "ping"],  # noqa: S607
                capture_output=True,
                text=True,
                timeout=2,
            )
            return out.stdout.strip() == "PONG"
        except (subprocess.TimeoutExpired, OSError):
            return False

    def stop(self) -> None:
        subprocess.run(  # noqa: S603
            ["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"],  # noqa: S607
            capture_output=True,
            timeout=10,
        )
        for _ in range(50):
            if not self.ping():
                return
            time.sleep(0.1)


def workers_of(server: subprocess.Popen) -> list[int]:
    """The worker processes that uvicorn's supervisor (``carta serve``) spawned."""
    path = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    try:
        children = [int(pid) for pid in path.read_text().split()]
    except OSError:
        return []
    workers = []
    for pid in children:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in command:  # not multiprocessing's resource tracker
            workers.append(pid)
    return workers


# --- HTTP helpers -------------------------------------------------------------------------


def request(method: str, path: str, body: dict | None = None, token: str | None = None):
    """(status, seconds, headers); status 0 for a broken or refused connection."""
    connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    t0 = time.perf_counter()
    try:
        connection.request(method, path, json.dumps(body) if body else None, headers)
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - t0, response.headers  # looked up in any case
    except (OSError, http.client.HTTPException):
        return 0, time.perf_counter() - t0, {}
    finally:
        connection.close()


def cast(consultation_id: int, answers: dict, token: str) -> int:
    return request(
        "POST", f"/api/v1/consultations/{consultation_id}/ballots/", {"answers": answers}, token
    )[0]


def register_state(consultation_id: int) -> dict:
    def one(sql: str) -> int:
        return int(b.psql(sql, DB).strip() or 0)

    return {
        "register": one(
            f"SELECT count(*) FROM voting_voterrecord WHERE consultation_id={consultation_id}"
        ),
        "voters": one(
            "SELECT count(DISTINCT voter_id) FROM voting_voterrecord "
            f"WHERE consultation_id={consultation_id}"
        ),
        # The answers stored: a secret consultation's in ballots of their own, a public
        # one's in the register's row (``ballots.prepare`` makes them public).
        "ballots": one(
            f"SELECT (SELECT count(*) FROM voting_ballot WHERE consultation_id={consultation_id})"
            " + (SELECT count(*) FROM voting_voterrecord "
            f"WHERE consultation_id={consultation_id} AND answers <> '{{}}'::jsonb)"
        ),
        "counter": one(
            "SELECT coalesce(sum(count), 0) FROM voting_tallycounter "
            f"WHERE consultation_id={consultation_id} AND key='ballots'"
        ),
    }


def voters_in_register(consultation_id: int) -> set[str]:
    """The token ids (knox's ``token_key``, a key's first characters) of the voters in the
    register: only a digest of each key is stored."""
    out = b.psql(
        "SELECT t.token_key FROM voting_voterrecord r "
        "JOIN knox_authtoken t ON t.user_id = r.voter_id "
        f"WHERE r.consultation_id={consultation_id}",
        DB,
    )
    return set(out.split())


# --- a. a worker killed during a burst ----------------------------------------------------


def fault_kill(server, consultation_id: int, answers: dict, tokens: list[str]) -> None:
    answered: dict[str, int] = {}
    lock = threading.Lock()
    started = time.perf_counter()
    broken = 0

    def vote(token: str) -> None:
        nonlocal broken
        status = cast(consultation_id, answers, token)
        if status == 0:  # the worker died under the request: retry once, as a client would
            with lock:
                broken += 1
            time.sleep(0.5)
            status = cast(consultation_id, answers, token)
        with lock:
            answered[token] = status

    killed = []

    def killer() -> None:
        time.sleep(3)
        pids = workers_of(server)
        if pids:
            os.kill(pids[0], signal.SIGKILL)
            killed.append((pids[0], time.perf_counter() - started))

    thread = threading.Thread(target=killer)
    thread.start()
    with concurrent.futures.ThreadPoolExecutor(32) as pool:
        list(pool.map(vote, tokens))
    thread.join()
    elapsed = time.perf_counter() - started
    time.sleep(1)
    state = register_state(consultation_id)
    stored = voters_in_register(consultation_id)
    ok201 = {t for t, s in answered.items() if s == 201}
    lost = {t for t in ok201 if t[:15] not in stored}
    statuses: dict[int, int] = {}
    for s in answered.values():
        statuses[s] = statuses.get(s, 0) + 1
    # uvicorn's supervisor notices a dead worker at its next check and spawns another.
    deadline = time.monotonic() + 15
    while len(workers_of(server)) != 2 and time.monotonic() < deadline:
        time.sleep(0.5)
    restarted = len(workers_of(server)) == 2 and killed[0][0] not in workers_of(server)
    ok = (
        bool(killed)
        and not lost
        and state["register"] == state["voters"] == state["ballots"] == state["counter"]
        and restarted
    )
    report(
        "a. worker killed during a burst of ballots",
        ok,
        f"{len(tokens)} voters in {elapsed:.1f} s, worker {killed[0][0] if killed else '?'} "
        f"killed at {killed[0][1] if killed else 0:.1f} s; responses {statuses}, "
        f"{broken} broken connections retried; 201s {len(ok201)}, lost {len(lost)}; "
        f"register {state['register']} rows / {state['voters']} voters, ballots "
        f"{state['ballots']}, tally counter {state['counter']}; uvicorn back to 2 "
        f"workers: {restarted}",
    )


# --- b. Redis stopped ---------------------------------------------------------------------


async def follow(consultation_id: int, stop: threading.Event, log: list) -> None:
    """Like live-results.js: connect, read tallies, reconnect on close after 1 s, 2 s, …
    (at most 30 s). Logs ("open", t), ("tally", ballots, pushed, t), ("closed", why, t);
    ``pushed`` is False for the snapshot every new connection receives first."""
    delay = 1.0
    path = f"/ws/consultations/{consultation_id}/"
    while not stop.is_set():
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, PORT), 5)
            key = base64.b64encode(os.urandom(16)).decode()
            writer.write(
                (
                    f"GET {path} HTTP/1.1\r\nHost: {HOST}:{PORT}\r\nUpgrade: websocket\r\n"
                    f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                    f"Sec-WebSocket-Version: 13\r\nOrigin: http://{HOST}:{PORT}\r\n\r\n"
                ).encode()
            )
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            if b" 101 " not in head.split(b"\r\n", 1)[0]:
                raise ConnectionError(head[:40])
            log.append(("open", time.monotonic()))
            first_message = True
            while not stop.is_set():
                try:
                    first, second = await asyncio.wait_for(reader.readexactly(2), 0.5)
                except TimeoutError:
                    continue
                length = second & 0x7F
                if length == 126:
                    length = int.from_bytes(await reader.readexactly(2), "big")
                elif length == 127:
                    length = int.from_bytes(await reader.readexactly(8), "big")
                data = await reader.readexactly(length)
                opcode = first & 0x0F
                if opcode == 8:  # close
                    raise ConnectionError("closed by the server")
                if opcode != 1:
                    continue
                delay = 1.0
                event = json.loads(data)
                ballots = sum(t["ballots"] for t in event.get("turnout", []))
                log.append(("tally", ballots, not first_message, time.monotonic()))
                first_message = False
            writer.close()
            return
        except (OSError, ConnectionError, asyncio.IncompleteReadError, TimeoutError) as error:
            log.append(("closed", str(error)[:60] or type(error).__name__, time.monotonic()))
        await asyncio.sleep(delay)
        delay = min(delay * 2, 30)


def fault_redis(redis: Redis, consultation_id: int, answers: dict, tokens: list[str]) -> None:
    log: list = []
    stop = threading.Event()
    # A subscriber connected before the fault, as a results page left open.
    follower = threading.Thread(target=lambda: asyncio.run(follow(consultation_id, stop, log)))
    follower.start()
    time.sleep(2)
    before = register_state(consultation_id)["register"]
    redis.stop()
    down_at = time.monotonic()
    down = [cast(consultation_id, answers, t) for t in tokens[:20]]
    health_down = request("GET", "/healthz")[0]
    time.sleep(2)
    redis.start()
    returned = time.monotonic()
    # One ballot a second until the follower is pushed a tally that counts it (60 s at most).
    after = []
    seen_at = None
    for token in tokens[20:80]:
        after.append(cast(consultation_id, answers, token))
        total = register_state(consultation_id)["register"]
        time.sleep(1)
        pushed = [e for e in log if e[0] == "tally" and e[2] and e[3] > returned and e[1] >= total]
        if pushed:
            seen_at = pushed[0][3]
            break
    stop.set()
    follower.join(timeout=10)
    accepted = down.count(201)
    opens = sum(1 for e in log if e[0] == "open")
    closes = [e for e in log if e[0] == "closed" and e[2] > down_at]
    ok = accepted == len(down) and all(s == 201 for s in after) and seen_at is not None
    report(
        "b. Redis stopped and started again",
        ok,
        f"with Redis down {accepted}/{len(down)} ballots answered 201 "
        f"({sorted(set(down))}), /healthz {health_down}; after it returned "
        f"{after.count(201)}/{len(after)} answered 201; the page-like websocket client "
        + (
            f"was pushed a tally counting them {seen_at - returned:.1f} s after Redis "
            f"returned ({total - before} ballots in all)"
            if seen_at
            else "was NEVER pushed a new tally within 60 s"
        )
        + f"; {opens} connections opened, closed during the fault: "
        + (", ".join(e[1] for e in closes[:3]) or "none"),
    )


# --- c. PostgreSQL restarted --------------------------------------------------------------


def fault_postgres(pg: Postgres, consultation_id: int, answers: dict, tokens: list[str]) -> None:
    paths = [
        ("GET", "/api/v1/consultations/", None),
        ("GET", "/consultazioni/", None),
        ("GET", "/api/v1/organizations/", None),
        ("POST", f"/api/v1/consultations/{consultation_id}/ballots/", {"answers": answers}),
    ]
    baseline = [request(m, p, body, tokens[0])[0] for m, p, body in paths]
    pg.stop()
    down = []
    for index, (method, path, body) in enumerate(paths):
        status, seconds, headers = request(method, path, body, tokens[1 + index])
        down.append((path, status, seconds, headers.get("Retry-After")))
    healthz = request("GET", "/healthz")
    pg.start()
    restarted = time.perf_counter()
    recovered_at = None
    attempts = []
    while time.perf_counter() - restarted < 60:
        statuses = [
            request(m, p, None if body is None else body, tokens[10 + len(attempts)])[0]
            for m, p, body in paths
        ]
        attempts.append(statuses)
        if all(s in (200, 201) for s in statuses):
            recovered_at = time.perf_counter() - restarted
            break
        time.sleep(0.5)
    clear = all(status == 503 and retry for _p, status, _s, retry in down)
    quick = max(seconds for _p, _st, seconds, _r in down)
    ok = clear and quick < 15 and recovered_at is not None
    report(
        "c. PostgreSQL stopped and started again",
        ok,
        f"before {baseline}; while down: "
        + ", ".join(f"{p} {st} in {s:.1f} s (Retry-After {r})" for p, st, s, r in down)
        + f", /healthz {healthz[0]} in {healthz[1]:.1f} s; after the restart: "
        + (
            f"all 200/201 after {recovered_at:.1f} s ({len(attempts)} rounds: {attempts[:3]})"
            if recovered_at is not None
            else f"NOT recovered in 60 s ({attempts[-3:]})"
        ),
    )


# --- Main ---------------------------------------------------------------------------------


def main() -> None:
    global PORT  # noqa: PLW0603 - the module's port for this run
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="kill,redis,postgres")
    parser.add_argument("--voters", type=int, default=3000)
    parser.add_argument("--port", type=int, default=PORT, help="the server's (BENCH_PORT)")
    args = parser.parse_args()
    PORT = b.PORT = args.port
    which = set(args.only.split(","))
    pg, redis = Postgres(), Redis()
    server = None
    try:
        print("starting a PostgreSQL (port 54340) and a Redis (port 63800) of our own ...")
        pg.init()
        pg.start()
        redis.start()
        data = b.prepare(args.voters, fresh=True)
        tokens = data["tokens"]
        log = Path(tempfile.gettempdir()) / "carta-faults-server.log"
        print(f"carta serve --workers 2 on {HOST}:{PORT} (log {log}) ...", flush=True)
        server = b.start_server(2, log)[0]
        cast_id, cast_q = data["cast"]
        live_id, live_q = data["live"]
        big_id, big_q = data["big"]
        if "kill" in which:
            fault_kill(server, cast_id, cast_q["answers"], tokens[:2000])
        if "redis" in which:
            fault_redis(redis, live_id, live_q["answers"], tokens[2000:2100])
        if "postgres" in which:
            fault_postgres(pg, big_id, big_q["answers"], tokens[2100:2400])
    finally:
        if server is not None:
            b.stop_server([server])
        redis.stop()
        pg.remove()
    failed = [name for name, ok, _detail in results if not ok]
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
