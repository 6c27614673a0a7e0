"""Deterministic synthetic data for benchmarks: N counties × townships × villages × quarters of
inspections (townships are dealt to counties in turn, villages to townships in turn).

The same seed gives the same rows. Rows go in with bulk statements (SQLAlchemy Core
executemany; COPY on PostgreSQL for the two big tables), never one ORM object per row, so the
province (25,000 villages × 8 quarters ≈ 4 million answers) loads in well under a minute or two.
Every village answers all five sections plus its households; about 1 in 10 village-quarters is
skipped (nobody came) and about 1 in 20 has a second, later visit (so "latest" has work to do).
"""

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert

from app.models import Answer, County, Inspection, Target, Township, User, Village
from app.periods import parse_period, previous_quarters

ZONES = ("plain", "plain", "mountain", "unknown")  # weights: half plain, a quarter each other


@dataclass(frozen=True)
class Spec:
    townships: int
    villages: int
    quarters: int
    last_quarter: str = "2026Q3"
    seed: int = 20261128
    counties: int = 1


@dataclass(frozen=True)
class Generated:
    inspections: int
    answers: int
    quarters: tuple[str, ...]


def generate(connection, spec: Spec) -> Generated:
    """Fill an empty schema (tables made by db.create_all()) on `connection` and commit."""
    rng = random.Random(spec.seed)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    county_codes = [county_code(c) for c in range(spec.counties)]
    connection.execute(
        insert(County.__table__),
        [{"id": c + 1, "code": code, "name": f"县{c + 1}"} for c, code in enumerate(county_codes)],
    )
    township_codes = [
        f"{county_codes[t % spec.counties]}{t // spec.counties:03d}" for t in range(spec.townships)
    ]
    connection.execute(
        insert(Township.__table__),
        [
            {
                "id": t + 1,
                "code": code,
                "name": f"乡镇{t + 1}",
                "kind": "town",
                "county_id": t % spec.counties + 1,
            }
            for t, code in enumerate(township_codes)
        ],
    )
    villages = [
        {
            "id": v + 1,
            "code": f"{township_codes[v % spec.townships]}{v // spec.townships:03d}",
            "name": f"村{v + 1}",
            "township_id": v % spec.townships + 1,
            "kind": "village",
            "zone": rng.choice(ZONES),
            "is_demo": True,
        }
        for v in range(spec.villages)
    ]
    connection.execute(insert(Village.__table__), villages)
    connection.execute(
        insert(User.__table__),
        [
            {
                "id": 1,
                "username": "bench",
                "password_hash": "!",
                "role": "county_admin",
                "active": True,
                "created_at": now,
            }
        ],
    )
    connection.execute(
        insert(Target.__table__),
        [
            {
                "indicator": key,
                "zone": zone,
                "value": value,
                "applies_from": date(2021, 1, 1),
                "source": "bench",
                "set_at": now,
            }
            for key, zone, value in (
                ("manure_utilisation", "*", 0.75),
                ("straw_utilisation", "*", 0.9),
                ("film_recovery", "*", 0.4),
                ("clean_heating", "*", 1.0),
                ("clean_heating", "plain", 1.0),
                ("clean_heating", "mountain", 0.7),
            )
        ],
    )

    quarters = tuple(previous_quarters(spec.last_quarter, spec.quarters))
    inspection_count = answer_count = 0
    for quarter in quarters:  # one quarter at a time keeps memory bounded
        start = parse_period(quarter).start
        inspections, answers = [], []
        for village in villages:
            if rng.random() < 0.1:
                continue
            visits = 2 if rng.random() < 0.05 else 1
            for _visit in range(visits):
                inspection_count += 1
                day = start + timedelta(days=rng.randrange(0, 89))
                inspections.append(
                    (
                        inspection_count,
                        str(uuid.UUID(int=rng.getrandbits(128))),
                        village["id"],
                        1,
                        day,
                        quarter,
                        day.year,
                        "",
                        "0" * 64,
                        "{}",
                        True,
                        now,
                        now,
                    )
                )
                answers.extend((inspection_count, s, f, n, t) for s, f, n, t in _answers(rng))
        _bulk(connection, Inspection.__table__, INSPECTION_COLUMNS, inspections)
        _bulk(connection, Answer.__table__, ANSWER_COLUMNS, answers)
        answer_count += len(answers)
    connection.commit()
    return Generated(inspection_count, answer_count, quarters)


def county_code(index: int) -> str:
    """NBS-shaped 6-digit codes in Shanxi (14): city 01.., county 01..99 within it."""
    return f"14{index // 99 + 1:02d}{index % 99 + 1:02d}"


INSPECTION_COLUMNS = (
    "id",
    "client_uuid",
    "village_id",
    "inspector_id",
    "inspected_on",
    "quarter",
    "year",
    "notes",
    "content_hash",
    "form_versions",
    "is_demo",
    "created_at",
    "updated_at",
)
ANSWER_COLUMNS = ("inspection_id", "section", "field", "value_num", "value_text")


def _answers(rng: random.Random):
    households = rng.randrange(80, 900)
    yield "profile", "households", households, None
    treated = rng.randrange(0, households + 1)
    yield "sewage", "households_treated", treated, None
    yield (
        "sewage",
        "treatment_mode",
        None,
        rng.choice(("pipe_network", "village_station", "septic_tank", "none")),
    )
    yield "sewage", "facility_running", float(rng.random() < 0.6), None
    produced = round(rng.uniform(50, 2000), 1)
    yield "manure", "produced_t", produced, None
    yield "manure", "utilised_t", round(produced * rng.uniform(0.5, 1.0), 1), None
    straw = round(rng.uniform(100, 5000), 1)
    yield "straw", "produced_t", straw, None
    share = rng.uniform(0.6, 1.0) / 5
    for route in ("fertiliser_t", "feed_t", "fuel_t", "base_material_t", "raw_material_t"):
        yield "straw", route, round(straw * share, 1), None
    used = round(rng.uniform(1, 60), 2)
    yield "film", "used_t", used, None
    yield "film", "recovered_t", round(used * rng.uniform(0.1, 0.9), 2), None
    left = households
    for kind in ("central", "electric", "gas", "biomass", "other_clean"):
        part = rng.randrange(0, left // 3 + 1)
        left -= part
        yield "heating", kind, part, None
    yield "heating", "coal", left, None


def _bulk(connection, table, columns, rows) -> None:
    """COPY on PostgreSQL (several times faster than INSERT for millions of rows); elsewhere one
    executemany of plain tuples, with values in the text forms SQLAlchemy stores on SQLite."""
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        if "id" in columns:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"(SELECT max(id) FROM {table.name}))"
            )
        return
    marks = ", ".join("?" * len(columns))
    connection.exec_driver_sql(
        f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})",
        [tuple(_sqlite_value(v) for v in row) for row in rows],
    )


def _sqlite_value(value):
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value
