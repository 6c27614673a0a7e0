"""Submissions per second through gunicorn, on SQLite (WAL) and PostgreSQL, against the bare
database commit rate measured in the same run.

For each database: a fresh database (migrated, seeded, 16 inspectors with tokens), gunicorn with
4 workers on a free loopback port (sync workers, then gthread), and 200 concurrent asyncio
clients (bench/raw_http.py, one connection each) posting valid inspections with fresh UUIDs. The
bare rate is the same rows (one inspection, its 20 answers and its first revision) inserted
through SQLAlchemy Core in a loop, one transaction each, in one process: what the database
alone allows, without HTTP, JSON, validation or auth. Everything runs on the same 2 cores, the
load generator included.

CPU per submission is printed too, less sensitive than rates to what else the machine runs:
the gunicorn workers' (from /proc), PostgreSQL's backends for the scratch database, and the load
generator's own.

Environment: BENCH_REQUESTS (default 3000), BENCH_CLIENTS (200), BENCH_PG_URL (a PostgreSQL
server URL; default postgresql://postgres@127.0.0.1:5432/postgres; scratch databases
BENCH_DB_PREFIX (bench_h8) + _sub_* are made and dropped there), BENCH_WORKER_CLASSES
("sync,gthread"), BENCH_THREADS (4, per gthread worker), BENCH_DATABASES ("sqlite,postgresql").
"""

import os
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from bench.cluster import Server, postgresql_database, prepare, sqlite_database
from bench.phones import inspection_payload, load, percentile, run_async

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "3000"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "200"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
WORKER_CLASSES = os.environ.get("BENCH_WORKER_CLASSES", "sync,gthread").split(",")
THREADS = int(os.environ.get("BENCH_THREADS", "4"))  # per gthread worker
DATABASES = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
DB_PREFIX = os.environ.get("BENCH_DB_PREFIX", "bench_h8")
BARE_SECONDS = 5.0


def bare_commit_rate(database, seconds: float = BARE_SECONDS) -> float:
    """Inspections per second committed by SQLAlchemy Core alone, one transaction each."""
    from app import create_app
    from app.extensions import db
    from app.inspections.store import canonical, content_hash
    from app.models import Answer, Inspection, InspectionRevision, User, Village
    from app.periods import quarter_of

    app = create_app({"DATABASE_URL": database.url, "SECRET_KEY": "bare-" + "x" * 40})
    rng = random.Random(11)
    today = date.today() - timedelta(days=1)
    with app.app_context():
        engine = db.engine  # the app's engine: WAL, busy timeout, BEGIN IMMEDIATE on SQLite
        with engine.connect() as connection:
            user_id = connection.execute(select(User.id).limit(1)).scalar_one()
            village_id, code = connection.execute(select(Village.id, Village.code).limit(1)).one()
            connection.rollback()
        done = 0
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            payload = canonical(inspection_payload(rng, code, today))
            on = date.fromisoformat(payload["inspected_on"])
            with engine.begin() as connection:
                inspection_id = connection.execute(
                    insert(Inspection)
                    .values(
                        client_uuid=payload["client_uuid"],
                        village_id=village_id,
                        inspector_id=user_id,
                        inspected_on=on,
                        quarter=quarter_of(on),
                        year=on.year,
                        notes=payload["notes"],
                        lat=payload["location"]["lat"],
                        lon=payload["location"]["lon"],
                        content_hash=content_hash(payload),
                        form_versions={},
                        is_demo=False,
                        created_at=app_now(),
                        updated_at=app_now(),
                    )
                    .returning(Inspection.id)
                ).scalar_one()
                rows = [
                    {
                        "inspection_id": inspection_id,
                        "section": "profile",
                        "field": "households",
                        "value_num": payload["households"],
                    }
                ]
                rows += [
                    {
                        "inspection_id": inspection_id,
                        "section": section,
                        "field": key,
                        "value_num": float(value) if not isinstance(value, str) else None,
                        "value_text": value if isinstance(value, str) else None,
                    }
                    for section, answers in payload["sections"].items()
                    for key, value in answers.items()
                ]
                connection.execute(insert(Answer), rows)
                connection.execute(
                    insert(InspectionRevision).values(
                        inspection_id=inspection_id,
                        number=1,
                        payload=payload,
                        author_id=user_id,
                        created_at=app_now(),
                    )
                )
            done += 1
        rate = done / (time.perf_counter() - started)
        engine.dispose()
    return rate


