# ruff: noqa: S608 - the benchmark builds its SQL from its own integers
"""Benchmark of casting ballots, counting them, and pushing the tally (prints numbers).

    .venv/bin/python bench/ballots.py [--voters 40000] [--duration 15] [--workers 2]
        [--server carta|uvicorn|gunicorn|granian] [--parts cast,page,pages,million,live]

Needs PostgreSQL and Redis (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:54329,
and BENCH_REDIS_URL, default redis://127.0.0.1:63799/6); wrk and pgbench (installed
with apt-get if missing). Loopback only. Steps:

1. a fresh database ``carta_bench`` (BENCH_DB_PREFIX + ``_bench``), migrated; ``--voters``
   citizens with API tokens and signed-in sessions (bulk inserts) and open secret consultations with
   live results;
2. ``carta serve`` on 127.0.0.1:8071 (``--port``, BENCH_PORT; ``--server`` runs one of the
   candidate servers directly instead, with the same workers, to compare them);
3. the machine's raw ceiling: pgbench, 16 clients, single-row INSERT ... ON CONFLICT;
4. cast: wrk, 64 connections, each request one new voter's ballot through the API;
5. page: wrk, 64 connections, each voter with its own session GETs the voting page and
   POSTs the form (the login is left out: it measures the password hasher, once per
   citizen; the CSRF cookie is set with the session, so the POST need not wait for
   the GET);
6. pages: wrk, 64 connections, GET of the consultations page (anonymous), requests/s;
7. million: a consultation with 1,000,000 ballots: results (in process and over HTTP);
8. live: 1,000 websocket subscribers: the time until all of them receive a new tally.

BENCH_ROOT names another checkout to serve (for a "before" figure: a git worktree of an
older commit), with this checkout's virtualenv.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import re
import resource
import shutil
import subprocess  # noqa: S404 - runs local tools (psql, pgbench, wrk) with fixed arguments
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(os.environ.get("BENCH_ROOT") or Path(__file__).resolve().parents[1])
HOST = "127.0.0.1"
# Another engineer can measure beside this run: a port and database names of their own
# (``--port`` / BENCH_PORT, ``--db-prefix`` / BENCH_DB_PREFIX; and BENCH_REDIS_URL).
PORT = int(os.environ.get("BENCH_PORT", "8071"))
DB_PREFIX = os.environ.get("BENCH_DB_PREFIX", "carta")
PG = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:54329")
DB_NAME = f"{DB_PREFIX}_bench"
CARTA = str(Path(sys.executable).parent / "carta")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:63799/6")
PG_HOST, PG_PORT = re.match(r"postgres://[^@]*@([^:/]+):(\d+)", PG).groups()


def db(name: str) -> str:
    """A benchmark database's name, under the prefix of this run (``carta_bench``, ...)."""
    return f"{DB_PREFIX}_{name}"


def common_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=PORT, help="the server's port (BENCH_PORT)")
    parser.add_argument(
        "--db-prefix",
        default=DB_PREFIX,
        help="prefix of the databases made and dropped (BENCH_DB_PREFIX, default carta)",
    )


def apply_common(args: argparse.Namespace) -> None:
    global PORT, DB_PREFIX, DB_NAME  # noqa: PLW0603 - the module's settings for this run
    PORT, DB_PREFIX = args.port, args.db_prefix
    DB_NAME = db("bench")


def log_path(name: str) -> Path:
    """A server log of its own per port, so that two runs side by side keep theirs."""
    return Path(tempfile.gettempdir()) / f"carta-bench-{name}-{PORT}.log"


def env() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "REDIS_URL": REDIS,
        "DJANGO_SETTINGS_MODULE": "carta.settings",
        "LOG_LEVEL": "WARNING",
        # Under ASGI each request runs its sync code in a thread of its own, so persistent
        # connections (the default 60 s) pile up, one per finished thread, until PostgreSQL
        # refuses more ("too many clients"). Without a pool: 0.
        "DATABASE_CONN_MAX_AGE": os.environ.get("DATABASE_CONN_MAX_AGE", "0"),
        "CARTA_THROTTLE_USER": "100000/min",
        "CARTA_THROTTLE_ANON": "100000/min",
        "PYTHONPATH": f"{ROOT}:{ROOT / 'platform'}",
    }


