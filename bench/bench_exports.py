"""The village table export at province size: streamed (today) against built in memory (before).

It generates a province (25,000 villages over 1,666 townships, one quarter; bench/generate.py)
into a scratch SQLite file and, when a server answers, a scratch PostgreSQL database
`bench_h10` (created and dropped here). Then, on the same data in the same run, for the
village CSV and XLSX exports of the whole province:
  - streamed: GET /dashboard/export/villages.<fmt> through the Flask test client, unbuffered,
    the body read chunk by chunk and dropped (as a socket would);
  - in memory: the route as it was before streaming, reproduced below (`_old_export`): the
    village roll-up, a second (township) roll-up for the names, every row in a list, the whole
    CSV in a string / the whole workbook in openpyxl's normal mode, then the bytes.
It prints the time to the first byte, the total time, and the peak Python memory of the export
(tracemalloc, in a separate pass so its overhead does not touch the times), next to the peak of
the village roll-up alone (which both ways hold: the rows are made from its results), and the
ratios in-memory ÷ streamed, and the peak of the writer alone (from a roll-up already in
memory), the part that grows with the file. Aim: first byte within 2 s (the CSV sends its
header before the roll-up runs; an XLSX, a zip, only once it is complete), memory bounded by
the roll-up's.

Set BENCH_EXPORT_VILLAGES for another size, BENCH_EXPORT_RUNS for the timed runs (3),
BENCH_PG_URL for another PostgreSQL server.
"""

import csv
import io
import os
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from werkzeug.security import generate_password_hash

from app import create_app, exports, reports
from app.dashboard.context import indicator_infos
from app.dashboard.export_routes import _words
from app.dashboard.tables import township_code_of
from app.extensions import db
from app.models import User
from bench.bench_rollup import PG_SERVER, _analyse, _create_pg_scratch, _drop_pg_scratch
from bench.generate import Spec, generate

VILLAGES = int(os.environ.get("BENCH_EXPORT_VILLAGES", "25000"))
SPEC = Spec(townships=max(1, VILLAGES * 16 // 240), villages=VILLAGES, quarters=1)
PG_SCRATCH = "bench_h10"
RUNS = int(os.environ.get("BENCH_EXPORT_RUNS", "3"))
PASSWORD = "bench-exports-password"


def main() -> None:
    print(
        f"{'db':10} {'fmt':4} {'way':9} {'first byte':>10} {'total':>8} {'peak MiB':>8} "
        f"{'size MiB':>8}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        _measure("sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
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
        streamed = lambda fmt=fmt: _streamed(client, fmt, period)  # noqa: E731
        in_memory = lambda fmt=fmt: _old_export(app, fmt, period)  # noqa: E731
        new_body = _streamed(client, fmt, period, keep=True)[2]  # also warms the caches
        old_body = in_memory()[1]
        if fmt == "csv":
            assert new_body == old_body, "the streamed CSV differs from the in-memory one"
        else:
            _assert_same_cells(new_body, old_body)
        new_first, new_total, old_total = [], [], []
        for _ in range(RUNS):  # the two ways take turns, so a change in load falls on both
            first, total, _body = streamed()
            new_first.append(first)
            new_total.append(total)
            old_total.append(in_memory()[0])
        new_peak = _peak_mib(streamed)
        old_peak = _peak_mib(in_memory)
        size = len(new_body) / 2**20
        nf, nt, ot = (statistics.median(x) for x in (new_first, new_total, old_total))
        new_writer, old_writer = _writer_peaks_mib(app, fmt, period)
        for way, first, total, peak in (
            ("streamed", nf, nt, new_peak),
            ("in memory", ot, ot, old_peak),
        ):
            print(
                f"{name:10} {fmt:4} {way:9} {first:>9.3f}s {total:>7.2f}s {peak:>8.1f} {size:>8.1f}"
            )
        print(
            f"{name:10} {fmt:4} in memory ÷ streamed: first byte {ot / nf:.1f}×, total "
            f"{ot / nt:.2f}×, peak memory {old_peak / new_peak:.2f}× (streamed peak ÷ roll-up "
            f"alone {new_peak / rollup_peak:.2f}×); writer alone, after the roll-up: "
            f"{old_writer:.1f} ÷ {new_writer:.1f} MiB = {old_writer / new_writer:.0f}×",
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


def _old_export(app, fmt: str, period: str) -> tuple[float, bytes]:
    """The export route before streaming, step for step; the first byte is the whole body."""
    started = time.perf_counter()
    with app.test_request_context(f"/dashboard/export/villages.{fmt}?period={period}"):
        units = reports.rollup(period, "village", None)
        names = {t.code: t.name for t in reports.rollup(period, "township")}
        indicators = [(i.key, i.label) for i in indicator_infos()]
        header, rows = exports.table(
            units,
            indicators,
            _words(),
            township_names={u.code: names.get(township_code_of(u.code), "") for u in units},
        )
        body = _old_csv(header, rows) if fmt == "csv" else _old_xlsx(header, rows, "村")
        db.session.remove()
    return time.perf_counter() - started, body


def _old_csv(header, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([exports.csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([exports.csv_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def _old_xlsx(header, rows, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row_index, row in enumerate([header, *rows], start=1):
        for col_index, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_index, column=col_index)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
                if exports.needs_guard(value):
                    cell.quotePrefix = True
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _writer_peaks_mib(app, fmt: str, period: str) -> tuple[float, float]:
    """Peak memory of writing the file only, from a roll-up already in memory: the part that
    grows with the file. Streamed: the rows made one at a time, the CSV chunks dropped, the
    XLSX written to a temporary file. In memory: the old list of rows and the whole body."""
    with app.test_request_context(f"/dashboard/export/villages.{fmt}?period={period}"):
        units = reports.rollup(period, "village", None)
        names = {t.code: t.name for t in reports.rollup(period, "township")}
        township_names = {u.code: names.get(township_code_of(u.code), "") for u in units}
        indicators = [(i.key, i.label) for i in indicator_infos()]
        words = _words()
        header = exports.header(indicators, words, with_township=True)

        def streamed():
            rows = exports.rows(units, indicators, words, township_names)
            if fmt == "csv":
                for _chunk in exports.iter_csv(header, rows):
                    pass
            else:
                with tempfile.TemporaryFile() as spool:
                    exports.write_xlsx_to(spool, header, rows, "村")

        def in_memory():
            _header, rows = exports.table(units, indicators, words, township_names)
            return _old_csv(header, rows) if fmt == "csv" else _old_xlsx(header, rows, "村")

        peaks = _peak_mib(streamed), _peak_mib(in_memory)
        db.session.remove()
    return peaks


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


def _assert_same_cells(new: bytes, old: bytes) -> None:
    from openpyxl import load_workbook

    def values(data):
        sheet = load_workbook(io.BytesIO(data), read_only=True).active
        return list(sheet.iter_rows(values_only=True))

    assert values(new) == values(old), "the streamed XLSX differs from the in-memory one"


if __name__ == "__main__":
    main()
