# ruff: noqa: S608 - the benchmark builds its SQL from its own names and integers
"""A realistic mixed load, ramped until two workers no longer hold it (prints one table).

    .venv/bin/python bench/load.py [--levels 20,40,60,80,100,120,160,320] [--duration 40]
        [--sockets 200] [--scale 100] [--workers 2] [--sets 2]

Needs ``pip install -e ".[bench]"`` (Locust) and the PostgreSQL and Redis of
``bench/ballots.py``. Steps:

1. the data: ``carta_reads_<scale>`` (built by ``bench/reads.py`` if missing: the demo
   plus ``bench/bulkdemo.py``, 10,000 organizations and proposals at the default scale)
   copied to ``carta_load`` (BENCH_DB_PREFIX + ``_load``); then citizens with signed-in
   sessions and an open public consultation with live results (``ballots.prepare``, bulk
   inserts);
2. ``carta serve --workers W`` on 127.0.0.1:8071 (``--port``, BENCH_PORT);
3. level after level (``--levels``: simulated citizens), each for ``--duration`` seconds
   with as many websockets held on the consultation's live results (up to ``--sockets``):
   Locust, headless (``bench/locustfile.py``), each citizen with its own session (people
   who have not voted yet) and a think time of 1 to 3 s, reads the Carta, searches and
   reads proposals, comments on proposals and on the revision in consultation, follows the
   results and votes once through the voting page with the CSRF token. The ramp stops at
   the first level that breaks the goal (p99 of all requests over 500 ms, or a failure):
   the level before it is the largest load two workers hold;
4. with ``--sets 2``, the first level that broke runs again on two sets of workers (a
   second ``carta serve`` on ``--port`` + 100; Locust splits the people between them);
5. per level: requests/s, p50 / p95 / p99 and failures per kind of request, the share of
   the response time each kind takes, and the CPU seconds of the workers, of PostgreSQL
   (this database's backends, and all of PostgreSQL), of Locust and of this script (it
   holds the sockets), beside the machine's busy time: Locust shares the same cores.

Goals (issue 16): p99 under 500 ms with no error at the largest load that keeps the
machine under full use; one ballot per person whatever the load.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import resource
import statistics
import subprocess  # noqa: S404 - local tools with fixed arguments
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ballots as b  # noqa: E402 - the module next to this one
import reads  # noqa: E402 - the module next to this one

GOAL_P99_MS = 500
SET_PORTS = 100  # a second set of workers listens on --port + 100 (8171 by default)


def prepare(scale: int, users: int) -> dict:
    source, _how = reads.build(scale, fresh=False)
    DB = b.db("load")  # noqa: N806 - the load's database
    b.psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    b.psql(f"CREATE DATABASE {DB} TEMPLATE {source}")
    b.DB_NAME = DB
    data = b.prepare(users, fresh=False)
    consultation, questions = data["page"]
    ballot = {
        f"q{questions[name].pk}": questions["answers"][str(questions[name].pk)]
        for name in ("single", "yes_no", "scale")
    }
    proposals = [
        int(x)
        for x in b.psql(
            "SELECT id FROM proposals_proposal WHERE state = 'published' AND hidden_at IS NULL "
            "ORDER BY id DESC LIMIT 500",
            DB,
        ).split()
    ]
    revision, section_key = b.psql(
        "SELECT r.id, s.key FROM consultations_revision r JOIN consultations_section s "
        "ON s.revision_id = r.id WHERE r.status = 'in_consultation' ORDER BY s.position LIMIT 1",
        DB,
    ).split("|")
    # The staff who moderate meanwhile: the demo administrator's session (with a CSRF
    # secret of its own) and comments on proposals to hide and restore.
    moderated = [
        tuple(int(x) for x in row.split("|"))
        for row in b.psql(
            "SELECT id, proposal_id FROM proposals_proposalcomment WHERE hidden_at IS NULL "
            "ORDER BY id LIMIT 50",
            DB,
        ).split()
    ]
    return {
        "sessions": data["sessions"][:users],
        "staff": [reads.session_cookie(DB).split("=", 1)[1], _csrf_secret()],
        "moderated": moderated,
        "consultation": consultation,
        "ballot": ballot,
        "proposals": proposals,
        "revision": int(revision),
        "section_key": section_key.strip(),
    }


def _csrf_secret() -> str:
    """A CSRF cookie's secret as Django makes it (32 letters and digits): the cookie and,
    unmasked, the form's token."""
    import secrets  # noqa: PLC0415
    import string  # noqa: PLC0415

    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))


