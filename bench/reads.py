# ruff: noqa: S608 - the benchmark builds its SQL from its own names
"""Reads at scale: every list page and API list, with search and filters, at several sizes.

    .venv/bin/python bench/reads.py [--scales 10,100,1000] [--requests 30] [--workers 2]

Needs the PostgreSQL and Redis of ``bench/ballots.py`` (BENCH_DATABASE_URL,
BENCH_REDIS_URL). For each scale N (N x 100 organizations, proposals and citizens, 2 x N x
100 resources: ``--scales 10,100,1000`` is about 1,000, 10,000 and 100,000 rows) it builds
``carta_reads_<N>`` (BENCH_DB_PREFIX + ``_reads_<N>``) once (a migrated template, ``carta
demo``, ``bench/bulkdemo.py --scale N``; an existing database of that name is reused,
migrated, unless ``--fresh``), serves it with ``carta serve --workers W`` on 127.0.0.1:8071
(``--port``, BENCH_PORT), and GETs each path ``--requests`` times in sequence, anonymously and with
the session of a signed-in administrator (a real session
row, as a login leaves it). It prints p50 / p95 / p99, the size of the answer and its
status, beside the raw ceiling of the same run: ``/healthz``, which crosses the same
server, middleware and database connection and runs ``SELECT 1``.

The goals (issue 16): no page over 150 KB at any size, and the figures of a list, its
search and its filters growing little from one size to the next.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess  # noqa: S404 - local tools with fixed arguments
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ballots as b  # noqa: E402 - the module next to this one

PAGE_LIMIT_KB = 150

# (label, path, who): "anon" or "staff" (the administrator's session).
PATHS = [
    ("raw ceiling: /healthz", "/healthz", "anon"),
    ("API organizations", "/api/v1/organizations/", "anon"),
    ("API organizations ?q=inclusione", "/api/v1/organizations/?q=inclusione", "anon"),
    ("API organizations ?area=elderly", "/api/v1/organizations/?area=elderly", "anon"),
    ("API resources", "/api/v1/resources/", "anon"),
    ("API resources ?q=laboratorio", "/api/v1/resources/?q=laboratorio", "anon"),
    ("API proposals", "/api/v1/proposals/", "anon"),
    ("API proposals ?q=anziani", "/api/v1/proposals/?q=anziani", "anon"),
    ("API proposals ?q=anziani&area=elderly", "/api/v1/proposals/?q=anziani&area=elderly", "anon"),
    ("API proposals, page 50", "/api/v1/proposals/?page=50", "anon"),
    ("API consultations", "/api/v1/consultations/", "anon"),
    ("API revisions of the Carta", "/api/v1/carta/revisions/", "anon"),
    ("API moderation log", "/api/v1/moderation-log/", "anon"),
    ("page home", "/", "anon"),
    ("page organizations", "/organizzazioni/", "anon"),
    ("page organizations ?q=inclusione", "/organizzazioni/?q=inclusione", "anon"),
    ("page resources", "/risorse/", "anon"),
    ("page resources ?q=laboratorio", "/risorse/?q=laboratorio", "anon"),
    ("page proposals", "/proposte/", "anon"),
    ("page proposals ?q=anziani", "/proposte/?q=anziani", "anon"),
    ("page proposals ?organization=bulk", "/proposte/?organization=bulk", "anon"),
    ("page services of the Carta", "/carta/servizi/", "anon"),
    ("page consultations", "/consultazioni/", "anon"),
    ("page moderation log", "/moderazione/registro/", "anon"),
    ("page home (staff)", "/", "staff"),
    ("page organizations (staff)", "/organizzazioni/", "staff"),
    ("page applications queue (staff)", "/organizzazioni/in-attesa/", "staff"),
    ("page proposals (staff)", "/proposte/", "staff"),
    ("page proposals moderation (staff)", "/proposte/moderazione/", "staff"),
    ("page proposals evaluation (staff)", "/proposte/valutazione/", "staff"),
    ("page complaints queue (staff)", "/valuta-e-segnala/ufficio-reclami/", "staff"),
    ("page audit log (staff)", "/registro/", "staff"),
    ("API proposals (staff)", "/api/v1/proposals/", "staff"),
]


def build(scale: int, fresh: bool) -> str:
    db = b.db(f"reads_{scale}")
    template = b.db("reads_tpl")
    exists = b.psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'").strip() == "1"
    if exists and not fresh:
        # A database kept from an earlier run gets the migrations added since.
        _carta(db, "migrate", "-v0")
        return db
    if not b.psql(f"SELECT 1 FROM pg_database WHERE datname = '{template}'").strip() or fresh:
        b.psql(f"DROP DATABASE IF EXISTS {template} WITH (FORCE)")
        b.psql(f"CREATE DATABASE {template}")
        _carta(template, "migrate", "-v0")
        _carta(template, "demo")
    b.psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    b.psql(f"CREATE DATABASE {db} TEMPLATE {template}")
    t0 = time.perf_counter()
    out = subprocess.run(  # noqa: S603
        [sys.executable, str(Path(__file__).with_name("bulkdemo.py")), "--scale", str(scale)],
        env=_env(db),
        cwd=b.ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=1800,
    ).stdout
    line = next((x for x in out.splitlines() if x.startswith("bulk")), "")
    print(f"  built {db} in {time.perf_counter() - t0:.0f} s: {line}", flush=True)
    return db


def _env(db: str) -> dict[str, str]:
    b.DB_NAME = db
    return b.env()


def _carta(db: str, *argv: str) -> str:
    return subprocess.run(  # noqa: S603
        [b.CARTA, *argv], env=_env(db), cwd=b.ROOT, check=True, capture_output=True, text=True
    ).stdout


SESSION_CHILD = """
import django; django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from importlib import import_module
user = get_user_model().objects.get(username="admin")
store = import_module(settings.SESSION_ENGINE).SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.create()
print(settings.SESSION_COOKIE_NAME + "=" + store.session_key)
"""


def staff_cookie(db: str) -> str:
    """The cookie of a session of the demo's administrator, made as a login makes it."""
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SESSION_CHILD],
        env=_env(db),
        cwd=b.ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.strip().splitlines()[-1]