def run(*argv: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kwargs)  # noqa: S603


def ensure_tools() -> None:
    packages = [] if shutil.which("wrk") else ["wrk"]
    if not shutil.which("pgbench") and not Path("/usr/lib/postgresql/15/bin/pgbench").exists():
        packages.append("postgresql-contrib")
    if packages:
        run("apt-get", "install", "-y", *packages)


def pgbench_path() -> str:
    return shutil.which("pgbench") or "/usr/lib/postgresql/15/bin/pgbench"


def psql(sql: str, db: str = "postgres") -> str:
    return run("psql", "-h", PG_HOST, "-p", PG_PORT, "-U", "postgres", "-d", db, "-Atc", sql).stdout


# --- 1. Data ------------------------------------------------------------------------------


def setup_django():
    os.environ.update(env())
    sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
    import django

    django.setup()


def prepare(voters: int, fresh: bool = True, template: str | None = None) -> dict:
    """``voters`` citizens with tokens and sessions, and four consultations; on a new
    database (a copy of ``template`` when given, migrated) unless ``fresh`` is false."""
    if fresh:
        psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        psql(f"CREATE DATABASE {DB_NAME}" + (f" TEMPLATE {template}" if template else ""))
        run(CARTA, "migrate", "-v0", env=env(), cwd=ROOT)
    setup_django()
    import datetime

    from allauth.account.models import EmailAddress
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string
    from knox.crypto import create_token_string, hash_token
    from knox.models import AuthToken
    from knox.settings import CONSTANTS, knox_settings

    from consultations.voting.models import Consultation, Option, Question

    User = get_user_model()
    users = [
        User(username=f"votante{i:06d}", email=f"votante{i:06d}@bench.invalid", password="!")  # noqa: S106 - unusable
        for i in range(voters)
    ]
    User.objects.bulk_create(users, batch_size=5000)
    voters_made = list(User.objects.filter(username__startswith="votante").order_by("pk"))
    # Confirmed addresses: a ballot needs a person who may take part.
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, primary=True, verified=True) for u in voters_made],
        batch_size=5000,
    )
    now = timezone.now()
    # What POST /api/v1/auth/token/ stores: the digest, the key's first characters, the
    # expiry; the keys themselves go to the load generator.
    keys = [create_token_string() for _user in voters_made]
    AuthToken.objects.bulk_create(
        [
            AuthToken(
                digest=hash_token(key),
                token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH],
                user_id=user.pk,
                expiry=now + knox_settings.TOKEN_TTL,
            )
            for key, user in zip(keys, voters_made, strict=True)
        ],
        batch_size=5000,
    )
    # What a login leaves: a session naming the user, and the CSRF cookie's secret.
    store = SessionStore()
    sessions = []
    for user in voters_made:
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        sessions.append(
            Session(
                session_key=get_random_string(32),
                session_data=store.encode(data),
                expire_date=now + datetime.timedelta(days=1),
            )
        )
    Session.objects.bulk_create(sessions, batch_size=5000)

    def consultation(title: str) -> tuple[Consultation, dict]:
        c = Consultation.objects.create(
            title=title,
            opens_at=now - datetime.timedelta(hours=1),
            closes_at=now + datetime.timedelta(days=2),
            electorate="citizens",
            identity_required="email",
            # Public, so that the live tally and the results of a million ballots are
            # computed while open (a secret vote shows only turnout until closing).
            secrecy="public",
            results_visibility="live",
        )
        single = Question.objects.create(consultation=c, position=0, kind="single", text="Quale?")
        options = Option.objects.bulk_create(
            [Option(question=single, position=i, label=f"Opzione {i}") for i in range(4)]
        )
        yes_no = Question.objects.create(consultation=c, position=1, kind="yes_no", text="Sì o no?")
        scale = Question.objects.create(consultation=c, position=2, kind="scale", text="Quanto?")
        answers = {str(single.pk): options[1].pk, str(yes_no.pk): "yes", str(scale.pk): 4}
        return c, {
            "single": single,
            "yes_no": yes_no,
            "scale": scale,
            "options": options,
            "answers": answers,
        }

    cast, cast_q = consultation("Benchmark: voto via API")
    page, page_q = consultation("Benchmark: voto dalla pagina")
    big, big_q = consultation("Benchmark: un milione di schede")
    live_c, live_q = consultation("Benchmark: mille iscritti al websocket")
    return {
        "tokens": keys,
        "sessions": [(session.session_key, get_random_string(32)) for session in sessions],
        "cast": (cast.pk, cast_q),
        "page": (page.pk, page_q),
        "big": (big.pk, big_q),
        "live": (live_c.pk, live_q),
    }


