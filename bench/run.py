# ruff: noqa: S608 - the benchmark builds its SQL from its own integers and names
"""One command for Carta's benchmarks: builds the data, measures, prints one table.

    .venv/bin/python bench/run.py [--workers CORES] [--scale 100] [--duration 15] [--quick]

Needs the PostgreSQL and Redis named by BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:54329, databases ``carta_bench*`` are dropped and made
again) and BENCH_REDIS_URL (default redis://127.0.0.1:63799/6); wrk and pgbench (installed
with apt-get when missing). Everything listens on 127.0.0.1 only, and every step is
bounded: the whole run takes about 6 to 10 minutes on a 2-core machine.

1. data: a migrated template database; ``carta demo`` on a copy of it (``…_q10``, the
   hand-written Ambito), ``bench/bulkdemo.py --scale 10`` on a copy of that (``…_q1k``)
   and ``bench/bulkdemo.py --scale N`` on another (``carta_bench``, about 10,000
   organizations and proposals at the default 100), plus voters with API tokens and
   sessions (bulk inserts);
2. query counts of every list endpoint and list page, in process with the test client and
   ``CaptureQueriesContext``, on ``…_q10`` and ``…_q1k``, for three personas: they must
   be equal;
3. ``carta serve --workers W`` (uvicorn, ASGI) on 127.0.0.1:8071 over ``carta_bench``;
4. the raw insert ceiling of the same PostgreSQL (pgbench, 16 clients, single-row
   ``INSERT … ON CONFLICT``), then ballots cast by wrk (64 connections) through the API
   and through the voting page with a session;
5. list and search latency (API and pages) at the large scale;
6. results of a consultation with 1,000,000 ballots; 7. a tally pushed to 1,000
   websocket subscribers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess  # noqa: S404 - local tools with fixed arguments
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ballots as b  # noqa: E402 - the module next to this one

ROOT = b.ROOT
MAIN, TEMPLATE, SMALL, LARGE = (b.db(n) for n in ("bench", "bench_tpl", "bench_q10", "bench_q1k"))

# Pages that list something (their URL names); API lists are found from the URLconf.
LIST_PAGES = [
    "home",
    "organizations",
    "organization_queue",
    "resources",
    "proposals",
    "proposal_moderation",
    "proposal_evaluation",
    "carta_revisions",
    "services",
    "consultations",
    "feedback_queue",
    "feedback_my_complaints",
    "notifications",
    "audit",
    "moderation_log",
]
PERSONAS = ["anonymous", "anna.rossi", "admin"]


def env_for(db: str) -> dict[str, str]:
    return {**b.env(), "DATABASE_URL": f"{b.PG}/{db}"}


def carta(db: str, *argv: str, timeout: int = 300) -> str:
    return subprocess.run(  # noqa: S603
        [b.CARTA, *argv],
        env=env_for(db),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=timeout,
    ).stdout


def clone(source: str, target: str) -> None:
    b.psql(f"DROP DATABASE IF EXISTS {target} WITH (FORCE)")
    b.psql(f"CREATE DATABASE {target} TEMPLATE {source}")


def bulk(db: str, scale: int) -> str:
    return subprocess.run(  # noqa: S603
        [sys.executable, str(Path(__file__).with_name("bulkdemo.py")), "--scale", str(scale)],
        env=env_for(db),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=900,
    ).stdout


def build(scale: int) -> dict:
    timings = {}
    t0 = time.perf_counter()
    for db in (MAIN, LARGE, SMALL, TEMPLATE):
        b.psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    b.psql(f"CREATE DATABASE {TEMPLATE}")
    carta(TEMPLATE, "migrate", "-v0")
    timings["migrate_s"] = time.perf_counter() - t0
    clone(TEMPLATE, SMALL)
    t0 = time.perf_counter()
    carta(SMALL, "demo")
    timings["demo_s"] = time.perf_counter() - t0
    clone(SMALL, LARGE)
    bulk(LARGE, 10)
    clone(SMALL, MAIN)
    t0 = time.perf_counter()
    out = bulk(MAIN, scale)
    timings["scale_s"] = time.perf_counter() - t0
    timings["scale_line"] = next((line for line in out.splitlines() if line.startswith("bulk")), "")
    return timings


# --- Query counts (runs in a child process, one per database) -----------------------------


def query_counts_child() -> None:
    """Print, as JSON, the queries and rows of every list route for each persona."""
    sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import URLPattern, URLResolver, get_resolver, reverse

    from carta.models import User

    def api_lists(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from api_lists(pattern.url_patterns, prefix + str(pattern.pattern))
            elif (
                isinstance(pattern, URLPattern)
                and (pattern.name or "").endswith("-list")
                and "<" not in str(pattern.pattern)
            ):
                yield pattern.name

    routes = sorted(set(api_lists(get_resolver().url_patterns)))
    urls = [(name, reverse(name)) for name in routes] + [
        (name, reverse(name)) for name in LIST_PAGES
    ]
    result = {}
    for persona in PERSONAS:
        client = Client()
        if persona != "anonymous":
            client.force_login(User.objects.get(username=persona))
        for name, url in urls:
            client.get(url)  # warm: sessions, caches, the first-use queries
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            rows = None
            if response.get("Content-Type", "").startswith("application/json"):
                body = response.json()
                if isinstance(body, dict) and "count" in body:
                    rows = body["count"]
            result[f"{persona} {name}"] = {
                "url": url,
                "status": response.status_code,
                "queries": len(ctx.captured_queries),
                "rows": rows,
            }
    print(json.dumps(result))


def query_counts(db: str) -> dict:
    out = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--query-counts-child"],
        env={**env_for(db), "PYTHONPATH": f"{ROOT}:{ROOT / 'platform'}"},
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def table_counts(db: str) -> dict[str, int]:
    tables = {
        "organizations": "stakeholders_organization",
        "proposals": "proposals_proposal",
        "resources": "stakeholders_resource",
        "users": "carta_user",
    }
    return {k: int(b.psql(f"SELECT count(*) FROM {t}", db)) for k, t in tables.items()}


# --- Latency of lists and searches at the large scale -------------------------------------


def timed_get(path: str, n: int, headers: dict | None = None, budget: float = 20) -> dict:
    """``n`` sequential GETs (fewer when they take more than ``budget`` seconds in all)."""
    samples = []
    status = None
    deadline = time.perf_counter() + budget
    for _ in range(n):
        if samples and time.perf_counter() > deadline:
            break
        request = urllib.request.Request(f"http://{b.HOST}:{b.PORT}{path}", headers=headers or {})  # noqa: S310
        t0 = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return {
        "status": status,
        "p50_ms": statistics.median(samples),
        "p95_ms": samples[max(0, int(len(samples) * 0.95) - 1)],
    }


LATENCY_PATHS = [
    ("API organizations list", "/api/v1/organizations/"),
    ("API organizations search", "/api/v1/organizations/?q=inclusione"),
    ("API organizations, a middle page", "/api/v1/organizations/?page={middle}"),
    ("API proposals list", "/api/v1/proposals/"),
    ("API proposals search", "/api/v1/proposals/?q=anziani"),
    ("API resources search", "/api/v1/resources/?q=laboratorio"),
    ("page organizations", "/organizzazioni/"),
    ("page organizations search", "/organizzazioni/?q=inclusione"),
    ("page proposals", "/proposte/"),
    ("page proposals search", "/proposte/?q=anziani"),
    ("page resources search", "/risorse/?q=laboratorio"),
]


# --- CPU accounting (the machine is shared: what the workers used, and what others used) ---


def worker_pids(server: subprocess.Popen) -> list[int]:
    try:
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text()
    except OSError:
        return []
    return [int(pid) for pid in children.split()]


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


# --- Main ---------------------------------------------------------------------------------


def main() -> None:
    if "--query-counts-child" in sys.argv:
        query_counts_child()
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--voters", type=int, default=40000)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument(
        "--quick", action="store_true", help="small sizes, to check that the script works"
    )
    b.common_args(parser)
    args = parser.parse_args()
    b.apply_common(args)
    global MAIN, TEMPLATE, SMALL, LARGE  # noqa: PLW0603 - the names under this run's prefix
    MAIN, TEMPLATE, SMALL, LARGE = (
        b.db(n) for n in ("bench", "bench_tpl", "bench_q10", "bench_q1k")
    )
    if args.quick:
        args.scale, args.voters, args.duration = 3, 3000, 3
        args.ballots, args.subscribers = 20_000, 50
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    b.ensure_tools()
    started = time.perf_counter()
    load = os.getloadavg()

    def step(text: str) -> None:
        print(f"[{time.perf_counter() - started:5.0f} s] {text}", flush=True)

    step(f"building the data (template, demo, bulk --scale 10, --scale {args.scale}) ...")
    built = build(args.scale)
    sizes = table_counts(MAIN)
    step("query counts at about 10 and 1,000 rows ...")
    small, large = query_counts(SMALL), query_counts(LARGE)
    step(f"{args.voters} voters with tokens, three consultations ...")
    b.DB_NAME = MAIN
    data = b.prepare(args.voters, fresh=False)
    log = b.log_path("server")
    step(f"carta serve --workers {args.workers} ...")
    server = b.start_server(args.workers, log)
    fan = big = None
    failures: dict[str, str] = {}
    try:
        step("raw ceiling (pgbench) ...")
        ceiling = b.raw_ceiling(10)
        cast_id, cast_q = data["cast"]
        tokens = data["tokens"]
        b.cast_with_wrk(cast_id, cast_q["answers"], tokens[-2000:], 2)  # warm-up
        step(f"casting through the API (wrk, 64 connections, {args.duration} s) ...")
        before = int(
            b.psql(f"SELECT count(*) FROM voting_voterrecord WHERE consultation_id={cast_id}", MAIN)
        )
        pids = worker_pids(server[0])
        cpu0, busy0, t0 = cpu_seconds(pids), machine_busy_seconds(), time.perf_counter()
        cast = b.cast_with_wrk(cast_id, cast_q["answers"], tokens[:-2000], args.duration)
        wall = time.perf_counter() - t0
        workers_cpu = cpu_seconds(pids) - cpu0
        machine_cpu = machine_busy_seconds() - busy0
        cast["stored"] -= before
        cast["ballots_per_s"] = cast["stored"] / args.duration
        page_id, page_q = data["page"]
        sessions = data["sessions"]
        b.cast_with_page(page_id, page_q, sessions[-2000:], 2)  # warm-up
        step(f"casting through the voting page (wrk, 64 connections, {args.duration} s) ...")
        page = b.cast_with_page(page_id, page_q, sessions[:-2000], args.duration)
        step("list and search latency ...")
        middle = max(1, sizes["organizations"] // 40)
        latency = {
            label: timed_get(path.format(middle=middle), 10) for label, path in LATENCY_PATHS
        }
        step(f"{args.ballots:,} ballots and their results ...")
        try:
            big = b.million(data["big"][0], data["big"][1], args.ballots)
        except Exception as error:  # noqa: BLE001 - reported in the table
            failures["results"] = repr(error)[:120]
        step(f"{args.subscribers} websocket subscribers ...")
        live_id, live_q = data["live"]
        try:
            fan = asyncio.run(
                asyncio.wait_for(
                    b.fan_out(live_id, live_q["answers"], tokens[-1], args.subscribers), 200
                )
            )
        except Exception as error:  # noqa: BLE001 - reported in the table
            failures["websocket"] = repr(error)[:120] or type(error).__name__
    finally:
        b.stop_server(server)
    total = time.perf_counter() - started

    # --- The table ---------------------------------------------------------------------
    rows: list[tuple[str, str, str]] = []

    def row(what: str, figure: str, verdict: str = "") -> None:
        rows.append((what, figure, verdict))

    p50, p99 = cast["latency_ms"]["p50"], cast["latency_ms"]["p99"]
    row("raw ceiling: pgbench INSERT … ON CONFLICT, 16 clients", f"{ceiling:,.0f} /s")
    row(
        f"ballots via API: wrk 64 conn, {args.duration} s, {args.workers} workers",
        f"{cast['ballots_per_s']:,.0f} ballots/s",
    )
    row(
        "  ballot latency p50 / p99 / max",
        f"{p50:.0f} / {p99:.0f} / {cast['latency_ms']['max']:.0f} ms",
    )
    row("  ratio API / raw ceiling", f"{cast['ballots_per_s'] / ceiling:.3f}")
    stored = max(1, cast["stored"])
    row(
        "  CPU of the workers per ballot",
        f"{workers_cpu / stored * 1000:.1f} ms",
        f"machine busy {machine_cpu / wall:.2f} of {os.cpu_count()} CPUs during the burst",
    )
    row("  responses", " ".join(f"{k}:{v}" for k, v in sorted(cast["statuses"].items())))
    row(
        f"ballots via the voting page with a session: GET + POST, {args.duration} s",
        f"{page['ballots_per_s']:,.0f} ballots/s",
        f"ratio to the raw ceiling {page['ballots_per_s'] / ceiling:.3f}",
    )
    row("  responses", " ".join(f"{k}:{v}" for k, v in sorted(page["statuses"].items())))
    mismatches = []
    for key, entry in sorted(small.items()):
        other = large.get(key)
        if other is None or other["queries"] != entry["queries"]:
            mismatches.append((key, entry["queries"], other and other["queries"]))
    row(
        f"query counts, {len(small)} list routes x personas, ~10 vs ~1,000 rows",
        f"{len(small) - len(mismatches)}/{len(small)} equal",
        "met" if not mismatches else "NOT equal: " + ", ".join(k for k, *_ in mismatches),
    )
    for label, figures in latency.items():
        row(
            f"{label} ({sizes['organizations']:,} org., {sizes['proposals']:,} prop.)",
            f"p50 {figures['p50_ms']:.0f} ms, p95 {figures['p95_ms']:.0f} ms",
            "" if figures["status"] == 200 else f"status {figures['status']}",
        )
    if big:
        row(
            f"results of {big['ballots']:,} ballots (in process; over HTTP)",
            f"{big['results_s'] * 1000:.0f} ms; {big['http_s'] * 1000:.0f} ms",
            "met" if big["results_s"] < 1 and big["http_s"] < 1 else "NOT < 1 s",
        )
        recount = big["sql_recount_one_question_s"]
        row("  SQL recount of one question over the ballots", f"{recount:.2f} s")
    if fan:
        row(
            f"tally pushed to {fan['subscribers']} websocket subscribers",
            f"{fan['received']} received, all within {(fan['all_s'] or 0) * 1000:.0f} ms "
            f"(connecting took {fan['connect_s']:.0f} s, "
            f"{fan['handshake_retries']} handshakes retried)",
            "met"
            if fan["received"] == fan["subscribers"] and (fan["all_s"] or 9) < 1
            else "NOT met",
        )
    for what, error in failures.items():
        row(f"{what}: FAILED", error)
    width = max(len(r[0]) for r in rows)
    fig = max(len(r[1]) for r in rows)
    print()
    print("=== Carta benchmarks ===")
    print(
        f"machine: {os.cpu_count()} CPU, load average before the run {load[0]:.1f}; "
        f"data: {sizes['organizations']:,} organizations, {sizes['proposals']:,} proposals, "
        f"{sizes['resources']:,} resources, {sizes['users']:,} users "
        f"(migrate {built['migrate_s']:.0f} s, demo {built['demo_s']:.0f} s, "
        f"bulkdemo --scale {args.scale} {built['scale_s']:.0f} s: {built['scale_line']})"
    )
    for what, figure, verdict in rows:
        print(f"{what:<{width}}  {figure:<{fig}}  {verdict}")
    if mismatches:
        print("query count mismatches (route: ~10 rows vs ~1,000 rows):")
        for key, q1, q2 in mismatches:
            print(f"  {key}: {q1} vs {q2}")
    print("query counts (persona route: queries; rows at ~10 / ~1,000 where the API says):")
    for key, entry in sorted(small.items()):
        other = large.get(key, {})
        rows_text = f"{entry['rows']} / {other.get('rows')}" if entry["rows"] is not None else ""
        print(f"  {key:<40} {entry['queries']:>3} {rows_text}  [{entry['status']}]")
    print(f"whole run: {total:.0f} s; server log: {log}")


if __name__ == "__main__":
    main()
