"""The village table export at province size: streamed (today) against the ways it was made before.

It generates a province (25,000 villages over 1,666 townships, one quarter; bench/generate.py)
into a scratch SQLite file and, when a server answers, a scratch PostgreSQL database
`bench_hd` (created and dropped here). Then, on the same data in the same run, for the
village CSV and XLSX exports of the whole province:
  - streamed: GET /dashboard/export/villages.<fmt> through the Flask test client, unbuffered,
    the body read chunk by chunk and dropped (as a socket would);
  - in memory: the first version (bench/export_baselines.py): two roll-ups, every row in a
    list, the whole CSV in a string / the whole workbook in openpyxl's normal mode;
  - temp file (XLSX only): the version just before this one: openpyxl's write-only mode into a
    temporary file, sent in 64 KB chunks once complete.
It prints the time to the first byte, the total time, and the peak Python memory of the export
(tracemalloc, in a separate pass so its overhead does not touch the times), next to the peak of
the village roll-up alone (which every way holds: the rows are made from its results), the
ratios of the older ways to the streamed one, and the peak of the writer alone (from a roll-up
already in memory), the part that grows with the file. Aim: first byte within 2 s, the
writer's memory bounded (not growing with the province).

Set BENCH_EXPORT_VILLAGES for another size, BENCH_EXPORT_RUNS for the timed runs (3),
BENCH_EXPORT_DATABASES (sqlite,postgresql) to skip one, BENCH_PG_URL for another server.
"""

import io
import os
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

from openpyxl import load_workbook
from werkzeug.security import generate_password_hash

from app import create_app
from app.exports import tables as exports
from app.extensions import db
from app.models import User
from app.rollups import reports
from app.views.dashboard.context import indicator_infos
from app.views.dashboard.export_routes import _words
from app.views.dashboard.tables import township_code_of
from bench.bench_rollup import PG_SERVER, _analyse, _create_pg_scratch, _drop_pg_scratch
from bench.export_baselines import (
    SHEET_TITLE,
    in_memory_export,
    old_csv,
    old_xlsx,
    temp_file_export,
    write_only_xlsx,
)
from bench.generate import Spec, generate