# --- 2. Server ----------------------------------------------------------------------------


SERVERS = ("carta", "uvicorn", "gunicorn", "granian")


def server_command(server: str, workers: int) -> list[str]:
    """``carta serve``, or a candidate server run directly with the same workers."""
    bin_dir = Path(sys.executable).parent
    app = "carta.asgi:application"
    where = ["--host", HOST, "--port", str(PORT)]
    commands = {
        "carta": [CARTA, "serve", *where, "--workers", str(workers)],
        "uvicorn": [
            str(bin_dir / "uvicorn"),
            app,
            *where,
            "--workers",
            str(workers),
            "--no-proxy-headers",
            "--lifespan",
            "off",
            "--no-access-log",
        ],
        "gunicorn": [
            str(bin_dir / "gunicorn"),
            app,
            "-k",
            "uvicorn_worker.UvicornWorker",
            "-w",
            str(workers),
            "-b",
            f"{HOST}:{PORT}",
        ],
        "granian": [
            str(bin_dir / "granian"),
            "--interface",
            "asginl",
            *where,
            "--workers",
            str(workers),
            "--ws",
            "--respawn-failed-workers",
            app,
        ],
    }
    return commands[server]


def start_server(workers: int, log: Path, server: str = "carta") -> list[subprocess.Popen]:
    try:
        urllib.request.urlopen(f"http://{HOST}:{PORT}/healthz", timeout=1)  # noqa: S310
    except OSError:
        pass
    else:  # someone else's server: measuring it would measure their database
        raise SystemExit(f"port {PORT} is taken by another server: choose one with --port")
    handle = log.open("w")
    processes = [
        subprocess.Popen(  # noqa: S603
            server_command(server, workers),
            env=env(),
            cwd=ROOT,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    ]
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://{HOST}:{PORT}/healthz", timeout=1)  # noqa: S310
            time.sleep(2)
            if processes[0].poll() is not None:
                raise SystemExit(f"the server exited; see {log}")
            return processes
        except OSError:
            time.sleep(0.2)
    stop_server(processes)
    raise SystemExit(f"the server did not start; see {log}")


def stop_server(processes: list[subprocess.Popen]) -> None:
    import signal

    for process in processes:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)


# --- 3. Raw ceiling -----------------------------------------------------------------------


def raw_ceiling(seconds: int) -> float:
    psql(
        "DROP TABLE IF EXISTS bench_ceiling; CREATE TABLE bench_ceiling "
        "(k bigint PRIMARY KEY, v int NOT NULL)",
        DB_NAME,
    )
    script = Path(tempfile.mkstemp(suffix=".sql")[1])
    script.write_text(
        "\\set k random(1, 1000000000)\n"
        "INSERT INTO bench_ceiling (k, v) VALUES (:k, 1) ON CONFLICT (k) DO NOTHING;\n"
    )
    out = run(
        pgbench_path(),
        "-n",
        "-h",
        PG_HOST,
        "-p",
        PG_PORT,
        "-U",
        "postgres",
        "-c",
        "16",
        "-j",
        "2",
        "-T",
        str(seconds),
        "-f",
        str(script),
        DB_NAME,
    ).stdout
    return float(re.search(r"tps = ([\d.]+)", out).group(1))


# --- 4. Casting through the API -----------------------------------------------------------

