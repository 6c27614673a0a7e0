"""The map's layer data: plain per-village and per-township records in, one compact JSON
payload out (column arrays, so gzip packs like with like). Pure, no Flask, no folium.

The records carry what the roll-up said (status, rate, numerator, denominator, target); nothing
here computes a rate. Positions are WGS-84 and are shifted by the caller's `project` when the
tiles are GCJ-02.
"""

import json
from dataclasses import dataclass

from app.geography.geo import shift_geometry, wgs84_to_gcj02

STATUSES = (
    "meets",
    "near",
    "behind",
    "insufficient_data",
    "no_target",
    "no_data",
    "not_reported",
)
# Colour-blind-aware ColorBrewer RdYlGn/RdYlBu picks; "no data" grey and "not reported" white
# are deliberately unlike any rate colour, so an empty village never reads as 0 %.
STATUS_COLOURS = {
    "meets": "#1a9850",
    "near": "#fdae61",
    "behind": "#d73027",
    "insufficient_data": "#c2a5cf",  # too few villages reported to judge: not a rate colour
    "no_target": "#4575b4",
    "no_data": "#8c8c8c",
    "not_reported": "#ffffff",
}
SVG_LIMIT = 3000  # past this many villages the browser draws on one canvas


@dataclass(frozen=True)
class VillageMark:
    code: str
    name: str
    township_code: str
    township_name: str
    lat: float  # WGS-84, as stored
    lon: float
    status: str  # one of STATUSES
    rate: float | None
    numerator: float | None
    denominator: float | None
    target: float | None
    is_demo: bool = False
    from_gps: bool = False  # placed by an inspector's GPS fix, not a confirmed location
    problem: str = ""  # "open" or "overdue" when the village has a problem not closed (整改)


@dataclass(frozen=True)
class TownshipMark:
    code: str
    name: str
    lat: float | None
    lon: float | None
    status: str
    rate: float | None
    numerator: float | None
    denominator: float | None
    target: float | None
    villages_total: int
    villages_reported: int
    boundary: dict | None = None  # GeoJSON Polygon/MultiPolygon geometry, WGS-84


def script_json(value) -> str:
    """JSON that is safe inside a <script> element: no `</script>`, no HTML entities, no
    U+2028/2029 (which end a JS line)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


def _rounded(value, scale=10_000):
    """Fast rounding for transport (round(x, n) is slow at 25,000 × 8 values)."""
    return None if value is None else round(float(value) * scale) / scale


@dataclass(frozen=True)
class SiteMark:
    """A registered site (issue 23): drawn in its kind's layer, ringed red when it lags."""

    code: str
    name: str
    kind: str
    lat: float  # WGS-84, as stored
    lon: float
    lagging: bool
    reason: str  # why it lags, as the page words it ("" when it does not)


def site_layers(sites, kind_labels: dict, project) -> list[dict]:
    """One layer per kind, in `kind_labels`' order (every kind, even without a located site):
    {key, label, sites: [{code, name, lat, lon (1e-5°), lagging, reason}]}."""
    layers = []
    for key, label in kind_labels.items():
        marks = []
        for s in sites:
            if s.kind != key:
                continue
            lat, lon = project(s.lat, s.lon)
            marks.append(
                {
                    "code": s.code,
                    "name": s.name,
                    "lat": round(lat * 1e5),
                    "lon": round(lon * 1e5),
                    "lagging": s.lagging,
                    "reason": s.reason,
                }
            )
        layers.append({"key": key, "label": label, "sites": marks})
    return layers