def _client_frame(opcode: int, payload: bytes) -> bytes:
    """A final frame from a client (clients mask what they send), payload under 126 bytes
    (a control frame's limit)."""
    mask = os.urandom(4)
    masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked


class Sockets:
    """``count`` websockets on a consultation's live results, held until ``stop``."""

    def __init__(self, consultation: int, count: int):
        self.path = f"/ws/consultations/{consultation}/"
        self.count = count
        self.open = 0
        self.messages = 0
        self.dropped = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    async def _run(self) -> None:
        tasks = []
        for _ in range(self.count):
            tasks.append(asyncio.create_task(self._hold()))
            await asyncio.sleep(0.01)
        while not self._stop.is_set():
            await asyncio.sleep(0.2)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _hold(self) -> None:
        reader, writer = await b._handshake(self.path)  # noqa: SLF001 - the same client
        self.open += 1
        try:
            while True:
                first, second = await reader.readexactly(2)
                length = second & 0x7F
                if length == 126:
                    length = int.from_bytes(await reader.readexactly(2), "big")
                elif length == 127:
                    length = int.from_bytes(await reader.readexactly(8), "big")
                payload = await reader.readexactly(length)
                opcode = first & 0x0F
                if opcode == 1:
                    self.messages += 1
                elif opcode == 9:
                    # The server's keepalive ping (uvicorn: every 20 s, closing the socket
                    # 20 s later without an answer), answered as a browser does.
                    writer.write(_client_frame(0xA, payload))
                    await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            if not self._stop.is_set():
                self.dropped += 1
        finally:
            writer.close()


