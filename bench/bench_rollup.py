"""The top roll-up (the province over all counties) of all indicators for one quarter, through
the API, against the bare SQL.

For each scale (county: 213 villages × 20 quarters; province: 25,000 villages × 8 quarters) and
each database (SQLite file; PostgreSQL scratch database `bench_h3`, created and dropped here) it
generates the data (bench/generate.py), then times, in the same run and on the same database:
  - bare tallies: the one tally statement the API runs, executed and fetched (per-village rows);
  - bare aggregate: the same statement summed to one row inside the database;
  - API: GET /api/v1/rollup?level=province through the Flask test client (auth, SQL, targets,
    the pure roll-up, marshmallow, JSON).
and prints medians and the ratios API ÷ bare. Set BENCH_ROLLUP_SCALES=county to skip the
province, BENCH_PG_URL to use another server (default: postgres@127.0.0.1:5432).
"""

import os
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

from app import create_app
from app.accounts.auth import issue_token
from app.extensions import db
from app.formdefs.registry import current_forms
from app.models import User
from app.periods import parse_period
from app.rollups.tallies import tally_statement
from bench.generate import Spec, generate

SCALES = {
    "county": (Spec(townships=16, villages=213, quarters=20), 31),
    "province": (Spec(townships=1667, villages=25_000, quarters=8, counties=120), 7),
}
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432")
PG_SCRATCH = "bench_h3"


def main() -> None:
    chosen = os.environ.get("BENCH_ROLLUP_SCALES", "county,province").split(",")
    print(
        f"{'scale':9} {'db':10} {'villages':>8} {'answers':>9} {'tallies':>9} "
        f"{'aggregate':>9} {'API':>9} {'API/tallies':>11} {'API/aggregate':>13}"
    )
    for scale in chosen:
        spec, runs = SCALES[scale]
        with tempfile.TemporaryDirectory() as tmp:
            _measure(scale, "sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", spec, runs)
        pg_url = _create_pg_scratch()
        if pg_url is None:
            print(f"{scale:9} postgresql skipped: no server at {PG_SERVER}")
            continue
        try:
            _measure(scale, "postgresql", pg_url, spec, runs)
        finally:
            _drop_pg_scratch()


def _measure(scale: str, name: str, url: str, spec: Spec, runs: int) -> None:
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "bench-" + "x" * 40,
        }
    )
    with app.app_context():
        db.create_all()
        with db.engine.connect() as connection:
            made = generate(connection, spec)
        _analyse()
        token, _row = issue_token(db.session.get(User, 1))
        db.session.commit()
        period = parse_period(made.quarters[-1])
        statement = tally_statement(
            current_forms().indicators.indicators, period.start, period.end, period.code
        )
        inner = statement.subquery()
        aggregate = select(*(func.sum(c) for c in inner.c if c.name[:2] in ("n_", "d_")))

        def bare(query):
            with db.engine.connect() as connection:
                if connection.dialect.name == "postgresql":
                    connection.exec_driver_sql("SET LOCAL jit = off")  # as the app does
                return connection.execute(query).all()

        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        api_url = f"/api/v1/rollup?level=province&period={period.code}"

        def api():
            response = client.get(api_url, headers=headers)
            assert response.status_code == 200, response.get_data(as_text=True)
            return response

        tallies_ms, aggregate_ms, api_ms = _medians_ms(
            [lambda: bare(statement), lambda: bare(aggregate), api], runs
        )
        print(
            f"{scale:9} {name:10} {spec.villages:>8} {made.answers:>9} {tallies_ms:>7.1f}ms "
            f"{aggregate_ms:>7.1f}ms {api_ms:>7.1f}ms {api_ms / tallies_ms:>10.2f}× "
            f"{api_ms / aggregate_ms:>12.2f}×",
            flush=True,
        )
        db.session.remove()
        db.engine.dispose()


def _medians_ms(actions, runs: int) -> list[float]:
    """Median time of each action. The actions take turns within each run, so a change in the
    machine's load (2 cores shared with other jobs) falls on all of them alike."""
    for action in actions:
        action()  # warm caches and plans
    times = [[] for _ in actions]
    for _ in range(runs):
        for action, spent in zip(actions, times, strict=True):
            started = time.perf_counter()
            action()
            spent.append((time.perf_counter() - started) * 1000)
    return [statistics.median(spent) for spent in times]


def _analyse() -> None:
    """Fresh statistics, as autovacuum or a nightly ANALYZE would leave them."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        with db.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()


def _admin_engine():
    return create_engine(
        f"{PG_SERVER.replace('postgresql://', 'postgresql+psycopg://')}/postgres",
        isolation_level="AUTOCOMMIT",
    )


def _create_pg_scratch(name: str = PG_SCRATCH) -> str | None:
    """A fresh scratch database `name` on the bench server; None when there is no server."""
    try:
        engine = _admin_engine()
        with engine.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            connection.execute(text(f"CREATE DATABASE {name}"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means "no server to bench on"
        print(f"PostgreSQL unavailable: {exc.__class__.__name__}")
        return None
    return f"{PG_SERVER}/{name}"


def _drop_pg_scratch(name: str = PG_SCRATCH) -> None:
    engine = _admin_engine()
    with engine.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    engine.dispose()


if __name__ == "__main__":
    main()