def app_now():
    from app.clock import utc_now

    return utc_now()


def run_database(database, workdir: Path) -> list[dict]:
    inspectors = prepare(database)
    results = []
    for run, worker_class in enumerate(WORKER_CLASSES):
        threads = THREADS if worker_class == "gthread" else 1
        server = Server(
            database,
            workdir / f"gunicorn-{database.kind}-{worker_class}.log",
            worker_class=worker_class,
            threads=threads,
        )
        try:
            boot = server.start()
            run_async(
                load(server.base_url, inspectors, 200, 50, seed=100 + run)
            )  # warm every worker
            cpu_before, db_before = server.cpu_seconds(), database.server_cpu_seconds()
            result = run_async(load(server.base_url, inspectors, REQUESTS, CLIENTS, seed=200 + run))
            server_cpu = server.cpu_seconds() - cpu_before
            db_cpu = database.server_cpu_seconds() - db_before
            memory = server.memory()
        finally:
            server.stop()
        log = server.log_text()
        results.append(
            {
                "worker_class": worker_class,
                "threads": threads,
                "boot_s": boot,
                "server_cpu_ms": server_cpu / max(result.ok, 1) * 1000,
                "db_cpu_ms": db_cpu / max(result.ok, 1) * 1000,
                "client_cpu_ms": result.client_cpu_s / max(result.ok, 1) * 1000,
                "result": result,
                "memory": memory,
                "locked_in_log": log.count("database is locked"),
                "tracebacks_in_log": log.count("Traceback"),
            }
        )
    bare = bare_commit_rate(database)
    for row in results:
        row["bare"] = bare
    return results


def report(kind: str, rows: list[dict]) -> None:
    for row in rows:
        result = row["result"]
        rate = result.ok / result.seconds
        print(
            f"{kind:10s} {row['worker_class']:7s}x{row['threads']}  "
            f"{rate:7.1f} submissions/s  p50 {percentile(result.latencies, 0.50) * 1000:6.1f} ms  "
            f"p95 {percentile(result.latencies, 0.95) * 1000:6.1f} ms  "
            f"p99 {percentile(result.latencies, 0.99) * 1000:6.1f} ms  "
            f"errors {result.errors} {dict(result.statuses)}  "
            f"worker RSS {row['memory']['rss_mib']:.0f} MiB (PSS {row['memory']['pss_mib']:.0f}, "
            f"master {row['memory']['master_rss_mib']:.0f})  "
            f"bare commits {row['bare']:.0f}/s  ratio {rate / row['bare']:.2f}  "
            f"log: locked {row['locked_in_log']}, tracebacks {row['tracebacks_in_log']}",
            flush=True,
        )
        cpu = row["server_cpu_ms"] + row["db_cpu_ms"] + row["client_cpu_ms"]
        database = f" + PostgreSQL {row['db_cpu_ms']:.1f} ms" if kind == "postgresql" else ""
        print(
            f"{'':10s} CPU per submission: gunicorn workers {row['server_cpu_ms']:.1f} ms{database}"
            f" + load generator {row['client_cpu_ms']:.1f} ms -> {2000 / cpu:.0f} submissions/s "
            "if 2 cores were ours "
            f"(load average now {os.getloadavg()[0]:.1f}); transport errors "
            f"{dict(result.error_kinds)}",
            flush=True,
        )


def main() -> None:
    print(
        f"{REQUESTS} inspections, {CLIENTS} concurrent clients, 4 gunicorn workers, "
        f"{os.cpu_count()} cores (load generator on the same machine)"
    )
    with tempfile.TemporaryDirectory(prefix="bench-submissions-") as tmp:
        workdir = Path(tmp)
        if "sqlite" in DATABASES:
            database = sqlite_database(workdir)
            try:
                report("sqlite", run_database(database, workdir))
            finally:
                database.drop()
        if "postgresql" not in DATABASES:
            return
        try:
            database = postgresql_database(PG_URL, f"{DB_PREFIX}_sub_{os.getpid()}")
        except Exception as exc:  # noqa: BLE001 - no server: say so and go on
            print(f"postgresql skipped: {str(exc).splitlines()[0]}")
            return
        try:
            report("postgresql", run_database(database, workdir))
        finally:
            database.drop()


if __name__ == "__main__":
    main()
