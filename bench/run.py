"""One command for Carta's benchmarks: reads at three sizes, the mixed load, the ballots.

    .venv/bin/python bench/run.py [--quick] [--scales 10,100,1000] [--requests 15]
        [--levels 20,40,60,80,100,120,160,320] [--level-seconds 30] [--sets 2] [--extra]

Needs the PostgreSQL and Redis named by BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:54329) and BENCH_REDIS_URL (default
redis://127.0.0.1:63799/6), Locust (``pip install -e ".[bench]"``), wrk and pgbench
(installed with apt-get when missing). Loopback only; ``--port`` (BENCH_PORT, default 8071)
and ``--db-prefix`` (BENCH_DB_PREFIX, default ``carta``) let a second engineer measure
beside this run with a port and databases of their own (give them a Redis database of
their own too, BENCH_REDIS_URL). Steps, each bounded:

1. reads (``bench/reads.py``): ``carta_reads_10``, ``_100`` and ``_1000`` (about 1,000,
   10,000 and 100,000 organizations and proposals, 2x as many resources) are **kept**
   between runs: an existing one is migrated and completed, not rebuilt (the first build
   of the 100,000-row one takes about 4 minutes). At each size: the query count of every
   API list and list page (in process, Django's test client), then ``--requests``
   sequential GETs of each through ``carta serve --workers 2``: p50/p95/p99 and size;
2. the mixed load (``bench/load.py``) on a copy of the 10,000-row database: Locust
   citizens ramped level after level until p99 passes 500 ms or a request fails, then
   the first level that broke on one set of workers and on ``--sets`` sets;
3. ballots (``bench/ballots.py``) on a new database: the raw PostgreSQL insert ceiling
   (pgbench), then ballots cast by wrk through the API and through the voting page with a
   session and its CSRF token, two workers; ``--extra`` adds the results of 1,000,000
   ballots and a tally pushed to 1,000 websocket subscribers;
4. one table, the goal beside each figure ("met" / "NOT met"), then the details.

The whole run took 9.5 minutes on two cores with the databases kept (4 December 2026,
levels up to 100 citizens); building them the first time adds 10 to 11 minutes (the
100,000-row one 8 of them).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import subprocess  # noqa: S404 - the benchmark's own scripts with fixed arguments
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ballots as b  # noqa: E402 - the module next to this one
import load  # noqa: E402 - the module next to this one
import reads  # noqa: E402 - the module next to this one

BENCH = Path(__file__).resolve().parent
P95_GOALS = [(50_000, 300), (5_000, 150)]  # (rows at least, p95 goal in ms): issue 16
LOAD_P99_MS = load.GOAL_P99_MS


def p95_goal(rows: int) -> int | None:
    return next((goal for at_least, goal in P95_GOALS if rows >= at_least), None)


def child(script: str, *argv: str, timeout: int) -> dict:
    """Run a bench script in a process of its own (each sets Django up for one database)
    and return the figures it writes with ``--json``."""
    out = Path(tempfile.mkstemp(suffix=".json", prefix="carta-bench-")[1])
    command = [sys.executable, str(BENCH / script), *argv, "--json", str(out)]
    command += ["--port", str(b.PORT), "--db-prefix", b.DB_PREFIX]
    done = subprocess.run(  # noqa: S603
        command, cwd=b.ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode or not out.read_text():
        raise SystemExit(f"{script} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    print("\n".join("    " + line for line in done.stdout.splitlines()[-60:]), flush=True)
    return json.loads(out.read_text())


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return f"{os.cpu_count()} CPU ({model}), Linux {platform.release()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="10,100,1000", help="x 100 rows")
    parser.add_argument("--requests", type=int, default=20, help="GETs of each read")
    parser.add_argument("--levels", default="20,40,60,80,100,120,160,320", help="citizens")
    parser.add_argument("--level-seconds", type=int, default=45)
    parser.add_argument("--sockets", type=int, default=200, help="at most, per level")
    parser.add_argument("--sets", type=int, default=2, help="sets of workers compared")
    parser.add_argument("--sets-users", type=int, default=80, help="citizens, at least")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--voters", type=int, default=12000)
    parser.add_argument("--duration", type=int, default=10, help="seconds of each ballot run")
    parser.add_argument("--extra", action="store_true", help="1,000,000 ballots, 1,000 sockets")
    parser.add_argument("--fresh", action="store_true", help="rebuild the read databases")
    parser.add_argument("--quick", action="store_true", help="small sizes: check it works")
    b.common_args(parser)
    args = parser.parse_args()
    b.apply_common(args)
    if args.quick:
        args.scales, args.requests, args.levels, args.level_seconds = "1,2", 3, "4,8", 10
        args.voters, args.duration, args.sockets, args.sets_users = 3000, 3, 20, 8
    command = "bench/run.py " + shlex.join(sys.argv[1:])
    b.ensure_tools()
    started = time.perf_counter()
    load_before = os.getloadavg()
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")

    def step(text: str) -> None:
        print(f"[{time.perf_counter() - started:5.0f} s] {text}", flush=True)

    # 1. Reads at each size.
    scales = [int(x) for x in args.scales.split(",") if x.strip()]
    read = {}
    for scale in scales:
        step(f"reads at scale {scale} (kept database, or built) ...")
        read[scale] = reads.measure_scale(scale, args.requests, args.workers, args.fresh)
        step(f"  {read[scale]['db']}: {read[scale]['rows']}; {read[scale]['how']}")
    # 2. The mixed load, on the middle size (10,000 rows by default).
    load_scale = scales[len(scales) // 2] if len(scales) > 2 else scales[-1]
    step(f"mixed load on scale {load_scale}: levels {args.levels} ...")
    mixed = child(
        "load.py",
        "--levels",
        args.levels,
        "--duration",
        str(args.level_seconds),
        "--sockets",
        str(args.sockets),
        "--scale",
        str(load_scale),
        "--workers",
        str(args.workers),
        "--sets",
        str(args.sets),
        "--sets-users",
        str(args.sets_users),
        timeout=1800,
    )
    # 3. Ballots.
    step("ballots: raw ceiling, the API, the voting page ...")
    parts = "cast,page" + (",million,live" if args.extra else "")
    votes = child(
        "ballots.py",
        "--parts",
        parts,
        "--voters",
        str(args.voters),
        "--duration",
        str(args.duration),
        "--workers",
        str(args.workers),
        "--template",
        b.db("reads_tpl"),
        *(["--ballots", "20000", "--subscribers", "50"] if args.quick else []),
        timeout=900,
    )
    total = time.perf_counter() - started
    lines = summary(read, mixed, votes, args)
    details = reads.table(read)
    print()
    print("=== Carta benchmarks (issue 16) ===")
    print(f"date: {when}; command: {command}; whole run {total / 60:.1f} min")
    print(
        f"machine: {machine()}; load average before {load_before[0]:.1f}, after "
        f"{os.getloadavg()[0]:.1f} (other engineers' tests share the cores)"
    )
    for scale, r in sorted(read.items()):
        rows = r["rows"]
        print(
            f"data, scale {scale}: {r['db']}: {rows['organizations']:,} organizations, "
            f"{rows['proposals']:,} proposals, {rows['resources']:,} resources; {r['how']}"
        )
    print()
    print("\n".join(lines))
    print()
    print(f"Reads in detail (sequential GETs, {args.requests} per path after 2 to warm up):")
    print("\n".join(details))
    print()
    print("Mixed load in detail:")
    print("\n".join(load.report(mixed)))


def summary(read: dict, mixed: dict, votes: dict, args: argparse.Namespace) -> list[str]:
    rows: list[tuple[str, str, str, str]] = []

    def row(what: str, figure: str, goal: str, verdict: str) -> None:
        rows.append((what, figure, goal, verdict))

    scales = sorted(read)
    sizes = [read[s]["rows"]["proposals"] for s in scales]
    labels = [label for label, _path, _who in reads.PATHS]
    # Reads: one row per path, p95 at every size, judged where the issue sets a goal.
    for label in labels:
        figures = [read[s]["figures"][label] for s in scales]
        misses = []
        for size, f in zip(sizes, figures, strict=True):
            goal = p95_goal(size)
            if label.startswith("raw ceiling"):
                continue
            if f["status"] != 200:
                misses.append(f"status {f['status']}")
            if goal and f["p95"] >= goal:
                misses.append(f"p95 {f['p95']:.0f} ms at {size:,}")
        kb = max(f["kb"] for f in figures)
        if kb > reads.PAGE_LIMIT_KB:
            misses.append(f"{kb:.0f} KB")
        queries = [f.get("queries") for f in figures]
        if len(set(queries)) > 1:
            misses.append("queries grow")
        verdict = (
            ""
            if label.startswith("raw ceiling")
            else ("NOT met: " + ", ".join(misses) if misses else "met")
        )
        row(
            label,
            " / ".join(f"{f['p95']:.0f}" for f in figures)
            + f" ms; {kb:.0f} KB; {'/'.join(str(q) for q in queries)} q",
            "",
            verdict,
        )
    goals = ", ".join(f"< {goal} ms at {size:,}" for size in sizes if (goal := p95_goal(size)))
    read_rows = [r for r in rows if r[3]]
    met = sum(1 for r in read_rows if r[3] == "met")
    rows.insert(
        0,
        (
            f"READS: p95 at {' / '.join(f'{s:,}' for s in sizes)} proposals; largest "
            "answer; queries at each size",
            f"{met}/{len(read_rows)} paths met",
            f"p95 {goals}; <= {reads.PAGE_LIMIT_KB} KB; queries equal",
            "met" if met == len(read_rows) else "NOT met",
        ),
    )
    unmeasured = read[scales[0]]["unmeasured"]
    if unmeasured:
        row("list routes not measured", ", ".join(unmeasured), "none", "NOT met")
    # The mixed load.
    held, broke = mixed["held"], mixed["broke"]

    def level_text(r: dict) -> str:
        t, cpu = r["total"], r["cpu"]
        wall = cpu["wall"] or 1
        others = load.others_cpu(cpu) / wall
        return (
            f"{r['users']} citizens: {float(t.get('Requests/s') or 0):.1f} req/s, p50/p95/p99 "
            f"{t.get('50%')}/{t.get('95%')}/{t.get('99%')} ms, {r['errors']} errors; cores "
            f"busy {cpu['machine busy'] / wall:.2f} of {os.cpu_count()}: workers "
            f"{cpu['workers'] / wall:.2f}, "
            f"PostgreSQL {cpu['PostgreSQL, this database'] / wall:.2f}, "
            f"Locust {cpu['Locust (the load generator)'] / wall:.2f}, others {others:.2f}"
        )

    goal = f"p99 < {LOAD_P99_MS} ms, no error, machine fully used"
    if held:
        busy = held["cpu"]["machine busy"] / (held["cpu"]["wall"] or 1)
        full = busy >= 0.9 * (os.cpu_count() or 1)
        row(
            "MIXED LOAD: largest level held, two workers",
            level_text(held),
            goal,
            "met" if full else "met, but the machine was not fully used",
        )
    else:
        row("MIXED LOAD: largest level held, two workers", "none held", goal, "NOT met")
    if broke:
        row("  first level that broke (twice)", level_text(broke), "(where it stops)", "")
    else:
        row("  first level that broke (twice)", "none: the last level held", "", "")
    for r in mixed["sets"]:
        row(f"  {r['sets']} set(s) of {args.workers} workers", level_text(r), "(item 6)", "")
    row(
        "  ballots in the register, one per person",
        f"{mixed['records']} for {mixed['voters']} people",
        "equal",
        "met" if mixed["records"] == mixed["voters"] else "NOT met",
    )
    # Ballots.
    ceiling = votes["ceiling"]
    row(
        "BALLOTS: raw ceiling, pgbench INSERT ... ON CONFLICT, 16 clients",
        f"{ceiling:,.0f} /s",
        "",
        "",
    )
    for name, key in (
        ("through the API (token)", "cast"),
        ("through the voting page (session, CSRF, form)", "page"),
    ):
        f = votes.get(key)
        if not f:
            continue
        latency = f["latency_ms"]
        statuses = " ".join(f"{k}:{v}" for k, v in sorted(f["statuses"].items()))
        row(
            f"  ballots {name}, wrk 64 conn., {args.workers} workers",
            f"{f['ballots_per_s']:,.0f} ballots/s ({f['ballots_per_s'] / ceiling:.3f} of the "
            f"ceiling), p99 {latency['p99']:.0f} ms; {statuses}",
            "reported beside the ceiling",
            "",
        )
    if votes.get("big"):
        big = votes["big"]
        row(
            f"  results of {big['ballots']:,} ballots (in process; HTTP)",
            f"{big['results_s'] * 1000:.0f} ms; {big['http_s'] * 1000:.0f} ms",
            "< 1 s",
            "met" if big["results_s"] < 1 and big["http_s"] < 1 else "NOT met",
        )
    if votes.get("fan"):
        fan = votes["fan"]
        row(
            f"  tally pushed to {fan['subscribers']} websocket subscribers",
            f"{fan['received']} received, all within {(fan['all_s'] or 0) * 1000:.0f} ms",
            "all, < 1 s",
            "met"
            if fan["received"] == fan["subscribers"] and (fan["all_s"] or 9) < 1
            else "NOT met",
        )
    out = ["| what | figure | goal | verdict |", "|---|---|---|---|"]
    out += [f"| {what} | {figure} | {goal} | {verdict} |" for what, figure, goal, verdict in rows]
    return out


if __name__ == "__main__":
    main()
