"""How many village-level units of each kind (administrative village, urban community) a unit
holds: what an indicator's coverage is measured against (app/rollups/coverage.py).

Hunyuan has 213 administrative villages and 11 urban communities: a rural indicator's county
figure reads "of 213", clean heating's "of 224" (forms/indicators.json `unit_kinds`). One
GROUP BY per change to the villages (app/reference.py), whatever the number of units: counted
per request it was the largest part of a province roll-up's database time.
"""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Township, Village
from app.reference import cached
from app.settings import get_setting

PROVINCE = 0  # the province's unit id, as in app/rollups/reports.py


def kind_counts(level: str, place) -> dict[int, dict[str, int]]:
    """unit id → {kind: units} for every unit of `level` inside `place` (None, ("county", id)
    or ("township", id)); the province is unit 0. Shared: do not mutate."""
    return cached(("kind_counts", level, place), lambda: _kind_counts(level, place))


def _kind_counts(level: str, place) -> dict[int, dict[str, int]]:
    unit = {
        "province": None,
        "county": Township.county_id,
        "township": Village.township_id,
        "village": Village.id,
    }[level]
    columns = [unit] if unit is not None else []
    statement = (
        select(*columns, Village.kind, func.count())
        .select_from(Village)
        .join(Township, Township.id == Village.township_id)
        .where(*_inside(place))
        .group_by(*columns, Village.kind)
    )
    out: dict[int, dict[str, int]] = {}
    for row in db.session.execute(statement):
        unit_id = row[0] if unit is not None else PROVINCE
        kind, count = row[-2], row[-1]
        out.setdefault(unit_id, {})[kind] = count
    return out


def _inside(place) -> list:
    if place is None:
        return []
    kind, unit_id = place
    return {
        "county": [Township.county_id == unit_id],
        "township": [Village.township_id == unit_id],
        "village": [Village.id == unit_id],
    }[kind]


def counted(kinds: dict[str, int], indicator) -> int:
    """The units an indicator counts among `kinds` ({kind: units})."""
    return sum(kinds.get(kind, 0) for kind in indicator.unit_kinds)


def coverage_threshold() -> float:
    """The county's setting: the share of its units a figure needs before it is judged."""
    return float(get_setting("reports.coverage_threshold"))
