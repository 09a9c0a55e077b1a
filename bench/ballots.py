# ruff: noqa: S608 - the benchmark builds its SQL from its own integers
"""Benchmark of casting ballots, counting them, and pushing the tally (prints numbers).

    .venv/bin/python bench/ballots.py [--voters 40000] [--duration 15] [--workers 2]

Needs PostgreSQL and Redis (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:54329,
and BENCH_REDIS_URL, default redis://127.0.0.1:63799/6); wrk and pgbench (installed
with apt-get if missing). Loopback only. Steps:

1. a fresh database ``carta_bench``, migrated; ``--voters`` citizens with API tokens
   (bulk inserts) and an open secret consultation with live results;
2. ``carta serve`` (daphne, ASGI) on 127.0.0.1:8071;
3. the machine's raw ceiling: pgbench, 16 clients, single-row INSERT ... ON CONFLICT;
4. wrk, 64 connections, each request one new voter's ballot through the API;
5. a consultation with 1,000,000 ballots: results computed (in process and over HTTP);
6. 1,000 websocket subscribers: the time until all of them receive a new tally.
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

ROOT = Path(__file__).resolve().parents[1]
HOST, PORT = "127.0.0.1", 8071
PG = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:54329")
DB_NAME = "carta_bench"
CARTA = str(Path(sys.executable).parent / "carta")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:63799/6")
PG_HOST, PG_PORT = re.match(r"postgres://[^@]*@([^:/]+):(\d+)", PG).groups()


def env() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "REDIS_URL": REDIS,
        "DJANGO_SETTINGS_MODULE": "carta.settings",
        "LOG_LEVEL": "WARNING",
        # Under ASGI each request runs its sync code in a thread of its own, so persistent
        # connections (the default 60 s) pile up, one per finished thread, until PostgreSQL
        # refuses more ("too many clients"); see the report. Without a pool: 0.
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


def prepare(voters: int, fresh: bool = True) -> dict:
    if fresh:
        psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        psql(f"CREATE DATABASE {DB_NAME}")
        run(CARTA, "migrate", "-v0", env=env(), cwd=ROOT)
    setup_django()
    import datetime
    import secrets

    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from consultations.voting.models import Consultation, Option, Question

    User = get_user_model()
    users = [
        User(username=f"votante{i:06d}", email=f"votante{i:06d}@bench.invalid", password="!")  # noqa: S106 - unusable
        for i in range(voters)
    ]
    User.objects.bulk_create(users, batch_size=5000)
    ids = list(User.objects.filter(username__startswith="votante").values_list("pk", flat=True))
    tokens = [Token(key=secrets.token_hex(20), user_id=pk) for pk in ids]
    Token.objects.bulk_create(tokens, batch_size=5000)
    now = timezone.now()

    def consultation(title: str) -> tuple[Consultation, dict]:
        c = Consultation.objects.create(
            title=title,
            opens_at=now - datetime.timedelta(hours=1),
            closes_at=now + datetime.timedelta(days=2),
            electorate="citizens",
            secrecy="secret",
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
    big, big_q = consultation("Benchmark: un milione di schede")
    live_c, live_q = consultation("Benchmark: mille iscritti al websocket")
    return {
        "tokens": [t.key for t in tokens],
        "cast": (cast.pk, cast_q),
        "big": (big.pk, big_q),
        "live": (live_c.pk, live_q),
    }


# --- 2. Server ----------------------------------------------------------------------------


def start_server(workers: int, log: Path) -> list[subprocess.Popen]:
    handle = log.open("w")
    # ``carta serve`` binds the socket and supervises ``workers`` fresh daphne processes.
    commands = [[CARTA, "serve", "--host", HOST, "--port", str(PORT), "--workers", str(workers)]]
    processes = [
        subprocess.Popen(  # noqa: S603
            command,
            env=env(),
            cwd=ROOT,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for command in commands
    ]
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://{HOST}:{PORT}/healthz", timeout=1)  # noqa: S310
            time.sleep(2)
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
    threads = 2
    body = json.dumps({"answers": answers})
    (folder / "cast.lua").write_text(
        LUA % {"tokens": folder / "tokens.txt", "threads": threads, "body": body}
    )
    out = run(
        "wrk",
        "-t",
        str(threads),
        "-c",
        "64",
        "-d",
        f"{seconds}s",
        "--timeout",
        "5s",
        "-s",
        str(folder / "cast.lua"),
        f"http://{HOST}:{PORT}/api/v1/consultations/{consultation_id}/ballots/",
    ).stdout
    statuses = {
        int(k): int(v)
        for k, v in re.findall(r"(\d+)=(\d+)", out.split("STATUSES", 1)[1].split("\n")[0])
    }
    latency = {
        k: float(v)
        for k, v in re.findall(r"(p50|p90|p99|max)=([\d.]+)", out.split("LATENCY", 1)[1])
    }
    stored = int(
        psql(
            f"SELECT count(*) FROM voting_voterrecord WHERE consultation_id = {consultation_id}",
            DB_NAME,
        )
    )
    return {
        "statuses": statuses,
        "latency_ms": latency,
        "stored": stored,
        "ballots_per_s": stored / seconds,
        "raw": out,
    }


# --- 5. One million ballots ---------------------------------------------------------------


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
        INSERT INTO voting_voterrecord (consultation_id, electorate, voter_id, voted_at, answers)
        SELECT {consultation_id}, 'citizens', id, now(), '{{}}'::jsonb
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
    from consultations.voting.selectors import _with_questions, consultation_results

    timings = []
    for _ in range(5):
        connection.close()
        t0 = time.perf_counter()
        c = _with_questions(Consultation.objects.filter(pk=consultation_id)).get()
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


# --- 6. One thousand websocket subscribers ------------------------------------------------


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
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--parts", default="cast,million,live", help="what to measure")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    ensure_tools()

    print(f"preparing {args.voters} voters with API tokens ...", flush=True)
    data = prepare(args.voters)
    log = Path(tempfile.gettempdir()) / "carta-bench-server.log"
    server = start_server(args.workers, log)
    try:
        parts = set(args.parts.split(","))
        print("raw ceiling (pgbench, 16 clients, INSERT ... ON CONFLICT) ...", flush=True)
        ceiling = raw_ceiling(10)
        big = fan = None
        cast_id, cast_q = data["cast"]
        tokens = data["tokens"]
        # warm-up: a few ballots so every worker has loaded its code and connections
        cast_with_wrk(cast_id, cast_q["answers"], tokens[-2000:], 2)
        print(f"casting through the API (wrk, 64 connections, {args.duration} s) ...", flush=True)
        before = int(
            psql(
                f"SELECT count(*) FROM voting_voterrecord WHERE consultation_id={cast_id}", DB_NAME
            )
        )
        cast = cast_with_wrk(
            cast_id, cast_q["answers"], tokens[: len(tokens) - 2000], args.duration
        )
        cast["stored"] -= before
        cast["ballots_per_s"] = cast["stored"] / args.duration
        if "million" in parts:
            print(f"loading {args.ballots} ballots and computing their results ...", flush=True)
            big = million(data["big"][0], data["big"][1], args.ballots)
        if "live" in parts:
            print(f"{args.subscribers} websocket subscribers ...", flush=True)
            live_id, live_q = data["live"]
            fan = asyncio.run(fan_out(live_id, live_q["answers"], tokens[-1], args.subscribers))
    finally:
        stop_server(server)

    p50, p99 = cast["latency_ms"]["p50"], cast["latency_ms"]["p99"]
    print()
    print("=== Carta voting benchmark ===")
    print(f"machine: {os.cpu_count()} CPU; server: {args.workers} daphne worker(s), ASGI")
    print(
        f"raw PostgreSQL ceiling (pgbench, 16 clients, INSERT ... ON CONFLICT): {ceiling:,.0f} /s"
    )
    print(
        f"ballots through the API (wrk, 64 connections, {args.duration} s): "
        f"{cast['ballots_per_s']:,.0f} ballots/s "
        f"({cast['stored']} stored, statuses {cast['statuses']})"
    )
    print(f"latency: p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {cast['latency_ms']['max']:.1f} ms")
    print(f"ratio API / raw ceiling: {cast['ballots_per_s'] / ceiling:.3f}")
    target = cast["ballots_per_s"] >= 500 and p99 < 200
    print(f"target >= 500 ballots/s with p99 < 200 ms: {'met' if target else 'NOT met'}")
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
