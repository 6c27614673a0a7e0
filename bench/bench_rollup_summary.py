"""Quarter roll-ups at province scale from the answers ("live") vs the village × quarter summary
(app/quarter_summary.py, ROLLUP_SOURCE="summary"), and what keeping the summary costs a write.

For SQLite (a scratch file) and PostgreSQL (scratch database `bench_h9`, created and dropped
here), on 25,000 villages × 8 quarters from bench/generate.py, in the same run:
  - rebuild: `rebuild-summary` from scratch (the generator bypasses the app);
  - the one-quarter province roll-up (reports.rollup, all indicators): live vs summary medians;
  - the same summary roll-up from 20 threads at once (each its own app context): p50/p95;
  - a 30-quarter province trend of one indicator: summary p95, live once;
  - store_inspection one at a time: submissions per second with the summary kept and without;
  - PostgreSQL only: a materialised view of the same tallies, its REFRESH … CONCURRENTLY time.
BENCH_SUMMARY_VILLAGES=2000 runs a smaller province, BENCH_SUMMARY_DATABASES=postgresql one
database; BENCH_PG_URL picks another server.
"""

import os
import statistics
import tempfile
import threading
import time
import uuid
from datetime import date
from pathlib import Path

from sqlalchemy import event, text
from sqlalchemy.orm import Session

from app import create_app, quarter_summary
from app.db import write_intent
from app.demo_plan import VillagePlan
from app.extensions import db
from app.forms_registry import current_forms
from app.models import User, Village
from app.periods import parse_period, previous_quarters
from app.reports import rollup, trend
from app.submissions import store_inspection
from app.tallies import tally_statement
from bench.bench_rollup import _admin_engine, _analyse
from bench.generate import Spec, generate