LUA = r"""
local tokens = {}
for line in io.lines("%(tokens)s") do tokens[#tokens + 1] = line end
local threads = {}
local counter = 1
function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end
function init(args)
  nthreads = %(threads)d
  index = id
  statuses = {}
end
wrk.method = "POST"
wrk.body = '%(body)s'
function request()
  local token = tokens[index]
  index = index + nthreads
  if token == nil then token = tokens[1] end
  return wrk.format(nil, nil, {["Authorization"] = "Token " .. token,
    ["Content-Type"] = "application/json"})
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local out = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, n in pairs(s) do out[code] = (out[code] or 0) + n end
  end
  io.write("STATUSES ")
  for code, n in pairs(out) do io.write(code .. "=" .. n .. " ") end
  io.write("\n")
  io.write(string.format("LATENCY p50=%%.2f p90=%%.2f p99=%%.2f max=%%.2f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def cast_with_wrk(consultation_id: int, answers: dict, tokens: list[str], seconds: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="carta-bench-"))
    (folder / "tokens.txt").write_text("\n".join(tokens) + "\n")
    body = json.dumps({"answers": answers})
    (folder / "cast.lua").write_text(
        LUA % {"tokens": folder / "tokens.txt", "threads": 2, "body": body}
    )
    url = f"http://{HOST}:{PORT}/api/v1/consultations/{consultation_id}/ballots/"
    out, statuses, latency = _wrk(folder / "cast.lua", url, seconds)
    stored = stored_ballots(consultation_id)
    return {
        "statuses": statuses,
        "latency_ms": latency,
        "stored": stored,
        "ballots_per_s": stored / seconds,
        "raw": out,
    }


# --- 5. Casting through the voting page, with a session ----------------------------------

PAGE_LUA = r"""
local voters = {}
for line in io.lines("%(voters)s") do
  local key, csrf = line:match("(%%S+) (%%S+)")
  voters[#voters + 1] = {key, csrf}
end
local threads = {}
local counter = 1
function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end
function init(args)
  nthreads = %(threads)d
  index = id
  posting = false
  statuses = {}
end
function request()
  local voter = voters[index] or voters[1]
  local cookie = "sessionid=" .. voter[1] .. "; csrftoken=" .. voter[2]
  if not posting then
    posting = true
    return wrk.format("GET", "%(path)s", {["Cookie"] = cookie})
  end
  posting = false
  index = index + nthreads
  return wrk.format("POST", "%(path)s", {["Cookie"] = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded"},
    "csrfmiddlewaretoken=" .. voter[2] .. "&%(body)s")
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local out = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, n in pairs(s) do out[code] = (out[code] or 0) + n end
  end
  io.write("STATUSES ")
  for code, n in pairs(out) do io.write(code .. "=" .. n .. " ") end
  io.write("\n")
  io.write(string.format("LATENCY p50=%%.2f p90=%%.2f p99=%%.2f max=%%.2f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def _wrk(script: Path, url: str, seconds: int) -> tuple[str, dict, dict]:
    out = run(
        "wrk",
        "-t",
        "2",
        "-c",
        "64",
        "-d",
        f"{seconds}s",
        "--timeout",
        "5s",
        "-s",
        str(script),
        url,
    ).stdout
    statuses = {
        int(k): int(v)
        for k, v in re.findall(r"(\d+)=(\d+)", out.split("STATUSES", 1)[1].split("\n")[0])
    }
    latency = {
        k: float(v)
        for k, v in re.findall(r"(p50|p90|p99|max)=([\d.]+)", out.split("LATENCY", 1)[1])
    }
    return out, statuses, latency


def stored_ballots(consultation_id: int) -> int:
    return int(
        psql(
            f"SELECT count(*) FROM voting_voterrecord WHERE consultation_id = {consultation_id}",
            DB_NAME,
        )
    )


def cast_with_page(
    consultation_id: int, questions: dict, sessions: list[tuple[str, str]], seconds: int
) -> dict:
    """Ballots through the voting page: per voter a GET of the form, then its POST."""
    folder = Path(tempfile.mkdtemp(prefix="carta-bench-"))
    (folder / "voters.txt").write_text("".join(f"{k} {c}\n" for k, c in sessions))
    fields = {
        f"q{questions[name].pk}": questions["answers"][str(questions[name].pk)]
        for name in ("single", "yes_no", "scale")
    }
    path = f"/consultazioni/{consultation_id}/vota/"
    (folder / "page.lua").write_text(
        PAGE_LUA
        % {
            "voters": folder / "voters.txt",
            "threads": 2,
            "path": path,
            "body": "&".join(f"{k}={v}" for k, v in fields.items()),
        }
    )
    before = stored_ballots(consultation_id)
    out, statuses, latency = _wrk(folder / "page.lua", f"http://{HOST}:{PORT}{path}", seconds)
    stored = stored_ballots(consultation_id) - before
    return {
        "statuses": statuses,
        "latency_ms": latency,
        "stored": stored,
        "ballots_per_s": stored / seconds,
        "raw": out,
    }


def page_throughput(path: str, seconds: int) -> float:
    """Requests per second of an anonymous GET (wrk, 64 connections)."""
    out = run(
        "wrk",
        "-t",
        "2",
        "-c",
        "64",
        "-d",
        f"{seconds}s",
        "--timeout",
        "5s",
        f"http://{HOST}:{PORT}{path}",
    ).stdout
    if "Non-2xx" in out:
        raise RuntimeError(out)
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


# --- 6. One million ballots ---------------------------------------------------------------


def million(consultation_id: int, questions: dict, n: int = 1_000_000) -> dict:
    single, yes_no, scale = questions["single"].pk, questions["yes_no"].pk, questions["scale"].pk
    options = [o.pk for o in questions["options"]]
    started = time.perf_counter()
    # Ballots as the service stores them (random keys, receipts' hashes), then the running
    # counters as the casts would have left them, spread over the 16 shards.
    psql(
        f"""
        INSERT INTO voting_ballot (id, consultation_id, electorate, answers, receipt_hash)
        SELECT gen_random_uuid(), {consultation_id}, 'citizens',
               jsonb_build_object('{single}', (ARRAY{options})[1 + (i % 4)],
                                  '{yes_no}', (ARRAY['yes','no','abstain'])[1 + (i % 3)],
                                  '{scale}', 1 + (i % 5)),
               encode(sha256(('r' || i)::bytea), 'hex')
        FROM generate_series(1, {n}) AS i;
        INSERT INTO voting_voterrecord
          (consultation_id, electorate, voter_id, voted_at, answers, person_key)
        SELECT {consultation_id}, 'citizens', id, now(), '{{}}'::jsonb, ''
        FROM carta_user ORDER BY id LIMIT 1;
        INSERT INTO voting_tallycounter (consultation_id, electorate, key, shard, count)
        SELECT {consultation_id}, 'citizens', key, shard, count(*) FROM (
          SELECT 'ballots' AS key, (random() * 15)::int AS shard FROM voting_ballot
            WHERE consultation_id = {consultation_id}
          UNION ALL SELECT '{single}:' || (answers->>'{single}'), (random() * 15)::int
            FROM voting_ballot WHERE consultation_id = {consultation_id}
          UNION ALL SELECT '{yes_no}:' || (answers->>'{yes_no}'), (random() * 15)::int
            FROM voting_ballot WHERE consultation_id = {consultation_id}
          UNION ALL SELECT '{scale}:' || (answers->>'{scale}'), (random() * 15)::int
            FROM voting_ballot WHERE consultation_id = {consultation_id}
        ) AS keys GROUP BY key, shard;
        ANALYZE voting_ballot; ANALYZE voting_tallycounter;
        """,
        DB_NAME,
    )
    loaded = time.perf_counter() - started
    from django.db import connection

    from consultations.voting.models import Consultation
    from consultations.voting.results import consultation_results
    from consultations.voting.selectors import prefetch_questions

    timings = []
    for _ in range(5):
        connection.close()
        t0 = time.perf_counter()
        c = prefetch_questions(Consultation.objects.filter(pk=consultation_id)).get()
        results = consultation_results(c)
        timings.append(time.perf_counter() - t0)
    counted = results["electorates"][0]["counted"]
    http = []
    for _ in range(5):
        t0 = time.perf_counter()
        with urllib.request.urlopen(  # noqa: S310
            f"http://{HOST}:{PORT}/api/v1/consultations/{consultation_id}/results/", timeout=10
        ) as response:
            body = json.load(response)
        http.append(time.perf_counter() - t0)
    # For comparison: a full recount over the ballots' JSON in SQL.
    t0 = time.perf_counter()
    psql(
        f"SELECT answers->>'{single}', count(*) FROM voting_ballot "
        f"WHERE consultation_id = {consultation_id} GROUP BY 1",
        DB_NAME,
    )
    recount_sql = time.perf_counter() - t0
    return {
        "ballots": n,
        "load_s": loaded,
        "results_s": min(timings),
        "results_first_s": timings[0],
        "http_s": min(http),
        "counted": counted,
        "http_ballots": body["electorates"][0]["ballots"],
        "sql_recount_one_question_s": recount_sql,
    }


# --- 7. One thousand websocket subscribers ------------------------------------------------


async def _handshake(path: str):
    reader, writer = await asyncio.open_connection(HOST, PORT)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        (
            f"GET {path} HTTP/1.1\r\nHost: {HOST}:{PORT}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Origin: http://{HOST}:{PORT}\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
    if b" 101 " not in head.split(b"\r\n", 1)[0]:
        writer.close()
        raise ConnectionError(head[:80])
    return reader, writer


async def _subscriber(
    path: str, connected: asyncio.Event, counter: dict, want: int, arrivals: list
):
    # A refused or dropped handshake is tried again like the results page does (after 1 s,
    # then 2 s, ...): a thousand pages opening at once is a storm, not the steady state.
    delay = 1.0
    while True:
        try:
            reader, writer = await _handshake(path)
            break
        except (OSError, ConnectionError, asyncio.IncompleteReadError, TimeoutError):
            counter["retries"] = counter.get("retries", 0) + 1
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30)
    counter["open"] += 1
    if counter["open"] == counter["total"]:
        connected.set()
    while True:
        first, second = await reader.readexactly(2)
        length = second & 0x7F
        if length == 126:
            length = int.from_bytes(await reader.readexactly(2), "big")
        elif length == 127:
            length = int.from_bytes(await reader.readexactly(8), "big")
        data = await reader.readexactly(length)
        if first & 0x0F != 1:
            continue
        event = json.loads(data)
        if event.get("turnout") and event["turnout"][0]["ballots"] >= want:
            arrivals.append(time.perf_counter())
            writer.close()
            return


async def fan_out(consultation_id: int, answers: dict, token: str, subscribers: int) -> dict:
    connected = asyncio.Event()
    counter = {"open": 0, "total": subscribers}
    arrivals: list[float] = []
    path = f"/ws/consultations/{consultation_id}/"
    tasks = []
    t_connect = time.perf_counter()
    for _ in range(subscribers):
        tasks.append(asyncio.create_task(_subscriber(path, connected, counter, 1, arrivals)))
        await asyncio.sleep(0.005)
    await asyncio.wait_for(connected.wait(), timeout=150)
    connect_s = time.perf_counter() - t_connect
    await asyncio.sleep(2)  # initial snapshots delivered, half-second slot expired

    def cast():
        request = urllib.request.Request(  # noqa: S310
            f"http://{HOST}:{PORT}/api/v1/consultations/{consultation_id}/ballots/",
            data=json.dumps({"answers": answers}).encode(),
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status

    t0 = time.perf_counter()
    status = await asyncio.to_thread(cast)
    t_response = time.perf_counter() - t0
    await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout=30)
    delays = sorted(t - t0 for t in arrivals)
    return {
        "subscribers": subscribers,
        "connect_s": connect_s,
        "handshake_retries": counter.get("retries", 0),
        "cast_status": status,
        "cast_response_s": t_response,
        "received": len(delays),
        "p50_s": delays[len(delays) // 2] if delays else None,
        "all_s": delays[-1] if delays else None,
    }


# --- Main ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=40000)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server", default="carta", choices=SERVERS)
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--parts", default="cast,page,pages,million,live", help="what to measure")
    parser.add_argument("--template", help="copy this migrated database instead of migrating")
    parser.add_argument("--json", help="also write the figures to this file (bench/run.py)")
    common_args(parser)
    args = parser.parse_args()
    apply_common(args)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    ensure_tools()
    parts = set(args.parts.split(","))

    print(f"preparing {args.voters} voters with API tokens and sessions ...", flush=True)
    data = prepare(args.voters, template=args.template)
    log = log_path("server")
    server = start_server(args.workers, log, args.server)
    cast = page = pages = big = fan = None
    try:
        print("raw ceiling (pgbench, 16 clients, INSERT ... ON CONFLICT) ...", flush=True)
        ceiling = raw_ceiling(10)
        tokens, sessions = data["tokens"], data["sessions"]
        warm = 2000  # the last voters warm the workers up (code, connections)
        if "cast" in parts:
            cast_id, cast_q = data["cast"]
            cast_with_wrk(cast_id, cast_q["answers"], tokens[-warm:], 2)
            print(f"casting through the API (wrk, 64 conn., {args.duration} s) ...", flush=True)
            before = stored_ballots(cast_id)
            cast = cast_with_wrk(cast_id, cast_q["answers"], tokens[:-warm], args.duration)
            cast["stored"] -= before
            cast["ballots_per_s"] = cast["stored"] / args.duration
        if "page" in parts:
            page_id, page_q = data["page"]
            cast_with_page(page_id, page_q, sessions[-warm:], 2)
            print(f"casting through the page (wrk, 64 conn., {args.duration} s) ...", flush=True)
            page = cast_with_page(page_id, page_q, sessions[:-warm], args.duration)
        if "pages" in parts:
            print(f"GET /consultazioni/ (wrk, 64 conn., {args.duration} s) ...", flush=True)
            page_throughput("/consultazioni/", 2)
            pages = page_throughput("/consultazioni/", args.duration)
        if "million" in parts:
            print(f"loading {args.ballots} ballots and computing their results ...", flush=True)
            big = million(data["big"][0], data["big"][1], args.ballots)
        if "live" in parts:
            print(f"{args.subscribers} websocket subscribers ...", flush=True)
            live_id, live_q = data["live"]
            fan = asyncio.run(fan_out(live_id, live_q["answers"], tokens[-1], args.subscribers))
    finally:
        stop_server(server)

    if args.json:
        figures = {"ceiling": ceiling, "cast": cast, "page": page, "pages": pages}
        figures.update(big=big, fan=fan, workers=args.workers, duration=args.duration)
        Path(args.json).write_text(json.dumps(figures))
    print()
    print("=== Carta voting benchmark ===")
    print(
        f"machine: {os.cpu_count()} CPU; server: {args.server}, {args.workers} worker(s); "
        f"code: {ROOT}"
    )
    print(
        f"raw PostgreSQL ceiling (pgbench, 16 clients, INSERT ... ON CONFLICT): {ceiling:,.0f} /s"
    )
    for label, figures in (("the API", cast), ("the voting page", page)):
        if figures:
            latency = figures["latency_ms"]
            print(
                f"ballots through {label} (wrk, 64 connections, {args.duration} s): "
                f"{figures['ballots_per_s']:,.0f} ballots/s, "
                f"{figures['ballots_per_s'] / ceiling:.3f} of the ceiling "
                f"({figures['stored']} stored, statuses {figures['statuses']}; latency of a "
                f"request p50 {latency['p50']:.1f} ms, p99 {latency['p99']:.1f} ms)"
            )
    if pages:
        print(f"page throughput, GET /consultazioni/ (anonymous): {pages:,.0f} requests/s")
    if big:
        print(
            f"results of {big['ballots']:,} ballots: {big['results_s'] * 1000:.1f} ms in process "
            f"(first, cold: {big['results_first_s'] * 1000:.1f} ms), "
            f"{big['http_s'] * 1000:.1f} ms over HTTP; "
            f"counted {big['http_ballots']:,} (load took {big['load_s']:.1f} s; "
            "a SQL recount of one question over the ballots' JSON takes "
            f"{big['sql_recount_one_question_s']:.2f} s)"
        )
    if fan:
        print(
            f"websocket: {fan['received']}/{fan['subscribers']} subscribers received the "
            f"new tally; p50 {fan['p50_s'] * 1000:.0f} ms, "
            f"all within {fan['all_s'] * 1000:.0f} ms of the POST "
            f"(connecting them took {fan['connect_s']:.1f} s)"
        )


if __name__ == "__main__":
    main()
