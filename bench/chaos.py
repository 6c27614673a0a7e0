"""The no-lost-writes check, shared by tests/house/test_chaos.py (small) and
bench/bench_chaos.py (full).

Phones send inspections through a faulty network to gunicorn while workers are SIGKILLed; then
the whole server (master and workers) is SIGKILLed during writes and started again, and the
phones carry on until every inspection is acknowledged. Afterwards the database must hold exactly
the acknowledged inspections: one row per UUID, none missing, each with all its answers and its
first revision, under the id the server acknowledged; no 5xx and no "database is locked"
anywhere; and on SQLite `PRAGMA integrity_check` says ok, after the crash and at the end.
"""

import asyncio
import random
import re
import sqlite3
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import text

from bench.cluster import Database, Server, prepare
from bench.phones import ANSWERS_PER_INSPECTION, Faults, Ledger, phone, run_async

SERVER_ERROR_LINE = re.compile(r'" 5\d\d ')  # gunicorn's access log: "POST ... HTTP/1.1" 500 ...


@dataclass
class ChaosPlan:
    phones: int = 20
    per_phone: int = 25
    faults: Faults = field(default_factory=Faults)
    kill_worker_every_s: float | None = None  # a random worker, again and again
    kill_worker_at_acks: int | None = None  # or once, when this many are acknowledged
    kill_server_at_acks: int | None = None  # master and workers, then restart
    seed: int = 20261128


@dataclass
class ChaosReport:
    sent: int = 0
    acknowledged: int = 0
    rows: int = 0
    duplicates: int = 0
    missing: int = 0
    unacknowledged_rows: int = 0
    wrong_id: int = 0
    incomplete: int = 0  # rows without all their answers or their revision
    workers_killed: int = 0
    server_killed: bool = False
    integrity_after_crash: str = "n/a"
    integrity_at_end: str = "n/a"
    restart_serving_s: float | None = None
    seconds: float = 0.0
    ledger: Ledger | None = None
    log_server_errors: int = 0
    log_locked: int = 0
    log_tracebacks: int = 0

    def problems(self) -> list[str]:
        """Everything that breaks the promise; empty when nothing was lost or doubled."""
        ledger = self.ledger
        found = []
        checks = [
            (
                self.rows == self.acknowledged,
                f"rows {self.rows} != acknowledged {self.acknowledged}",
            ),
            (self.duplicates == 0, f"{self.duplicates} duplicated UUIDs"),
            (self.missing == 0, f"{self.missing} acknowledged inspections missing"),
            (self.unacknowledged_rows == 0, f"{self.unacknowledged_rows} rows never acknowledged"),
            (self.wrong_id == 0, f"{self.wrong_id} rows under another id than acknowledged"),
            (self.incomplete == 0, f"{self.incomplete} rows without all answers/revision"),
            (ledger.gave_up == 0, f"{ledger.gave_up} inspections given up by phones"),
            (ledger.id_mismatches == 0, f"{ledger.id_mismatches} replays answered another id"),
            (
                not [s for s in ledger.statuses if s >= 500],
                f"server errors {dict(ledger.statuses)}",
            ),
            (
                not [s for s in ledger.statuses if s not in (200, 201)],
                f"unexpected statuses {dict(ledger.statuses)}",
            ),
            (not ledger.bodies_with_errors, f"error bodies {ledger.bodies_with_errors[:3]}"),
            (self.log_server_errors == 0, f"{self.log_server_errors} 5xx in the access log"),
            (self.log_locked == 0, f"{self.log_locked} 'database is locked' in the log"),
            (
                self.integrity_after_crash in ("ok", "n/a"),
                f"after crash: {self.integrity_after_crash}",
            ),
            (self.integrity_at_end in ("ok", "n/a"), f"at end: {self.integrity_at_end}"),
        ]
        for ok, problem in checks:
            if not ok:
                found.append(problem)
        return found


def run_chaos(
    database: Database, workdir: Path, plan: ChaosPlan, workers: int = 4, preload: bool = False
) -> ChaosReport:
    """`preload`: gunicorn --preload (the app imported once, workers forked ready to serve)."""
    inspectors = prepare(database)
    log_path = Path(workdir) / f"chaos-{database.kind}.log"
    server = Server(database, log_path, workers=workers, access_log=True, preload=preload)
    report = ChaosReport()
    ledger = Ledger()
    try:
        server.start()
        started = time.perf_counter()
        run_async(_drive(server, inspectors, plan, ledger, report))
        report.seconds = time.perf_counter() - started
    finally:
        server.stop()
    log = server.log_text()
    report.log_server_errors = len(SERVER_ERROR_LINE.findall(log))
    report.log_locked = log.count("database is locked")
    report.log_tracebacks = log.count("Traceback")
    report.ledger = ledger
    report.sent = len(ledger.sent)
    report.acknowledged = len(ledger.acknowledged)
    _check_database(database, ledger, report)
    if database.kind == "sqlite":
        report.integrity_at_end = integrity(database.path)
    return report


