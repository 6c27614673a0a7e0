"""A seeded scenario for the map tests (server and browser), and reading the map's payload.

Period 2026Q4, indicator manure_utilisation (seeded target 0.80 from 2025), on villages that
have real coordinates in the shipped data:
  海村 140225100216   90 / 100 = 0.90 ≥ 0.80            → meets
  许村 140225100218   75 / 100 = 0.75, 5 points below    → near
  文家庄 140225102202  0 / 100 = 0.00                    → behind (0 %, red)
  井上 140225103215    0 / 0   → no rate                  → no data (grey)
  郝家湾 140225106206  no manure section reported          → not reported (white)
and two villages without stored coordinates:
  140225100200        40 / 100 = 0.40                    → behind, listed beside the map
  140225100201        95 / 100, inspection GPS fix       → meets, placed by the fix
"""

import json
import re
from datetime import date

from app.extensions import db
from tests.rollup_helpers import add_inspection, judge_any_coverage, village

PERIOD = "2026Q4"
DAY = date(2026, 11, 2)
# 59 characters: the name column holds 64.
HOSTILE = "<img src=x onerror=alert(1)>`${alert(2)}`<script>x</script>"
CODES = {
    "meets": "140225100216",
    "near": "140225100218",
    "behind": "140225102202",
    "no_data": "140225103215",
    "not_reported": "140225106206",
}
UNLOCATED = "140225100200"
GPS_PLACED = "140225100201"
GPS_FIX = (39.70, 113.69)


def seed_scenario(app, inspector_id: int, hostile: str | None = None) -> None:
    """`hostile`: the code of a village to rename to HOSTILE."""
    with app.app_context():
        add_inspection(
            inspector_id, CODES["meets"], DAY, 50, manure={"produced_t": 100, "utilised_t": 90}
        )
        add_inspection(
            inspector_id, CODES["near"], DAY, 50, manure={"produced_t": 100, "utilised_t": 75}
        )
        add_inspection(
            inspector_id, CODES["behind"], DAY, 50, manure={"produced_t": 100, "utilised_t": 0}
        )
        add_inspection(
            inspector_id, CODES["no_data"], DAY, 50, manure={"produced_t": 0, "utilised_t": 0}
        )
        add_inspection(
            inspector_id, CODES["not_reported"], DAY, 50, film={"used_t": 1, "recovered_t": 1}
        )
        add_inspection(
            inspector_id, UNLOCATED, DAY, 50, manure={"produced_t": 100, "utilised_t": 40}
        )
        fixed = add_inspection(
            inspector_id, GPS_PLACED, DAY, 50, manure={"produced_t": 100, "utilised_t": 95}
        )
        from app.models import Inspection

        inspection = db.session.get(Inspection, fixed)
        inspection.lat, inspection.lon = GPS_FIX
        if hostile:
            village(hostile).name = HOSTILE
        db.session.commit()
        judge_any_coverage()  # a handful of villages: township statuses judged all the same


def payload(html: str) -> dict:
    match = re.search(
        r'<script type="application/json" id="cunjian-map-data">(.*?)</script>', html, re.S
    )
    assert match, "the map data is missing"
    return json.loads(match.group(1))


def village_statuses(html: str) -> dict[str, str]:
    return {code: v["status"] for code, v in villages_of(payload(html)).items()}


def villages_of(data: dict) -> dict[str, dict]:
    """The map payload's column arrays back into one record per village code (as map.js does:
    a numeric code is the suffix of the township's code; positions are in 1e-5 degrees)."""
    cols, out = data["villages"], {}
    for i, code in enumerate(cols["code"]):
        township = cols["township"][i]
        if isinstance(code, int):
            code = data["townshipCodes"][township] + f"{code:03d}"
        out[code] = {
            "lat": cols["lat"][i] / 1e5,
            "lon": cols["lon"][i] / 1e5,
            "status": data["statuses"][cols["status"][i]],
            "name": cols["name"][i],
            "township": data["townshipNames"][township],
            "rate": cols["rate"][i],
            "num": cols["num"][i],
            "den": cols["den"][i],
            "target": data["targets"][cols["target"][i]],
            "demo": i in data["demo"],
        }
    return out
