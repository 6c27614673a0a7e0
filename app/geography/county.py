"""The county's geography and the plan's targets, loaded from `app/data/` and `forms/`.

Seeding only adds what is missing, so running it twice changes nothing and never overwrites what
an admin has since set (zones, households, confirmed locations, new targets). Source notes for
every file are in `app/data/SOURCES.md`.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from app.extensions import db
from app.formdefs.coefficients import seed_coefficients
from app.formdefs.registry import current_forms
from app.models import ZONES, County, Target, Township, Village
from app.periods import parse_period

# The real county files (app/data/SOURCES.md says where each comes from).
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
OUTLINE_FILE = DATA_DIR / "hunyuan_county_boundary.geojson"
# Hunyuan's extent with a margin, to catch swapped or mistyped coordinates on import.
COUNTY_BOUNDS = {"lat": (39.2, 40.0), "lon": (113.2, 114.2)}


@dataclass
class SeedSummary:
    townships_added: int = 0
    villages_added: int = 0
    villages_present: int = 0
    targets_added: int = 0
    coefficients_added: int = 0


def seed(data_dir: Path = DATA_DIR) -> SeedSummary:
    summary = SeedSummary()
    county = seed_county()
    townships = {t.code: t for t in db.session.execute(db.select(Township)).scalars()}
    for row in _rows(data_dir / "hunyuan_townships.csv"):
        if row["code"] in townships:
            continue
        townships[row["code"]] = Township(
            code=row["code"],
            name=row["name"],
            county=county,
            kind=row["kind"],
            lat=_float(row["lat"]),
            lon=_float(row["lon"]),
            location_source=row["coord_source"] or None,
        )
        db.session.add(townships[row["code"]])
        summary.townships_added += 1

    existing = set(db.session.execute(db.select(Village.code)).scalars())
    summary.villages_present = len(existing)
    for row in _rows(data_dir / "hunyuan_villages.csv"):
        if row["code"] in existing:
            continue
        has_point = bool(row["lat"] and row["lon"])
        db.session.add(
            Village(
                code=row["code"],
                name=row["name"],
                township=townships[row["township_code"]],
                kind=row["kind"],
                zone="county_town" if row["kind"] == "community" else "unknown",
                lat=_float(row["lat"]),
                lon=_float(row["lon"]),
                location_source=row["coord_source"] if has_point else None,
            )
        )
        summary.villages_added += 1

    summary.targets_added = seed_targets()
    summary.coefficients_added = seed_coefficients()
    db.session.flush()
    return summary


def seed_county() -> County:
    """The configured county (COUNTY_CODE, COUNTY_NAME). A county that migration 0008 made from
    its townships' codes is named by its code until now; a name an admin gave is kept."""
    code, name = current_app.config["COUNTY_CODE"], current_app.config["COUNTY_NAME"]
    county = db.session.execute(db.select(County).where(County.code == code)).scalar()
    if county is None:
        county = County(code=code, name=name)
        db.session.add(county)
    elif county.name == county.code:
        county.name = name
    return county


def seed_targets() -> int:
    present = {
        (t.indicator, t.zone, t.applies_from)
        for t in db.session.execute(db.select(Target)).scalars()
    }
    added = 0
    for indicator in current_forms().indicators:
        for seed_row in indicator.targets:
            applies_from = parse_period(seed_row.applies_from).start
            if (indicator.key, seed_row.zone, applies_from) in present:
                continue
            db.session.add(
                Target(
                    indicator=indicator.key,
                    zone=seed_row.zone,
                    value=seed_row.value,
                    applies_from=applies_from,
                    source=seed_row.source,
                    baseline_value=seed_row.baseline_value,
                    baseline_date=seed_row.baseline_date,
                    deadline=seed_row.deadline,
                )
            )
            added += 1
    return added


class ImportError_(Exception):  # noqa: N801 - the builtin name is taken
    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__(f"{len(problems)} bad rows")
        self.problems = problems


IMPORT_COLUMNS = ("code", "zone", "households", "lat", "lon")


def import_villages(lines) -> int:
    """Apply a CSV of village facts. Blank cells leave a value as it is. Any bad row → nothing."""
    reader = csv.DictReader(lines)
    missing = {"code"} - set(reader.fieldnames or ())
    if missing:
        raise ImportError_([(1, "the header needs a 'code' column")])
    unknown = set(reader.fieldnames) - set(IMPORT_COLUMNS)
    if unknown:
        raise ImportError_([(1, f"unknown column(s): {', '.join(sorted(unknown))}")])
    villages = {v.code: v for v in db.session.execute(db.select(Village)).scalars()}
    problems, changes = [], []
    for row in reader:
        line = reader.line_num
        try:
            changes.append(_village_change(row, villages))
        except ValueError as exc:
            problems.append((line, str(exc)))
    if problems:
        raise ImportError_(problems)
    for village, values in changes:
        for key, value in values.items():
            setattr(village, key, value)
    db.session.flush()
    return len(changes)


def _village_change(row: dict, villages: dict) -> tuple[Village, dict]:
    code = (row.get("code") or "").strip()
    if code not in villages:
        raise ValueError(f"unknown village code {code!r}")
    values = {}
    zone = (row.get("zone") or "").strip()
    if zone:
        if zone not in ZONES:
            raise ValueError(f"zone {zone!r} is not one of {', '.join(ZONES)}")
        values["zone"] = zone
    households = (row.get("households") or "").strip()
    if households:
        if not households.isdigit():
            raise ValueError(f"households {households!r} is not a whole number ≥ 0")
        values["households"] = int(households)
    lat, lon = (row.get("lat") or "").strip(), (row.get("lon") or "").strip()
    if lat or lon:
        if not (lat and lon):
            raise ValueError("lat and lon go together")
        lat_f, lon_f = _number(lat, "lat"), _number(lon, "lon")
        for name, value in (("lat", lat_f), ("lon", lon_f)):
            low, high = COUNTY_BOUNDS[name]
            if not low <= value <= high:
                raise ValueError(f"{name} {value} is outside the county ({low}–{high})")
        values.update(lat=lat_f, lon=lon_f, location_source="import-villages (WGS-84)")
    return villages[code], values


def _number(text: str, name: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{name} {text!r} is not a number") from None


def _rows(path: Path):
    with path.open(encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def _float(text: str) -> float | None:
    return float(text) if text else None