def run_locust(data_file: Path, users: int, seconds: int, out: Path) -> float:
    """Locust, headless, for ``seconds`` after all ``users`` have started (the statistics
    are reset then); returns the CPU seconds Locust used."""
    locust = Path(sys.executable).with_name("locust")
    if not locust.exists():
        raise SystemExit('Locust is missing: .venv/bin/pip install -e ".[bench]"')
    rate = max(1, users // 5)
    spawn = users / rate
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(  # noqa: S603
        [
            str(locust),
            "-f",
            str(Path(__file__).with_name("locustfile.py")),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(rate),
            "--reset-stats",
            "--run-time",
            f"{seconds + spawn:.0f}s",
            "--host",
            f"http://{b.HOST}:{b.PORT}",
            "--csv",
            str(out),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--stop-timeout",
            "10",
        ],
        env={**os.environ, "CARTA_LOAD_DATA": str(data_file)},
        check=False,
        timeout=seconds + spawn + 120,
        capture_output=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def ceiling_during(seconds: float, stop: threading.Event) -> list[float]:
    """``/healthz`` once a second while the load runs: the same server, its floor."""
    samples = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline and not stop.is_set():
        t0 = time.perf_counter()
        reads._get("/healthz", {})  # noqa: SLF001 - the same client
        samples.append((time.perf_counter() - t0) * 1000)
        time.sleep(1)
    return sorted(samples)


# --- CPU: what each process used during a level -------------------------------------------


def _cpu(pids: list[int]) -> dict[int, float]:
    import psutil

    seconds = {}
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
            seconds[pid] = times.user + times.system
        except psutil.Error:
            continue
    return seconds


def _server_pids(servers: list[list[subprocess.Popen]]) -> list[int]:
    import psutil

    pids = []
    for processes in servers:
        for process in processes:
            try:
                parent = psutil.Process(process.pid)
                pids += [parent.pid, *(c.pid for c in parent.children(recursive=True))]
            except psutil.Error:
                continue
    return pids


def _postgres_pids(db: str | None) -> list[int]:
    import psutil

    if db:
        return [
            int(x)
            for x in b.psql(f"SELECT pid FROM pg_stat_activity WHERE datname = '{db}'").split()
        ]
    return [p.pid for p in psutil.process_iter(["name"]) if p.info["name"] == "postgres"]


class CpuWatch:
    """CPU seconds of groups of processes between ``start`` and ``stop`` (a process that
    ends in between is missed: the workers and the pool's connections live on)."""

    def __init__(self, groups: dict[str, object]):
        self.groups = groups

    def start(self) -> None:
        self.t0 = time.perf_counter()
        self.busy0 = _machine_busy()
        self.own0 = _own_cpu()
        self.before = {name: _cpu(pids()) for name, pids in self.groups.items()}

    def stop(self) -> dict[str, float]:
        used = {}
        for name, pids in self.groups.items():
            before = self.before[name]
            used[name] = sum(v - before.get(pid, 0) for pid, v in _cpu(pids()).items())
        used["this script (the sockets, /healthz)"] = _own_cpu() - self.own0
        used["wall"] = time.perf_counter() - self.t0
        used["machine busy"] = _machine_busy() - self.busy0
        return used


def others_cpu(cpu: dict) -> float:
    """The machine's busy seconds that none of this benchmark's processes used (other
    engineers' work, and the system)."""
    ours = (
        "workers",
        "PostgreSQL, this database",
        "Locust (the load generator)",
        "this script (the sockets, /healthz)",
    )
    return cpu["machine busy"] - sum(cpu.get(name, 0) for name in ours)


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _machine_busy() -> float:
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


# --- One level, and the ramp --------------------------------------------------------------


def level(
    data: dict, sessions: list, users: int, sockets: int, seconds: int, servers: list
) -> dict:
    """One level of load: ``users`` citizens and ``sockets`` live sockets for ``seconds``
    on ``servers`` (one or more sets of workers, the first on b.PORT)."""
    folder = Path(tempfile.mkdtemp(prefix="carta-load-"))
    data_file = folder / "data.json"
    ports = [b.PORT + SET_PORTS * i for i in range(len(servers))]
    hosts = [f"http://{b.HOST}:{port}" for port in ports]
    data_file.write_text(json.dumps({**data, "sessions": sessions, "hosts": hosts}))
    held = Sockets(data["consultation"], sockets)
    stop = threading.Event()
    watch = CpuWatch(
        {
            "workers": lambda: _server_pids(servers),
            "PostgreSQL, this database": lambda: _postgres_pids(b.DB_NAME),
            "PostgreSQL, all of it (others' tests too)": lambda: _postgres_pids(None),
        }
    )
    floor: list[float] = []
    held.start()
    try:
        time.sleep(min(5, 1 + sockets * 0.01))
        watcher = threading.Thread(
            target=lambda: floor.extend(ceiling_during(seconds + users / 5 + 5, stop)),
            daemon=True,
        )
        watcher.start()
        watch.start()
        locust_cpu = run_locust(data_file, users, seconds, folder / "locust")
        cpu = watch.stop()
        cpu["Locust (the load generator)"] = locust_cpu
        stop.set()
        watcher.join(timeout=5)
    finally:
        held.stop()
    rows = list(csv.DictReader((folder / "locust_stats.csv").open()))
    failures_file = folder / "locust_failures.csv"
    failures = list(csv.DictReader(failures_file.open())) if failures_file.exists() else []
    total = next((r for r in rows if r["Name"] == "Aggregated"), None) or {}
    p99 = float(total.get("99%") or 0)
    errors = int(total.get("Failure Count") or 0)
    return {
        "users": users,
        "sets": len(servers),
        "rows": rows,
        "total": total,
        "p99": p99,
        "errors": errors,
        "held": p99 <= GOAL_P99_MS and errors == 0 and held.dropped == 0,
        "cpu": cpu,
        "floor": floor,
        "sockets": {
            "asked": sockets,
            "open": held.open,
            "dropped": held.dropped,
            "messages": held.messages,
        },
        "failures": failures[:5],
    }


def ramp(
    scale: int,
    levels: list[int],
    seconds: int,
    max_sockets: int,
    workers: int,
    sets: int = 1,
    sets_users: int = 80,
) -> dict:
    """The ramp of ``levels`` on ``carta serve --workers W``, stopped at the first level
    that breaks the goal; then, with ``sets`` > 1, that level again on ``sets`` sets."""
    people = 2 * sum(levels) + (max(levels[-1], sets_users) * 2 if sets > 1 else 0)
    data = prepare(scale, people)
    sessions = data.pop("sessions")
    used = 0

    def next_people(n: int) -> list:
        nonlocal used
        used += n
        return sessions[used - n : used]

    results: list[dict] = []
    extra: list[dict] = []
    servers = [b.start_server(workers, b.log_path("load"))]
    try:
        reads._get("/", {})  # noqa: SLF001 - warm the workers up
        for users in levels:
            # A level that breaks runs once more with other people: on a machine shared
            # with other work one slow second is enough to put 1 request in 100 over
            # 500 ms; the ramp stops when the same level breaks twice.
            for attempt in (1, 2):
                print(
                    f"  load: {users} citizens, {min(users, max_sockets)} sockets"
                    + (" (again)" if attempt == 2 else "")
                    + " ...",
                    flush=True,
                )
                result = level(
                    data, next_people(users), users, min(users, max_sockets), seconds, servers
                )
                result["attempt"] = attempt
                results.append(result)
                if result["held"]:
                    break
            if not result["held"]:
                break
        if sets > 1:
            # Past saturation, where more capacity can show: the level that broke twice
            # (at least ``sets_users``), on one set, then on ``sets`` sets.
            users = max(results[-1]["users"], sets_users)
            sockets = min(users, max_sockets)
            print(f"  sets: {users} citizens on 1 set ...", flush=True)
            extra.append(level(data, next_people(users), users, sockets, seconds, servers))
            port = b.PORT
            try:
                for i in range(1, sets):
                    b.PORT = port + SET_PORTS * i
                    servers.append(b.start_server(workers, b.log_path(f"load-set{i + 1}")))
            finally:
                b.PORT = port
            print(f"  sets: {users} citizens on {sets} sets ...", flush=True)
            extra.append(level(data, next_people(users), users, sockets, seconds, servers))
    finally:
        for processes in servers:
            b.stop_server(processes)
    where = f"WHERE consultation_id = {data['consultation']}"
    records, voters = (
        int(x)
        for x in b.psql(
            f"SELECT count(*), count(DISTINCT voter_id) FROM voting_voterrecord {where}",
            b.DB_NAME,
        ).split("|")
    )
    held = [r for r in results if r["held"]]
    broke = [r for r in results if not r["held"] and r["attempt"] == 2]
    return {
        "levels": results,
        "held": held[-1] if held else None,
        "broke": broke[0] if broke else None,
        "sets": extra,
        "records": records,
        "voters": voters,
        "seconds": seconds,
        "workers": workers,
    }


def _rps(result: dict) -> float:
    return float(result["total"].get("Requests/s") or 0)


def where_time_goes(result: dict) -> list[str]:
    """The kinds of request by their share of all response time, and the CPU by process."""
    rows = [r for r in result["rows"] if r["Name"] != "Aggregated"]
    spent = {r["Name"]: int(r["Request Count"]) * float(r["Average Response Time"]) for r in rows}
    total = sum(spent.values()) or 1
    top = sorted(spent.items(), key=lambda kv: -kv[1])[:4]
    cpu = result["cpu"]
    wall = cpu["wall"] or 1
    parts = [
        f"{name} {seconds / wall:.2f}"
        for name, seconds in cpu.items()
        if name not in ("wall", "machine busy")
    ]
    return [
        "response time by request: "
        + ", ".join(f"{name} {share / total:.0%}" for name, share in top),
        f"CPU (cores used, of {os.cpu_count()}): machine {cpu['machine busy'] / wall:.2f}; "
        + ", ".join(parts),
    ]


def report(outcome: dict) -> list[str]:
    """The ramp's lines: one row per level, then per request at the level that held."""
    lines = [
        "| citizens (sockets) | sets | req/s | p50 / p95 / p99 ms | errors | cores busy: "
        "machine, workers, PostgreSQL (this db), Locust, others | goal p99 < 500 ms, no error |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in outcome["levels"] + outcome["sets"]:
        t, cpu = r["total"], r["cpu"]
        wall = cpu["wall"] or 1
        lines.append(
            f"| {r['users']}{' again' if r.get('attempt') == 2 else ''} "
            f"({r['sockets']['open']}/{r['sockets']['asked']}, "
            f"{r['sockets']['dropped']} dropped) | {r['sets']} | {_rps(r):.1f} | "
            f"{t.get('50%')} / {t.get('95%')} / {t.get('99%')} | {r['errors']} | "
            f"{cpu['machine busy'] / wall:.2f}, {cpu['workers'] / wall:.2f}, "
            f"{cpu['PostgreSQL, this database'] / wall:.2f}, "
            f"{cpu['Locust (the load generator)'] / wall:.2f}, {others_cpu(cpu) / wall:.2f} | "
            f"{'met' if r['held'] else 'NOT met'} |"
        )
    for r in outcome["sets"]:
        lines += [
            f"- {r['sets']} set(s), failure: {f['Name']}: {f['Error'][:100]} x{f['Occurrences']}"
            for f in r["failures"]
        ]
    for name, r in (("held", outcome["held"]), ("broke", outcome["broke"])):
        if not r:
            continue
        lines.append("")
        lines.append(f"Per request at {r['users']} citizens ({name}):")
        lines.append("| request | count | req/s | p50 ms | p95 ms | p99 ms | failures |")
        lines.append("|---|---|---|---|---|---|---|")
        for row in r["rows"]:
            lines.append(
                f"| {row['Name']} | {row['Request Count']} | {float(row['Requests/s']):.1f} | "
                f"{row['50%']} | {row['95%']} | {row['99%']} | {row['Failure Count']} |"
            )
        if r["floor"]:
            floor = r["floor"]
            lines.append(
                f"| raw ceiling: /healthz once a second | {len(floor)} | 1.0 | "
                f"{statistics.median(floor):.0f} | {floor[int(len(floor) * 0.95) - 1]:.0f} | "
                f"{floor[-1]:.0f} | 0 |"
            )
        lines += [f"- {x}" for x in where_time_goes(r)]
        lines += [
            f"- failure: {f['Name']}: {f['Error'][:100]} x{f['Occurrences']}" for f in r["failures"]
        ]
    lines.append("")
    lines.append(
        f"ballots: {outcome['records']} in the register for {outcome['voters']} people "
        f"({'one per person: met' if outcome['records'] == outcome['voters'] else 'NOT met'})"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--levels", default="20,40,60,80,100,120,160,320")
    parser.add_argument("--duration", type=int, default=40, help="seconds per level")
    parser.add_argument("--sockets", type=int, default=200, help="at most, per level")
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sets", type=int, default=1, help="2: also two sets of workers")
    parser.add_argument("--sets-users", type=int, default=80, help="citizens, at least")
    parser.add_argument("--json", help="also write the figures to this file (bench/run.py)")
    b.common_args(parser)
    args = parser.parse_args()
    b.apply_common(args)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    started = time.perf_counter()
    load_before = os.getloadavg()
    levels = [int(x) for x in args.levels.split(",") if x.strip()]
    outcome = ramp(
        args.scale, levels, args.duration, args.sockets, args.workers, args.sets, args.sets_users
    )
    print()
    print(
        f"Mixed load, {args.duration} s a level, carta serve --workers {args.workers}, "
        f"{os.cpu_count()} CPUs shared with Locust and PostgreSQL; load average before "
        f"{load_before[0]:.1f}, after {os.getloadavg()[0]:.1f}"
    )
    print("\n".join(report(outcome)))
    if args.json:
        Path(args.json).write_text(json.dumps({**outcome, "load_before": load_before}))
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
