"""Province roll-ups under load, against issue 7's aims: a one-quarter roll-up p95 ≤ 100 ms with
20 concurrent dashboard users, a 30-quarter trend p95 ≤ 300 ms.

Per database (a SQLite file; PostgreSQL scratch database bench_hb_province, made and dropped
here), on Spec(townships=1667, villages=25,000, quarters=30, counties=120) from bench/generate:
  - writes first, summary off: store_inspection one at a time (each its own transaction, as a
    request), per-write ms; then `rebuild-summary` (switching it on), timed; then the same
    writes with the summary on, and the ratio;
  - gunicorn, 4 sync workers, and 20 asyncio users (bench/province_reads.py) sending each READ
    back to back: p50/p95 and CPU per request with the summary on (repeats interleaved, medians
    reported), then with ROLLUP_SOURCE=live (one request each: they take seconds); one user
    alone too;
  - in process, the source seam (app/rollups/sources.period_leaves) at county level (120
    counties) and township level
    within a county: p50;
  - PostgreSQL: a materialised view of the same county sums: CREATE and REFRESH CONCURRENTLY
    times, and its province read against the area table's, 20 connections at once.
BENCH_PROVINCE_VILLAGES (25000; townships and counties scale with it), BENCH_PROVINCE_DATABASES
(sqlite,postgresql), BENCH_PROVINCE_REPEATS (3), BENCH_PG_URL (a server URL).
"""

import os
import resource
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

from sqlalchemy import text

from app import create_app
from app.accounts.auth import issue_token
from app.db import write_intent
from app.demo.plan import VillagePlan
from app.extensions import db
from app.formdefs.registry import current_forms
from app.inspections.store import store_inspection
from app.models import Township, User, Village
from app.periods import parse_period, quarter_of
from app.rollups.sources import period_leaves
from app.rollups.summary import quarter as quarter_summary
from app.rollups.targets import targets_at
from bench.bench_rollup import _analyse
from bench.cluster import Database, Server, postgresql_database
from bench.generate import Spec, generate
from bench.province_reads import (
    MATERIALISED,
    PROVINCE_FROM,
    backend_cpu_seconds,
    dashboard_users,
    materialised_view_sql,
    median,
    ms,
    sql_users,
)

