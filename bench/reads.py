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
import json
import os
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

# (label, path, who): "anon", "staff" (the administrator's session) or "member" (a
# representative of one of the demo's organizations, on a proposal of another one: the
# forms naming organizations, ``stakeholders.picker``). Every API list and
# every list page of the URLconf must appear here: ``unmeasured_routes`` names those that
# do not, and the one command prints them.
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
    ("API proposals, page 5", "/api/v1/proposals/?page=5", "anon"),
    ("API consultations", "/api/v1/consultations/", "anon"),
    ("API services of the Carta", "/api/v1/services/", "anon"),
    ("API revisions of the Carta", "/api/v1/carta/revisions/", "anon"),
    ("API commitment measurements", "/api/v1/commitment-measurements/", "anon"),
    ("API improvement actions", "/api/v1/improvement-actions/", "anon"),
    ("API evaluations", "/api/v1/evaluations/", "anon"),
    ("API moderation log", "/api/v1/moderation-log/", "anon"),
    ("API proposals (staff)", "/api/v1/proposals/", "staff"),
    ("API organizations (staff)", "/api/v1/organizations/", "staff"),
    ("API complaints (staff)", "/api/v1/complaints/", "staff"),
    ("API flags (staff)", "/api/v1/flags/", "staff"),
    ("API notifications (staff)", "/api/v1/notifications/", "staff"),
    ("API audit log (staff)", "/api/v1/audit/", "staff"),
    ("page home", "/", "anon"),
    ("page organizations", "/organizzazioni/", "anon"),
    ("page organizations ?q=inclusione", "/organizzazioni/?q=inclusione", "anon"),
    ("page resources", "/risorse/", "anon"),
    ("page resources ?q=laboratorio", "/risorse/?q=laboratorio", "anon"),
    ("page proposals", "/proposte/", "anon"),
    ("page proposals ?q=anziani", "/proposte/?q=anziani", "anon"),
    ("page proposals ?organization=bulk", "/proposte/?organization=bulk", "anon"),
    ("page proposals, page 5", "/proposte/?page=5", "anon"),
    ("page services of the Carta", "/carta/servizi/", "anon"),
    ("page revisions of the Carta", "/carta/revisioni/", "anon"),
    ("page revision in consultation, its comments", "/carta/revisioni/{revision}/", "anon"),
    ("page revision in consultation (staff)", "/carta/revisioni/{revision}/", "staff"),
    ("page proposal (organization member)", "/proposte/{proposal}/", "member"),
    ("page consultations", "/consultazioni/", "anon"),
    ("page moderation log", "/moderazione/registro/", "anon"),
    ("page home (staff)", "/", "staff"),
    ("page organizations (staff)", "/organizzazioni/", "staff"),
    ("page applications queue (staff)", "/organizzazioni/in-attesa/", "staff"),
    ("page proposals (staff)", "/proposte/", "staff"),
    ("page proposals moderation (staff)", "/proposte/moderazione/", "staff"),
    ("page proposals evaluation (staff)", "/proposte/valutazione/", "staff"),
    ("page complaints queue (staff)", "/valuta-e-segnala/ufficio-reclami/", "staff"),
    ("page my complaints (staff)", "/valuta-e-segnala/le-mie-segnalazioni/", "staff"),
    ("page notifications (staff)", "/notifiche/", "staff"),
    ("page audit log (staff)", "/registro/", "staff"),
]
# Pages that list something, by URL name (API lists are found in the URLconf: ``*-list``).
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


def build(scale: int, fresh: bool) -> tuple[str, str]:
    """``carta_reads_<scale>``, kept from an earlier run when it exists (then migrated, and
    completed by ``bulkdemo.py``, which adds only missing rows); returns it and how."""
    db = b.db(f"reads_{scale}")
    template = b.db("reads_tpl")
    exists = b.psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'").strip() == "1"
    if exists and not fresh:
        t0 = time.perf_counter()
        _carta(db, "migrate", "-v0")
        have = int(b.psql("SELECT count(*) FROM stakeholders_organization", db))
        comments = int(
            b.psql(
                "SELECT count(*) FROM consultations_comment "
                "WHERE body LIKE 'Commento generato%' AND anchored_text <> ''",
                db,
            )
        )
        how = f"kept from an earlier run, migrated in {time.perf_counter() - t0:.0f} s"
        if have >= scale * 100 and comments >= scale:
            return db, how
        _bulk(db, scale)  # an interrupted build: the missing rows only
        return db, how + f", completed in {time.perf_counter() - t0:.0f} s"
    if fresh or not _has_demo(template):
        b.psql(f"DROP DATABASE IF EXISTS {template} WITH (FORCE)")
        b.psql(f"CREATE DATABASE {template}")
        _carta(template, "migrate", "-v0")
        _carta(template, "demo")
    b.psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    b.psql(f"CREATE DATABASE {db} TEMPLATE {template}")
    t0 = time.perf_counter()
    line = _bulk(db, scale)
    b.psql("VACUUM ANALYZE", db)
    how = f"built in {time.perf_counter() - t0:.0f} s ({line})"
    print(f"  {db}: {how}", flush=True)
    return db, how