VILLAGES = int(os.environ.get("BENCH_SUMMARY_VILLAGES", "25000"))
SPEC = Spec(
    townships=max(VILLAGES // 15, 1),
    villages=VILLAGES,
    quarters=8,
    counties=max(VILLAGES // 210, 1),
)
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432")
PG_SCRATCH = "bench_h9"
DATABASES = os.environ.get("BENCH_SUMMARY_DATABASES", "sqlite,postgresql").split(",")
CALLERS, CALLS_EACH = 20, 5
WRITES = 100
TODAY = date(2026, 11, 28)


def main() -> None:
    print(f"{SPEC.villages} villages × {SPEC.quarters} quarters, province roll-up of one quarter")
    if "sqlite" in DATABASES:
        with tempfile.TemporaryDirectory() as tmp:
            _measure("sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
    if "postgresql" not in DATABASES:
        return
    if not _scratch("create"):
        print("postgresql skipped: no server")
        return
    try:
        _measure("postgresql", f"{PG_SERVER}/{PG_SCRATCH}")
    finally:
        _scratch("drop")


def _measure(name: str, url: str) -> None:
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": "bench-" + "x" * 40,
            # every caller holds a connection at once (SQLite's default pool holds 5 + 10)
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": CALLERS + 2, "max_overflow": 2},
        }
    )
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        with db.engine.connect() as connection:
            made = generate(connection, SPEC)
        print(f"[{name}] generated {made.answers} answers in {time.perf_counter() - started:.0f} s")
        _analyse()  # without statistics PostgreSQL plans the rebuild's tallies badly (minutes)
        started = time.perf_counter()
        rows = quarter_summary.rebuild(db.session.connection())
        db.session.commit()
        rebuild_s = time.perf_counter() - started
        _analyse()
        print(f"[{name}] rebuild-summary: {rows} rows in {rebuild_s:.1f} s", flush=True)

        quarter = made.quarters[-1]
        live = _timed(lambda: _rollup(app, "live", quarter), 3)
        kept = _timed(lambda: _rollup(app, "summary", quarter), 9)
        _assert_same(_rollup(app, "live", quarter), _rollup(app, "summary", quarter))
        print(
            f"[{name}] one quarter, province: live {_ms(live, 50)} ms, summary {_ms(kept, 50)} ms "
            f"(p50); live ÷ summary = {statistics.median(live) / statistics.median(kept):.0f}×"
        )
        concurrent, per_second = _concurrent(app, quarter)
        print(
            f"[{name}] summary, {CALLERS} callers × {CALLS_EACH}: p50 {_ms(concurrent, 50)} ms, "
            f"p95 {_ms(concurrent, 95)} ms, {per_second:.0f} roll-ups/s in all (one process, "
            f"one GIL; one caller alone: p50 {_ms(kept, 50)} ms)"
        )
        quarters = previous_quarters(quarter, 30)
        trend_kept = _timed(lambda: _trend(app, "summary", quarters), 20)
        trend_live = _timed(lambda: _trend(app, "live", quarters), 1)
        print(
            f"[{name}] 30-quarter province trend: summary p50 {_ms(trend_kept, 50)} ms, "
            f"p95 {_ms(trend_kept, 95)} ms; live once {_ms(trend_live, 50)} ms"
        )
        with_summary = _writes(app, keep_summary=True)
        without = _writes(app, keep_summary=False)
        print(
            f"[{name}] store_inspection: {with_summary:.0f}/s with the summary kept, "
            f"{without:.0f}/s without ({without / with_summary:.2f}× as many)",
            flush=True,
        )
        if db.engine.dialect.name == "postgresql":
            _materialised_view(name, made.quarters)
        db.session.remove()
        db.engine.dispose()


def _rollup(app, source: str, quarter: str):
    app.config["ROLLUP_SOURCE"] = source
    reading = write_intent.set(False)
    try:
        result = rollup(quarter, "province", approved_only=False)
        db.session.rollback()  # end the read, as a request would
        return result
    finally:
        app.config["ROLLUP_SOURCE"] = "live"
        write_intent.reset(reading)


def _assert_same(live, kept) -> None:
    """Same villages and sums (up to float addition order): the bench measures the right thing."""
    for a, b in zip(live, kept, strict=True):
        assert a.villages_reported == b.villages_reported
        for key, result in a.indicators.items():
            other = b.indicators[key]
            assert other.villages_reported == result.villages_reported
            assert abs(other.numerator - result.numerator) <= 1e-9 * max(1, result.numerator)


def _trend(app, source: str, quarters):
    app.config["ROLLUP_SOURCE"] = source
    reading = write_intent.set(False)
    try:
        code = app.config["PROVINCE_CODE"]
        result = trend("clean_heating", "province", code, quarters, approved_only=False)
        db.session.rollback()
        return result
    finally:
        app.config["ROLLUP_SOURCE"] = "live"
        write_intent.reset(reading)


def _concurrent(app, quarter: str) -> list[float]:
    """Every caller in its own thread and app context (its own session and connection)."""
    app.config["ROLLUP_SOURCE"] = "summary"
    spent: list[float] = []
    failures: list[BaseException] = []
    lock, gate = threading.Lock(), threading.Barrier(CALLERS)

    def caller():
        write_intent.set(False)  # a GET request's deferred read (BEGIN IMMEDIATE would queue)
        with app.app_context():
            gate.wait()
            try:
                for _ in range(CALLS_EACH):
                    started = time.perf_counter()
                    rollup(quarter, "province", approved_only=False)
                    db.session.rollback()
                    with lock:
                        spent.append(time.perf_counter() - started)
            except Exception as exc:  # noqa: BLE001 - reported below, from the main thread
                failures.append(exc)
            db.session.remove()

    threads = [threading.Thread(target=caller) for _ in range(CALLERS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    wall = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} callers failed") from failures[0]
    app.config["ROLLUP_SOURCE"] = "live"
    return spent, len(spent) / wall


def _writes(app, keep_summary: bool) -> float:
    """Submissions per second, one at a time, each its own transaction (as a request)."""
    forms = current_forms()
    schema = forms.inspection_schemas["en"](today=TODAY)
    actor = db.session.get(User, 1)
    codes = db.session.scalars(db.select(Village.code).order_by(Village.id).limit(WRITES)).all()
    payloads = []
    for code in codes:
        raw = VillagePlan(code, "plain", 300).submission("2026Q3", 0.5, TODAY)
        raw["client_uuid"] = str(uuid.uuid4())
        payloads.append(raw)
    db.session.rollback()
    if not keep_summary:  # bench only: take the bookkeeping off every session for this run
        event.remove(Session, "before_commit", quarter_summary._recompute_noted)
    try:
        started = time.perf_counter()
        for raw in payloads:
            store_inspection(schema.load(raw), actor, forms.form_set)
        return len(payloads) / (time.perf_counter() - started)
    finally:
        if not keep_summary:
            event.listen(Session, "before_commit", quarter_summary._recompute_noted)
            db.session.info.clear()


def _materialised_view(name: str, quarters) -> None:
    """The same tallies as a materialised view over every quarter and both settings."""
    indicators = current_forms().indicators.indicators
    first, last = parse_period(quarters[0]).start, parse_period(quarters[-1]).end
    parts = []
    for approved_only in (False, True):
        statement = tally_statement(
            indicators, first, last, "", by_quarter=True, approved_only=approved_only
        )
        sql = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
        parts.append(f"SELECT {approved_only} AS approved_only, t.* FROM ({sql}) AS t")
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("SET jit = off")
        started = time.perf_counter()
        connection.exec_driver_sql(
            "CREATE MATERIALIZED VIEW quarter_tallies AS " + " UNION ALL ".join(parts)
        )
        connection.exec_driver_sql(
            "CREATE UNIQUE INDEX ON quarter_tallies (period, approved_only, village_id)"
        )
        created = time.perf_counter() - started
        started = time.perf_counter()
        connection.exec_driver_sql("REFRESH MATERIALIZED VIEW CONCURRENTLY quarter_tallies")
        refreshed = time.perf_counter() - started
        connection.exec_driver_sql("VACUUM ANALYZE quarter_tallies")
        quarter = quarters[-1]
        read = _timed(
            lambda: connection.exec_driver_sql(
                "SELECT * FROM quarter_tallies WHERE period = %s AND NOT approved_only",
                (quarter,),
            ).all(),
            9,
        )
    print(
        f"[{name}] materialised view: create {created:.1f} s, REFRESH CONCURRENTLY "
        f"{refreshed:.1f} s (every write waits for the next refresh), one quarter's rows read "
        f"in {_ms(read, 50)} ms"
    )


def _timed(action, runs: int) -> list[float]:
    action()  # warm caches and plans
    spent = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        spent.append(time.perf_counter() - started)
    return spent


def _ms(seconds: list[float], percentile: int) -> str:
    ordered = sorted(seconds)
    index = min(len(ordered) - 1, round(percentile / 100 * (len(ordered) - 1)))
    return f"{ordered[index] * 1000:.0f}"


def _scratch(action: str) -> bool:
    try:
        engine = _admin_engine()
        with engine.connect() as connection:
            force = " WITH (FORCE)" if action == "drop" else ""
            connection.execute(text(f"DROP DATABASE IF EXISTS {PG_SCRATCH}{force}"))
            if action == "create":
                connection.execute(text(f"CREATE DATABASE {PG_SCRATCH}"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means "no server to bench on"
        print(f"PostgreSQL unavailable: {exc.__class__.__name__}")
        return False
    return True


if __name__ == "__main__":
    main()