async def _drive(
    server: Server, inspectors, plan: ChaosPlan, ledger: Ledger, report: ChaosReport
) -> None:
    rng = random.Random(plan.seed)
    today = date.today() - timedelta(days=1)
    restarting = asyncio.Event()
    phones = [
        asyncio.create_task(
            phone(
                server.base_url,
                inspectors[n % len(inspectors)],
                plan.per_phone,
                plan.seed + n,
                ledger,
                plan.faults,
                today,
            )
        )
        for n in range(plan.phones)
    ]
    chaos = []

    async def acks_reach(count: int):
        while len(ledger.acknowledged) < count and not all(p.done() for p in phones):
            await asyncio.sleep(0.02)

    async def kill_workers_periodically():
        while not all(p.done() for p in phones):
            await asyncio.sleep(plan.kill_worker_every_s)
            if not restarting.is_set() and server.kill_worker(rng):
                report.workers_killed += 1

    async def kill_worker_once():
        await acks_reach(plan.kill_worker_at_acks)
        if server.kill_worker(rng):
            report.workers_killed += 1

    async def kill_whole_server():
        await acks_reach(plan.kill_server_at_acks)
        if all(p.done() for p in phones):
            return
        restarting.set()
        server.kill_all()
        report.server_killed = True
        if server.database.kind == "sqlite":
            report.integrity_after_crash = await asyncio.to_thread(integrity, server.database.path)
        report.restart_serving_s = await asyncio.to_thread(server.start, 60.0, False)
        restarting.clear()

    if plan.kill_worker_every_s:
        chaos.append(asyncio.create_task(kill_workers_periodically()))
    if plan.kill_worker_at_acks:
        chaos.append(asyncio.create_task(kill_worker_once()))
    if plan.kill_server_at_acks:
        chaos.append(asyncio.create_task(kill_whole_server()))
    await asyncio.gather(*phones)
    await asyncio.gather(*chaos)


def _check_database(database: Database, ledger: Ledger, report: ChaosReport) -> None:
    engine = database.engine()
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT i.client_uuid, i.id,"
                " (SELECT count(*) FROM answers a WHERE a.inspection_id = i.id),"
                " (SELECT count(*) FROM inspection_revisions r WHERE r.inspection_id = i.id)"
                " FROM inspections i"
            )
        ).all()
    engine.dispose()
    stored: dict[str, int] = {}
    for client_uuid, inspection_id, answers, revisions in rows:
        key = str(uuid.UUID(str(client_uuid)))
        if key in stored:
            report.duplicates += 1
        stored[key] = inspection_id
        if answers != ANSWERS_PER_INSPECTION or revisions != 1:
            report.incomplete += 1
    acknowledged = {str(uuid.UUID(k)): v for k, v in ledger.acknowledged.items()}
    report.rows = len(rows)
    report.missing = len(acknowledged.keys() - stored.keys())
    report.unacknowledged_rows = len(stored.keys() - acknowledged.keys())
    report.wrong_id = sum(1 for k, v in acknowledged.items() if k in stored and stored[k] != v)


def integrity(path: Path) -> str:
    connection = sqlite3.connect(path, timeout=30)
    try:
        return ", ".join(row[0] for row in connection.execute("PRAGMA integrity_check"))
    finally:
        connection.close()


def describe(kind: str, report: ChaosReport) -> str:
    ledger = report.ledger
    restart = "-" if report.restart_serving_s is None else f"{report.restart_serving_s:.1f} s"
    return (
        f"{kind}: {report.sent} sent, {report.acknowledged} acknowledged, {report.rows} rows, "
        f"{report.duplicates} duplicates, {report.missing} missing, {report.incomplete} "
        f"incomplete | faults: {ledger.dropped} responses dropped, {ledger.cut} uploads cut, "
        f"{report.workers_killed} workers killed, {ledger.transport_errors} connection errors, "
        f"server killed: {report.server_killed}, serving again after {restart} | "
        f"statuses {dict(sorted(ledger.statuses.items()))}, replays {ledger.replays} | "
        f"log: 5xx {report.log_server_errors}, locked {report.log_locked}, "
        f"tracebacks {report.log_tracebacks} | integrity after crash "
        f"{report.integrity_after_crash}, at end {report.integrity_at_end} | "
        f"{report.seconds:.1f} s"
    )