def _has_demo(db: str) -> bool:
    """Whether ``db`` exists, migrated, with the demo's administrator (a complete template)."""
    try:
        return b.psql("SELECT 1 FROM carta_user WHERE username = 'admin'", db).strip() == "1"
    except subprocess.CalledProcessError:
        return False


def _bulk(db: str, scale: int) -> str:
    out = subprocess.run(  # noqa: S603
        [sys.executable, str(Path(__file__).with_name("bulkdemo.py")), "--scale", str(scale)],
        env=_env(db),
        cwd=b.ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=1800,
    ).stdout
    return next((x for x in out.splitlines() if x.startswith("bulk")), "")


def _env(db: str) -> dict[str, str]:
    b.DB_NAME = db
    return b.env()


def _carta(db: str, *argv: str) -> str:
    done = subprocess.run(  # noqa: S603
        [b.CARTA, *argv], env=_env(db), cwd=b.ROOT, check=False, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"carta {' '.join(argv)} on {db} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def placeholders(db: str) -> dict[str, str]:
    """The ids some paths name: the revision in consultation (the demo's); the demo's
    first representative who is not staff ("member") and a published proposal of an
    organization that person does not belong to."""
    revision = b.psql(
        "SELECT id FROM consultations_revision WHERE status = 'in_consultation' "
        "ORDER BY id LIMIT 1",
        db,
    ).strip()
    member, _, proposal = (
        b.psql(
            "WITH member AS (SELECT u.id, u.username FROM carta_user u "
            "JOIN stakeholders_membership m ON m.user_id = u.id "
            "WHERE m.role = 'representative' AND NOT u.is_staff ORDER BY u.id LIMIT 1) "
            "SELECT member.username, (SELECT p.id FROM proposals_proposal p "
            "WHERE p.state = 'published' AND p.hidden_at IS NULL AND p.organization_id NOT IN "
            "(SELECT organization_id FROM stakeholders_membership WHERE user_id = member.id) "
            "ORDER BY p.id LIMIT 1) FROM member",
            db,
        )
        .strip()
        .partition("|")
    )
    return {"revision": revision or "0", "member": member, "proposal": proposal or "0"}


def sizes(db: str) -> dict[str, int]:
    tables = {
        "organizations": "stakeholders_organization",
        "proposals": "proposals_proposal",
        "resources": "stakeholders_resource",
        "users": "carta_user",
    }
    return {k: int(b.psql(f"SELECT count(*) FROM {t}", db)) for k, t in tables.items()}


SESSION_CHILD = """
import os
import django; django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from importlib import import_module
user = get_user_model().objects.get(username=os.environ["CARTA_BENCH_USER"])
store = import_module(settings.SESSION_ENGINE).SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.create()
print(settings.SESSION_COOKIE_NAME + "=" + store.session_key)
"""


def session_cookie(db: str, username: str = "admin") -> str:
    """The cookie of a session of ``username`` (by default the demo's administrator), made
    as a login makes it."""
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SESSION_CHILD],
        env={**_env(db), "CARTA_BENCH_USER": username},
        cwd=b.ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.strip().splitlines()[-1]


# --- Query counts: in a child process, with Django's test client ---------------------------


