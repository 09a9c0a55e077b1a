# ruff: noqa: S608 - the benchmark builds its SQL from its own names and integers
"""A realistic mixed load: simulated citizens on the pages, with live result sockets held.

    .venv/bin/python bench/load.py [--users 200] [--spawn-rate 20] [--duration 60]
        [--sockets 200] [--scale 100] [--workers 2]

Needs ``pip install -e ".[bench]"`` (Locust) and the PostgreSQL and Redis of
``bench/ballots.py``. Steps:

1. the data: ``carta_reads_<scale>`` (built by ``bench/reads.py`` if missing: the demo
   plus ``bench/bulkdemo.py``, 10,000 organizations and proposals at the default scale)
   copied to ``carta_load`` (BENCH_DB_PREFIX + ``_load``); then citizens with signed-in
   sessions and an open public consultation with live results (``bench/ballots.py prepare``, bulk
   inserts);
2. ``carta serve --workers W`` on 127.0.0.1:8071 (``--port``, BENCH_PORT);
3. ``--sockets`` websockets held open on the consultation's live results for the whole
   run (they receive each new turnout and tally as people vote);
4. Locust, headless (``bench/locustfile.py``): ``--users`` citizens, each with its own
   session and a think time of 1 to 3 s, reading the Carta, searching and reading
   proposals, commenting on proposals and on the revision in consultation, following the
   results, and voting once through the voting page with the CSRF token;
5. one table: requests/s, p50 / p95 / p99 and failures per kind of request, the ballots
   stored against those the load cast, the socket messages received, beside the raw
   ceiling of the same run (``/healthz`` under the same load).

Goals (issue 16): no failure; p95 under 500 ms for every page and form; one ballot per
person whatever the load (ballots stored = distinct voters).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import subprocess  # noqa: S404 - local tools with fixed arguments
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ballots as b  # noqa: E402 - the module next to this one
import reads  # noqa: E402 - the module next to this one

GOAL_P95_MS = 500


def prepare(scale: int, users: int) -> dict:
    source = reads.build(scale, fresh=False)
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
    return {
        "sessions": data["sessions"][:users],
        "consultation": consultation,
        "ballot": ballot,
        "proposals": proposals,
        "revision": int(revision),
        "section_key": section_key.strip(),
    }


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


def run_locust(data_file: Path, users: int, rate: int, seconds: int, out: Path) -> None:
    locust = Path(sys.executable).with_name("locust")
    if not locust.exists():
        raise SystemExit('Locust is missing: .venv/bin/pip install -e ".[bench]"')
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
            "--run-time",
            f"{seconds}s",
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
        timeout=seconds + 120,
        capture_output=True,
    )


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=int, default=20)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--sockets", type=int, default=200)
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    b.common_args(parser)
    args = parser.parse_args()
    b.apply_common(args)
    started = time.perf_counter()
    load_before = os.getloadavg()
    print(f"[{time.perf_counter() - started:4.0f} s] data ...", flush=True)
    data = prepare(args.scale, args.users)
    folder = Path(tempfile.mkdtemp(prefix="carta-load-"))
    data_file = folder / "data.json"
    data_file.write_text(json.dumps(data))
    log = b.log_path("load")
    print(f"[{time.perf_counter() - started:4.0f} s] carta serve --workers {args.workers} ...")
    server = b.start_server(args.workers, log)
    sockets = Sockets(data["consultation"], args.sockets)
    stop = threading.Event()
    try:
        sockets.start()
        time.sleep(3)
        floor: list[float] = []
        watcher = threading.Thread(
            target=lambda: floor.extend(ceiling_during(args.duration, stop)), daemon=True
        )
        watcher.start()
        print(
            f"[{time.perf_counter() - started:4.0f} s] Locust: {args.users} citizens, "
            f"{args.sockets} sockets held, {args.duration} s ...",
            flush=True,
        )
        run_locust(data_file, args.users, args.spawn_rate, args.duration, folder / "locust")
        stop.set()
        watcher.join(timeout=5)
        time.sleep(1)
    finally:
        sockets.stop()
        b.stop_server(server)
    where = f"WHERE consultation_id = {data['consultation']}"
    # A public consultation keeps the answers in the register's row, a secret one in a
    # ballot of its own: either way one row per person, never two.
    records, people = (
        int(x)
        for x in b.psql(
            f"SELECT count(*), count(DISTINCT voter_id) FROM voting_voterrecord {where}",
            b.DB_NAME,
        ).split("|")
    )
    rows = list(csv.DictReader((folder / "locust_stats.csv").open()))
    posted = sum(
        int(row["Request Count"]) for row in rows if row["Name"] == "POST ballot (voting page)"
    )
    print()
    print(
        f"Mixed load: {args.users} citizens (think time 1-3 s), {args.sockets} live sockets, "
        f"{args.duration} s, carta serve --workers {args.workers}, {os.cpu_count()} CPUs; "
        f"load average before {load_before[0]:.1f}, after {os.getloadavg()[0]:.1f}"
    )
    print("| request | count | req/s | p50 ms | p95 ms | p99 ms | failures | goal |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        p95 = float(row["95%"] or 0)
        failures = int(row["Failure Count"])
        goal = "met" if failures == 0 and p95 <= GOAL_P95_MS else "NOT met"
        if row["Name"] == "Aggregated":
            goal = ""
        print(
            f"| {row['Name']} | {row['Request Count']} | {float(row['Requests/s']):.1f} | "
            f"{row['50%']} | {row['95%']} | {row['99%']} | {failures} | {goal} |"
        )
    if floor:
        print(
            f"| raw ceiling: /healthz under the same load | {len(floor)} | 1.0 | "
            f"{floor[len(floor) // 2]:.0f} | {floor[int(len(floor) * 0.95) - 1]:.0f} | "
            f"{floor[-1]:.0f} | 0 | |"
        )
    print()
    print(
        f"ballots: {records} stored in the register for {people} people "
        f"({'one per person: met' if records == people else 'NOT one per person'}); "
        f"the load posted {posted} ballot forms"
    )
    print(
        f"sockets: {sockets.open} of {args.sockets} opened, {sockets.dropped} dropped, "
        f"{sockets.messages} live messages received"
    )
    failures_file = folder / "locust_failures.csv"
    if failures_file.exists():
        for row in list(csv.DictReader(failures_file.open()))[:5]:
            print(f"failure: {row['Name']}: {row['Error'][:120]} x{row['Occurrences']}")
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
