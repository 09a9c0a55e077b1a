"""The candidate servers side by side, on the same data (prints one table).

    .venv/bin/python bench/servers.py [--rounds 2] [--duration 8] [--workers 2]

Prepares ``carta_bench`` once (see ``ballots.py``), then, round after round so that the
machine's other load falls on every server alike, serves it with each candidate in turn
(``ballots.SERVERS``) and measures ballots/s through the API and through the voting page,
and requests/s of an anonymous page, each voter voting once. The median of the rounds is
printed, beside the raw PostgreSQL ceiling.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ballots as b  # noqa: E402 - the module next to this one


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--servers", default=",".join(b.SERVERS[1:]))
    b.common_args(parser)
    args = parser.parse_args()
    b.apply_common(args)
    b.ensure_tools()
    servers = args.servers.split(",")
    per_run = 400 * args.duration  # more voters than a run can use, through either path
    voters = per_run * len(servers) * args.rounds
    print(f"preparing {voters} voters ...", flush=True)
    data = b.prepare(voters)
    ceiling = b.raw_ceiling(10)
    cast_id, cast_q = data["cast"]
    page_id, page_q = data["page"]
    figures: dict[str, dict[str, list[float]]] = {
        s: {"api": [], "page": [], "get": []} for s in servers
    }
    log = b.log_path("server")
    run = 0
    for round_ in range(args.rounds):
        for server in servers:
            first, last = run * per_run, (run + 1) * per_run
            run += 1
            print(f"round {round_ + 1}: {server} ...", flush=True)
            processes = b.start_server(args.workers, log, server)
            try:
                b.page_throughput("/consultazioni/", 2)  # warm-up
                before = b.stored_ballots(cast_id)
                api = b.cast_with_wrk(
                    cast_id, cast_q["answers"], data["tokens"][first:last], args.duration
                )
                figures[server]["api"].append((api["stored"] - before) / args.duration)
                page = b.cast_with_page(
                    page_id, page_q, data["sessions"][first:last], args.duration
                )
                figures[server]["page"].append(page["ballots_per_s"])
                figures[server]["get"].append(b.page_throughput("/consultazioni/", args.duration))
            finally:
                b.stop_server(processes)
    print()
    print(f"=== servers, {args.workers} workers, {args.rounds} rounds of {args.duration} s ===")
    print(
        f"raw PostgreSQL ceiling (pgbench, 16 clients, INSERT ... ON CONFLICT): {ceiling:,.0f} /s"
    )
    print(f"{'server':<10} {'API ballots/s':>14} {'page ballots/s':>15} {'GET page req/s':>15}")
    for server, values in figures.items():
        api, page, get = (statistics.median(values[k]) for k in ("api", "page", "get"))
        print(f"{server:<10} {api:>14,.0f} {page:>15,.0f} {get:>15,.0f}   rounds: {values}")


if __name__ == "__main__":
    main()