def query_counts_child() -> None:
    """Print, as JSON, the queries of every path of PATHS, and the list routes not in it."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import URLPattern, URLResolver, get_resolver, reverse

    from carta.models import User

    ids = json.loads(os.environ["CARTA_BENCH_IDS"])
    clients = {"anon": Client(), "staff": Client(), "member": Client()}
    clients["staff"].force_login(User.objects.get(username="admin"))
    clients["member"].force_login(User.objects.get(username=ids["member"]))
    counts = {}
    for label, template, who in PATHS:
        path = template.format(**ids)
        clients[who].get(path)  # the first-use queries (session, caches) left out
        with CaptureQueriesContext(connection) as ctx:
            response = clients[who].get(path)
        counts[label] = {"queries": len(ctx.captured_queries), "status": response.status_code}

    def api_lists(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from api_lists(pattern.url_patterns)
            elif (
                isinstance(pattern, URLPattern)
                and (pattern.name or "").endswith("-list")
                and "<" not in str(pattern.pattern)
            ):
                yield pattern.name

    measured = {path.format(**ids).split("?")[0] for _label, path, _who in PATHS}
    routes = sorted(set(api_lists(get_resolver().url_patterns))) + LIST_PAGES
    missing = [name for name in routes if reverse(name) not in measured]
    print(json.dumps({"counts": counts, "unmeasured": missing}))


def query_counts(db: str) -> dict:
    done = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--query-counts-child"],
        env={
            **_env(db),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "CARTA_BENCH_IDS": json.dumps(placeholders(db)),
        },
        cwd=b.ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode:
        raise SystemExit(f"query counts on {db} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- Latency over HTTP ---------------------------------------------------------------------


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


def measure_scale(scale: int, requests: int, workers: int, fresh: bool = False) -> dict:
    """Build (or keep) the database of ``scale``, count the queries of every path, then
    serve it and time every path. Returns the figures, the row counts and how it was built."""
    db, how = build(scale, fresh)
    counted = query_counts(db)
    ids = placeholders(db)
    cookies = {
        "anon": None,
        "staff": session_cookie(db),
        "member": session_cookie(db, ids["member"]),
    }
    server = b.start_server(workers, b.log_path("reads"))
    try:
        figures = {
            label: measure(path.format(**ids), requests, cookies[who]) for label, path, who in PATHS
        }
    finally:
        b.stop_server(server)
    for label, entry in counted["counts"].items():
        figures[label]["queries"] = entry["queries"]
    return {"db": db, "how": how, "rows": sizes(db), "figures": figures, **counted}


def table(results: dict[int, dict]) -> list[str]:
    """The markdown table of the read figures, one column per scale."""
    scales = sorted(results)
    lines = [
        "| path | "
        + " | ".join(
            f"{results[s]['rows']['proposals']:,} rows: p50/p95/p99 ms, KB, queries" for s in scales
        )
        + " |",
        "|---" * (len(scales) + 1) + "|",
    ]
    for label, _path, _who in PATHS:
        cells = []
        for scale in scales:
            r = results[scale]["figures"][label]
            flag = "" if r["status"] == 200 else f" (status {r['status']})"
            if r["kb"] > PAGE_LIMIT_KB:
                flag += " **over 150 KB**"
            cells.append(
                f"{r['p50']:.0f} / {r['p95']:.0f} / {r['p99']:.0f}, {r['kb']:.0f}, "
                f"{r.get('queries', '?')}q{flag}"
            )
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    if "--query-counts-child" in sys.argv:
        sys.path[:0] = [str(b.ROOT), str(b.ROOT / "platform")]
        query_counts_child()
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", default="10,100,1000")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--fresh", action="store_true", help="build the databases again")
    b.common_args(parser)
    args = parser.parse_args()
    b.apply_common(args)
    b.ensure_tools()
    started = time.perf_counter()
    results = {}
    for scale in [int(x) for x in args.scales.split(",") if x.strip()]:
        print(f"[{time.perf_counter() - started:5.0f} s] scale {scale} ...", flush=True)
        results[scale] = measure_scale(scale, args.requests, args.workers, args.fresh)
    print()
    print(f"Reads, sequential GETs, `carta serve --workers {args.workers}`, p50 / p95 / p99 ms")
    for scale, r in sorted(results.items()):
        print(f"  scale {scale}: {r['db']} {r['rows']} ({r['how']})")
    print("\n".join(table(results)))
    over = [
        f"{label} at scale {scale}"
        for scale, r in results.items()
        for label, f in r["figures"].items()
        if f["kb"] > PAGE_LIMIT_KB
    ]
    print()
    print(f"pages over {PAGE_LIMIT_KB} KB: {', '.join(over) if over else 'none'}")
    unmeasured = next(iter(results.values()))["unmeasured"] if results else []
    print(f"list routes not measured: {', '.join(unmeasured) if unmeasured else 'none'}")
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