def measure(path: str, n: int, cookie: str | None) -> dict:
    headers = {"Cookie": cookie} if cookie else {}
    samples, size, status = [], 0, None
    for _ in range(2):  # warm the worker's caches
        _get(path, headers)
    deadline = time.perf_counter() + 30
    for _ in range(n):
        if samples and time.perf_counter() > deadline:
            break
        t0 = time.perf_counter()
        status, size = _get(path, headers)
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()

    def pct(p: float) -> float:
        return samples[min(len(samples) - 1, max(0, round(p * len(samples)) - 1))]

    return {
        "p50": statistics.median(samples),
        "p95": pct(0.95),
        "p99": pct(0.99),
        "kb": size / 1024,
        "status": status,
        "n": len(samples),
    }


def _get(path: str, headers: dict) -> tuple[int, int]:
    request = urllib.request.Request(f"http://{b.HOST}:{b.PORT}{path}", headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, len(error.read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", default="10,100,1000")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--fresh", action="store_true", help="build the databases again")
    b.common_args(parser)
    args = parser.parse_args()
    b.apply_common(args)
    b.ensure_tools()
    scales = [int(x) for x in args.scales.split(",") if x.strip()]
    results: dict[int, dict[str, dict]] = {}
    sizes: dict[int, str] = {}
    started = time.perf_counter()
    for scale in scales:
        print(f"[{time.perf_counter() - started:5.0f} s] scale {scale} ...", flush=True)
        db = build(scale, args.fresh)
        sizes[scale] = " ".join(
            f"{name} {int(b.psql(f'SELECT count(*) FROM {table}', db)):,}"
            for name, table in (
                ("org.", "stakeholders_organization"),
                ("prop.", "proposals_proposal"),
                ("res.", "stakeholders_resource"),
            )
        )
        b.psql("VACUUM ANALYZE", db)
        cookie = staff_cookie(db)
        log = b.log_path("reads")
        server = b.start_server(args.workers, log)
        try:
            results[scale] = {
                label: measure(path, args.requests, cookie if who == "staff" else None)
                for label, path, who in PATHS
            }
        finally:
            b.stop_server(server)
    print()
    print(f"Reads, sequential GETs, `carta serve --workers {args.workers}`, p50 / p95 / p99 ms")
    for scale in scales:
        print(f"  scale {scale}: {sizes[scale]}")
    header = "| path | " + " | ".join(f"scale {s}: p50/p95/p99 ms, KB" for s in scales) + " |"
    print(header)
    print("|---" * (len(scales) + 1) + "|")
    over = []
    for label, _path, _who in PATHS:
        cells = []
        for scale in scales:
            r = results[scale][label]
            flag = "" if r["status"] == 200 else f" (status {r['status']})"
            if r["kb"] > PAGE_LIMIT_KB:
                over.append(f"{label} at scale {scale}")
                flag += " **over 150 KB**"
            cells.append(f"{r['p50']:.0f} / {r['p95']:.0f} / {r['p99']:.0f}, {r['kb']:.0f}{flag}")
        print(f"| {label} | " + " | ".join(cells) + " |")
    print()
    print(f"pages over {PAGE_LIMIT_KB} KB: {', '.join(over) if over else 'none'}")
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