def layer_payload(
    villages, townships, labels: dict, village_url_prefix: str, tile_crs: str, project, focus=None
) -> dict:
    """Column arrays (gzip packs like with like): positions as integers of 1e-5° (≈1 m),
    village codes as the 3-digit suffix of their township's code where they share it.
    `focus` is the code of the township chosen: the map zooms to it."""
    township_index, names, codes = _township_index(villages, townships)
    status_index = {s: i for i, s in enumerate(STATUSES)}
    cols, targets, marked = _village_columns(villages, township_index, status_index, project)
    marks, boundaries = _township_marks(townships, status_index, tile_crs, project)
    return {
        "statuses": list(STATUSES),
        "colours": STATUS_COLOURS,
        "labels": labels,
        "townshipNames": names,
        "townshipCodes": codes,
        "villages": cols,
        "targets": list(targets),
        **marked,
        "focus": township_index.get(focus) if focus else None,
        "townships": marks,
        "boundaries": {"type": "FeatureCollection", "features": boundaries} if boundaries else None,
        "villageUrl": village_url_prefix,
        "canvas": len(villages) > SVG_LIMIT,
    }


def _township_index(villages, townships) -> tuple[dict, list, list]:
    """Each township's position in the payload's name and code arrays: the marked townships
    first, then any township only a village names (a township filter)."""
    township_index = {t.code: i for i, t in enumerate(townships)}
    names = [t.name for t in townships]
    codes = [t.code for t in townships]
    for v in villages:
        if v.township_code not in township_index:
            township_index[v.township_code] = len(names)
            names.append(v.township_name)
            codes.append(v.township_code)
    return township_index, names, codes


VILLAGE_COLUMNS = (
    "lat",
    "lon",
    "status",
    "name",
    "township",
    "rate",
    "num",
    "den",
    "target",
    "code",
)


def _village_columns(villages, township_index, status_index, project) -> tuple[dict, dict, dict]:
    """The villages' columns, the distinct targets (indexed), and the villages marked demo,
    placed by GPS, or with a problem open or overdue (indices into the columns)."""
    targets: dict = {}
    cols: dict[str, list] = {k: [] for k in VILLAGE_COLUMNS}
    marked: dict = {"demo": [], "gps": [], "problems": {"open": [], "overdue": []}}
    for n, v in enumerate(villages):
        lat, lon = project(v.lat, v.lon)
        cols["lat"].append(round(lat * 100_000))
        cols["lon"].append(round(lon * 100_000))
        cols["status"].append(status_index[v.status])
        cols["name"].append(v.name)
        cols["township"].append(township_index[v.township_code])
        cols["rate"].append(_rounded(v.rate))
        cols["num"].append(_rounded(v.numerator, 100))
        cols["den"].append(_rounded(v.denominator, 100))
        cols["target"].append(targets.setdefault(_rounded(v.target), len(targets)))
        shared = len(v.code) == 12 and v.code.startswith(v.township_code) and v.code[9:].isdigit()
        cols["code"].append(int(v.code[9:]) if shared else v.code)
        if v.is_demo:
            marked["demo"].append(n)
        if v.from_gps:
            marked["gps"].append(n)
        if v.problem:
            marked["problems"][v.problem].append(n)
    return cols, targets, marked


def _township_marks(townships, status_index, tile_crs: str, project) -> tuple[list, list]:
    """One mark per township at its seat, and its boundary (shifted for GCJ-02 tiles) if any."""
    marks, boundaries = [], []
    for i, t in enumerate(townships):
        seat = project(t.lat, t.lon) if t.lat is not None and t.lon is not None else None
        marks.append(
            {
                "name": t.name,
                "seat": seat,
                "status": status_index[t.status],
                "rate": _rounded(t.rate),
                "num": _rounded(t.numerator, 100),
                "den": _rounded(t.denominator, 100),
                "target": _rounded(t.target),
                "total": t.villages_total,
                "reported": t.villages_reported,
            }
        )
        if t.boundary is not None:
            geometry = t.boundary
            if tile_crs == "GCJ02":
                geometry = shift_geometry(geometry, wgs84_to_gcj02)
            boundaries.append({"type": "Feature", "properties": {"i": i}, "geometry": geometry})
    return marks, boundaries
