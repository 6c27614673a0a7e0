"""In-process CPU a request of the province reads, their statement counts, and a cProfile of one:
the figures least moved by a shared machine (issue 21's follow-up).

`python -m bench.profile_reads [READ ...]` on BENCH_PROFILE_DB (a SQLite file, made once with
bench/generate.py and `rebuild-summary` if missing: 6,000 villages, 120 counties, 30 quarters by
default, BENCH_PROFILE_VILLAGES), or on a PostgreSQL URL given as BENCH_PROFILE_DB. Each read
of bench/bench_province.READS is sent through the Flask test client (the API's real path: auth,
SQL, roll-up, marshmallow, JSON) warm, REQUESTS times; printed: the process's CPU ms a request
(median of 5 rounds), wall ms, statements a request. BENCH_PROFILE=NAME (a read's name or a
unique part of it) also prints the cProfile of that read, by own time and by cumulative time.
"""

import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import event

from app import create_app
from app.accounts.auth import issue_token
from app.extensions import db
from app.models import User
from app.rollups.summary import quarter as quarter_summary
from bench.bench_province import READS
from bench.bench_province import SPEC as PROVINCE_SPEC
from bench.generate import Spec, generate

VILLAGES = int(os.environ.get("BENCH_PROFILE_VILLAGES", "6000"))
SPEC = Spec(
    townships=max(VILLAGES * 1667 // 25_000, 1),
    villages=VILLAGES,
    quarters=30,
    last_quarter=PROVINCE_SPEC.last_quarter,
    counties=120,
)
TARGET = os.environ.get("BENCH_PROFILE_DB", "/tmp/cunjian-profile-reads.sqlite3")
REQUESTS, ROUNDS = int(os.environ.get("BENCH_PROFILE_REQUESTS", "20")), 5


def main(chosen: list[str]) -> None:
    url = TARGET if "://" in TARGET else f"sqlite:///{TARGET}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-" + "x" * 40})
    with app.app_context():
        if "://" not in TARGET and not Path(TARGET).exists() or _empty():
            _build()
        token, _row = issue_token(db.session.get(User, 1))
        db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    profiled = os.environ.get("BENCH_PROFILE", "")
    for name, path, params in READS:
        if chosen and not any(c in name for c in chosen):
            continue
        send = lambda p=path, q=params: _ok(client.get(p, query_string=q, headers=headers))  # noqa: E731
        send()
        send()  # warm: caches, statements
        statements = _count_statements(app, send)
        cpu, wall = [], []
        for _ in range(ROUNDS):
            started_cpu, started = time.process_time(), time.perf_counter()
            for _ in range(REQUESTS):
                send()
            cpu.append((time.process_time() - started_cpu) * 1000 / REQUESTS)
            wall.append((time.perf_counter() - started) * 1000 / REQUESTS)
        print(
            f"{name}: CPU {statistics.median(cpu):.1f} ms a request (min {min(cpu):.1f}), "
            f"wall {statistics.median(wall):.1f} ms, {statements} statements",
            flush=True,
        )
        if profiled and profiled in name:
            _profile(send)


def _ok(response):
    if response.status_code != 200:
        raise RuntimeError(f"{response.status_code} {response.get_data(as_text=True)[:300]}")
    return response


def _empty() -> bool:
    from sqlalchemy import inspect

    return not inspect(db.engine).has_table("villages")


def _build() -> None:
    print(f"building {SPEC} at {TARGET} (once)", flush=True)
    db.create_all()
    with db.engine.connect() as connection:
        generate(connection, SPEC)
    quarter_summary.rebuild(db.session.connection())
    db.session.commit()


def _count_statements(app, send) -> int:
    seen = []

    def note(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("BEGIN", "SET LOCAL")):
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        send()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return len(seen)


def _profile(send) -> None:
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(REQUESTS):
        send()
    profile.disable()
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(order).print_stats(35)
        print(out.getvalue())


if __name__ == "__main__":
    main(sys.argv[1:])