VILLAGES = int(os.environ.get("BENCH_EXPORT_VILLAGES", "25000"))
SPEC = Spec(townships=max(1, VILLAGES * 16 // 240), villages=VILLAGES, quarters=1)
PG_SCRATCH = "bench_hd"
RUNS = int(os.environ.get("BENCH_EXPORT_RUNS", "3"))
DATABASES = os.environ.get("BENCH_EXPORT_DATABASES", "sqlite,postgresql").split(",")
PASSWORD = "bench-exports-password"
AIM_FIRST_BYTE_S = 2.0


def main() -> None:
    print(
        f"{'db':10} {'fmt':4} {'way':9} {'first byte':>10} {'total':>8} {'peak MiB':>8} "
        f"{'writer MiB':>9} {'size MiB':>8}"
    )
    if "sqlite" in DATABASES:
        with tempfile.TemporaryDirectory() as tmp:
            _measure("sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
    if "postgresql" not in DATABASES:
        return
    pg_url = _create_pg_scratch(PG_SCRATCH)
    if pg_url is None:
        print(f"postgresql skipped: no server at {PG_SERVER}")
        return
    try:
        _measure("postgresql", pg_url)
    finally:
        _drop_pg_scratch(PG_SCRATCH)


def _measure(name: str, url: str) -> None:
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
            made = generate(connection, SPEC)
        _analyse()
        db.session.get(User, 1).password_hash = generate_password_hash(PASSWORD)
        db.session.commit()
        db.session.remove()
    period = made.quarters[-1]
    client = app.test_client()
    response = client.post("/login", data={"username": "bench", "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    rollup_peak = _peak_mib(lambda: _rollup_alone(app, period))
    print(f"{name:10} {'':4} {'roll-up':9} {'':>10} {'':>8} {rollup_peak:>8.1f}")

    for fmt in ("csv", "xlsx"):
        ways = {
            "streamed": lambda keep=False, fmt=fmt: _streamed(client, fmt, period, keep),
            "in memory": lambda keep=False, fmt=fmt: in_memory_export(app, fmt, period),
        }
        if fmt == "xlsx":
            ways["temp file"] = lambda keep=False: temp_file_export(app, period, keep)
        bodies = {way: run(keep=True)[2] for way, run in ways.items()}  # also warms the caches
        _assert_same_table(fmt, bodies)
        firsts, totals = {way: [] for way in ways}, {way: [] for way in ways}
        for _ in range(RUNS):  # the ways take turns, so a change in load falls on all
            for way, run in ways.items():
                first, total, _body = run()
                firsts[way].append(first)
                totals[way].append(total)
        first = {way: statistics.median(times) for way, times in firsts.items()}
        total = {way: statistics.median(times) for way, times in totals.items()}
        peak = {way: _peak_mib(run) for way, run in ways.items()}
        writer, writer_tenth = _writer_peaks_mib(app, fmt, period)
        for way in ways:
            print(
                f"{name:10} {fmt:4} {way:9} {first[way]:>9.3f}s {total[way]:>7.2f}s "
                f"{peak[way]:>8.1f} {writer[way]:>9.1f} {len(bodies[way]) / 2**20:>8.1f}"
            )
        for way in list(ways)[1:]:
            ratio = {
                figure: values[way] / values["streamed"]
                for figure, values in (("first", first), ("total", total), ("peak", peak))
            }
            print(
                f"{name:10} {fmt:4} {way} ÷ streamed: first byte {_times(ratio['first'])}, "
                f"total {_times(ratio['total'])}, peak memory {_times(ratio['peak'])}, "
                f"writer alone {_times(writer[way] / writer['streamed'])}"
            )
        print(
            f"{name:10} {fmt:4} streamed: first byte within {AIM_FIRST_BYTE_S:.0f} s: "
            f"{'yes' if first['streamed'] <= AIM_FIRST_BYTE_S else 'NO'}; peak ÷ roll-up alone "
            f"{peak['streamed'] / rollup_peak:.2f}×; writer alone {writer['streamed']:.2f} MiB "
            f"for {VILLAGES:,} rows, {writer_tenth:.2f} MiB for a tenth of them",
            flush=True,
        )
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _streamed(client, fmt: str, period: str, keep: bool = False) -> tuple[float, float, bytes]:
    """Seconds to the first chunk, seconds to the last, and the body if `keep` (for the check
    only: the timed and traced passes drop each chunk as a socket would)."""
    started = time.perf_counter()
    response = client.get(f"/dashboard/export/villages.{fmt}?period={period}", buffered=False)
    assert response.status_code == 200 and response.is_streamed
    chunks = iter(response.response)
    body = [next(chunks)]
    first = time.perf_counter() - started
    for chunk in chunks:
        if keep:
            body.append(chunk)
    response.close()
    return first, time.perf_counter() - started, b"".join(body)


def _writer_peaks_mib(app, fmt: str, period: str) -> tuple[dict[str, float], float]:
    """Peak memory of writing the file only, from a roll-up already in memory: the part that
    grows with the file, per way; and the streamed writer's over a tenth of the rows (the same
    when the writer holds nothing per row). Streamed: the rows made one at a time, the chunks
    dropped. In memory: the list of rows and the whole body. Temp file: openpyxl write-only."""
    with app.test_request_context(f"/dashboard/export/villages.{fmt}?period={period}"):
        units = reports.rollup(period, "village", None)
        names = {t.code: t.name for t in reports.rollup(period, "township")}
        township_names = {u.code: names.get(township_code_of(u.code), "") for u in units}
        indicators = [(i.key, i.label) for i in indicator_infos()]
        words = _words()
        header = exports.header(indicators, words, with_township=True)

        def streamed(share=units):
            rows = exports.rows(share, indicators, words, township_names)
            chunks = (
                exports.iter_csv(header, rows)
                if fmt == "csv"
                else exports.iter_xlsx(header, rows, SHEET_TITLE)
            )
            for _chunk in chunks:
                pass

        def in_memory():
            _header, rows = exports.table(units, indicators, words, township_names)
            return old_csv(header, rows) if fmt == "csv" else old_xlsx(header, rows)

        def temp_file():
            rows = exports.rows(units, indicators, words, township_names)
            with tempfile.TemporaryFile() as spool:
                write_only_xlsx(spool, header, rows)

        peaks = {"streamed": _peak_mib(streamed), "in memory": _peak_mib(in_memory)}
        if fmt == "xlsx":
            peaks["temp file"] = _peak_mib(temp_file)
        tenth = _peak_mib(lambda: streamed(units[: max(1, len(units) // 10)]))
        db.session.remove()
    return peaks, tenth


def _times(ratio: float) -> str:
    return f"{ratio:.0f}×" if ratio >= 10 else f"{ratio:.2f}×"


def _rollup_alone(app, period: str) -> None:
    with app.test_request_context("/"):
        reports.rollup(period, "village", None)
        db.session.remove()


def _peak_mib(action) -> float:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _assert_same_table(fmt: str, bodies: dict[str, bytes]) -> None:
    """Every way holds the same table: the same CSV bytes, or the same XLSX cell values."""
    if fmt == "csv":
        assert bodies["streamed"] == bodies["in memory"], "the streamed CSV differs"
        return

    def values(data):
        sheet = load_workbook(io.BytesIO(data), read_only=True).active
        return list(sheet.iter_rows(values_only=True))

    expected = values(bodies["streamed"])
    for way in ("in memory", "temp file"):
        assert values(bodies[way]) == expected, f"the streamed XLSX differs from the {way} one"


if __name__ == "__main__":
    main()