VILLAGES = int(os.environ.get("BENCH_PROVINCE_VILLAGES", "25000"))
SPEC = Spec(
    townships=max(VILLAGES * 1667 // 25_000, 1),
    villages=VILLAGES,
    quarters=30,
    last_quarter=quarter_of(date.today()),  # the trend API ends at the server's quarter
    counties=max(VILLAGES * 120 // 25_000, 1),
)
DATABASES = os.environ.get("BENCH_PROVINCE_DATABASES", "sqlite,postgresql").split(",")
REPEATS = int(os.environ.get("BENCH_PROVINCE_REPEATS", "3"))
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_SCRATCH = "bench_hb_province"
USERS, EACH, LIVE_EACH = 20, 10, 1
LIVE_ALONE_MAX = 2.0  # seconds
TIMEOUT = 60.0  # gunicorn's --timeout in bench/cluster.py
WRITES = 60
PROVINCE = "140000"  # config PROVINCE_CODE: the one unit over the 120 counties
COUNTY = "140101"  # the generator's first county (bench/generate.county_code(0))
# (name, path, query)
READS = (
    ("province, one quarter", "/api/v1/rollup", {"level": "province", "period": SPEC.last_quarter}),
    (
        "120 counties, one quarter",
        "/api/v1/rollup",
        {"level": "county", "period": SPEC.last_quarter},
    ),
    (
        "province, 30-quarter trend",
        "/api/v1/rollup/trend",
        {"indicator": "clean_heating", "level": "province", "code": PROVINCE, "periods": "30"},
    ),
    (
        "a county, 30-quarter trend",
        "/api/v1/rollup/trend",
        {"indicator": "clean_heating", "level": "county", "code": COUNTY, "periods": "30"},
    ),
)


def main() -> None:
    print(
        f"{SPEC.villages} villages, {SPEC.townships} townships, {SPEC.counties} counties, "
        f"{SPEC.quarters} quarters; {USERS} users; medians of {REPEATS} interleaved repeats",
        flush=True,
    )
    for kind in DATABASES:
        with tempfile.TemporaryDirectory() as tmp:
            if kind == "sqlite":
                path = Path(tmp) / "province.sqlite3"
                database = Database(url=f"sqlite:///{path}", kind="sqlite", path=path)
            else:
                database = postgresql_database(PG_SERVER, PG_SCRATCH)
            try:
                _measure(database, Path(tmp))
            finally:
                database.drop()


def _measure(database: Database, tmp: Path) -> None:
    name = database.kind
    app = create_app({"DATABASE_URL": database.url, "SECRET_KEY": "bench-" + "x" * 40})
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        with db.engine.connect() as connection:
            made = generate(connection, SPEC)
        _analyse()
        print(f"[{name}] {made.answers} answers in {time.perf_counter() - started:.0f} s")
        token, _row = issue_token(db.session.get(User, 1))
        db.session.commit()
        off = _writes(0)
        started = time.perf_counter()
        rows = quarter_summary.rebuild(db.session.connection())
        db.session.commit()
        rebuilt = time.perf_counter() - started
        _analyse()
        print(f"[{name}] rebuild-summary (switches it on): {rows} village rows, {rebuilt:.0f} s")
        on = _writes(1)
        print(
            f"[{name}] one write: {median(off):.1f} ms with the summary off, {median(on):.1f} ms "
            f"on ({median(on) / median(off):.2f}× as long; {1000 / median(off):.0f} vs "
            f"{1000 / median(on):.0f} writes/s one at a time)",
            flush=True,
        )
        _contract(name)
        if database.kind == "postgresql":
            _materialised_view(name, database.url, made.quarters)
        db.session.remove()
        db.engine.dispose()
    for source, each, repeats in (("auto", EACH, REPEATS), ("live", LIVE_EACH, 1)):
        _serve(database, tmp, token, source, each, repeats)


def _writes(round_: int) -> list[float]:
    """ms per store_inspection, each a new visit to another village (as a request)."""
    forms = current_forms()
    today = date.today()
    schema = forms.inspection_schemas["en"](today=today)
    actor = db.session.get(User, 1)
    codes = db.session.scalars(
        db.select(Village.code).order_by(Village.id).offset(round_ * WRITES * 7).limit(WRITES * 7)
    ).all()[::7]  # villages of different townships and counties
    payloads = []
    for code in codes:
        raw = VillagePlan(code, "plain", 300).submission(
            quarter_of(today), 0.5, today, forms.form_set
        )
        raw["client_uuid"] = str(uuid.uuid4())
        payloads.append(schema.load(raw))
    db.session.rollback()
    spent = []
    for data in payloads:
        started = time.perf_counter()
        store_inspection(data, actor, forms.form_set)
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def _contract(name: str) -> None:
    """The contract's county level (every county) and township level within one county."""
    indicators = current_forms().indicators.indicators
    span = parse_period(SPEC.last_quarter)
    targets = targets_at(span.start)
    county_of = dict(db.session.execute(db.select(Township.id, Township.county_id)).all())
    reading = write_intent.set(False)
    try:
        for level, scope in (("county", None), ("township", ("county", 1))):
            spent = []
            for _ in range(11):
                started = time.perf_counter()
                leaves = period_leaves(indicators, span, level, scope, targets, False, county_of)
                rolled, _reported = leaves.rolled()
                db.session.rollback()
                spent.append(time.perf_counter() - started)
            units = len(rolled[indicators[0].key])
            print(
                f"[{name}] in process, period_leaves level {level} scope {scope}: "
                f"{units} units, p50 {ms(spent[1:], 0.5):.1f} ms"
            )
    finally:
        write_intent.reset(reading)


def _serve(database: Database, tmp: Path, token: str, source: str, each: int, repeats: int):
    """p50/p95 of each READ under USERS users, and the CPU each request cost: gunicorn's
    workers plus (PostgreSQL) the backends serving them. The machine is shared with other jobs,
    so latency moves with their load; CPU per request does not, and 2 cores ÷ it is the request
    rate this deployment could sustain alone. From the answers ("live") a read that takes over
    LIVE_ALONE_MAX seconds alone is not put under load (it would take minutes)."""
    os.environ["ROLLUP_SOURCE"] = source
    server = Server(database, tmp / f"gunicorn-{source}.log", workers=4)
    try:
        server.start(timeout=120)
        if source != "live":  # warm every worker's caches and plans
            for _name, path, params in READS:
                dashboard_users(server.base_url, token, path, params, 4, 1)
        spent: dict[str, list] = {name: [] for name, _path, _params in READS}
        alone: dict[str, list] = {name: [] for name, _path, _params in READS}
        cpu: dict[str, list] = {name: [] for name, _path, _params in READS}
        for _ in range(repeats):
            for name, path, params in READS:
                try:
                    alone[name].append(
                        dashboard_users(server.base_url, token, path, params, 1, each)
                    )
                except RuntimeError:  # gunicorn's timeout (60 s) ended the worker: a 500
                    alone[name].append([TIMEOUT])
                if source == "live" and median(alone[name][-1]) > LIVE_ALONE_MAX:
                    continue
                before = _cpu(server, database)
                spent[name].append(
                    dashboard_users(server.base_url, token, path, params, USERS, each)
                )
                after = _cpu(server, database)
                cpu[name].append(
                    [(b - a) * 1000 / (USERS * each) for a, b in zip(before, after, strict=True)]
                )
        for name, _path, _params in READS:
            one = median(ms(run, 0.5) for run in alone[name])
            if not spent[name]:
                alone_text = (
                    "over gunicorn's 60 s timeout" if one >= TIMEOUT * 1000 else (f"{one:.0f} ms")
                )
                print(f"[{database.kind}] {source:4} {name}: one user alone {alone_text}")
                continue
            p50 = median(ms(run, 0.5) for run in spent[name])
            p95 = median(ms(run, 0.95) for run in spent[name])
            workers, backends, users = (median(run[k] for run in cpu[name]) for k in range(3))
            served = workers + backends
            print(
                f"[{database.kind}] {source:4} {name}: {USERS} users p50 {p50:.0f} ms, "
                f"p95 {p95:.0f} ms; one user alone p50 {one:.0f} ms; CPU a request: gunicorn "
                f"{workers:.1f} ms + PostgreSQL {backends:.1f} ms (+ the users' own "
                f"{users:.1f} ms); 2 free cores serve {2000 / served:.0f}/s, so {USERS} users "
                f"would wait ~{USERS * served / 2:.0f} ms",
                flush=True,
            )
    finally:
        server.stop()
        os.environ.pop("ROLLUP_SOURCE", None)


def _cpu(server: Server, database: Database) -> tuple[float, float, float]:
    """CPU seconds so far: gunicorn's workers, PostgreSQL's backends serving them, and this
    process (the users' HTTP client, which shares the machine's 2 cores)."""
    backends = 0.0
    if database.kind == "postgresql":
        backends = backend_cpu_seconds(_plain(database.admin_url), database.name)
    own = resource.getrusage(resource.RUSAGE_SELF)
    return server.cpu_seconds(), backends, own.ru_utime + own.ru_stime


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _materialised_view(name: str, url: str, quarters) -> None:
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("SET jit = off")
        started = time.perf_counter()
        connection.exec_driver_sql(materialised_view_sql(db.engine, quarters))
        connection.exec_driver_sql(
            f"CREATE UNIQUE INDEX ON {MATERIALISED} "
            "(quarter, approved_only, county_id, zone, indicator)"
        )
        created = time.perf_counter() - started
        started = time.perf_counter()
        connection.execute(text(f"REFRESH MATERIALIZED VIEW CONCURRENTLY {MATERIALISED}"))
        refreshed = time.perf_counter() - started
        connection.exec_driver_sql(f"VACUUM ANALYZE {MATERIALISED}")
    print(
        f"[{name}] materialised view of the county sums: create {created:.0f} s, REFRESH "
        f"CONCURRENTLY {refreshed:.0f} s (every write waits that long to show)",
        flush=True,
    )
    plain = _plain(url)
    reads: dict[str, list] = {source: [] for source in PROVINCE_FROM}
    for _ in range(REPEATS):
        for source, sql in PROVINCE_FROM.items():
            reads[source].append(sql_users(plain, sql, quarters[-1], USERS, EACH))
    for source in PROVINCE_FROM:
        p95 = median(ms(run, 0.95) for run in reads[source])
        print(f"[{name}] province read from the {source}, {USERS} connections: p95 {p95:.1f} ms")
