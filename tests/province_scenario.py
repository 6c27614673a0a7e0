"""A small province worked out by hand: 2 counties × 2 townships × 2–3 villages, mixed zones
(so mixed clean-heating targets: plain, county town and unknown 1.00, mountain 0.70), shared by
the roll-up, API, dashboard, map and access tests.

  county A 140101 甲县                       county B 140102 乙县
    A1 140101001  a1p plain   400 hh, 300 clean    B1 140102001  b1m mountain 300 hh, 240 clean
                  a1m mountain 100 hh,  60 clean                  b1c county_town 100 hh, 90
                  a1q plain    (never reports)     B2 140102002  b2m mountain 200 hh, 120 clean
    A2 140101002  a2p plain   200 hh, 200 clean                  b2p plain   100 hh, 100 clean
                  a2u unknown  50 hh,  20 clean                  b2q mountain (never reports)

Clean heating, 2026Q1 (Σ numerator ÷ Σ denominator; target Σ tᵢ·denᵢ ÷ Σ denᵢ):
  A1 360/500 = 0.72,   target (400 + 70)/500 = 0.94   → behind, 2 of 3 villages
  A2 220/250 = 0.88,   target 250/250 = 1.00          → behind, 2 of 2
  B1 330/400 = 0.825,  target (210 + 100)/400 = 0.775 → meets,  2 of 2
  B2 220/300 = 0.7333, target (140 + 100)/300 = 0.80  → near,   2 of 3
  A  580/750 = 0.7733, target 720/750 = 0.96 → behind (the mean of its townships' rates, 0.80,
     would be wrong); 4 of 5
  B  550/700 = 0.7857, target 550/700        → meets exactly (the mean of its townships'
     rates, 0.779, would say it does not); 4 of 5
  province 1130/1450 = 0.7793, target 1270/1450 = 0.8759 → near (9.7 points below); 8 of 10
Manure, 2026Q1 (target 0.80 everywhere from 2025): a1p 90 of 100 t, b2m 210 of 300 t
  A 90/100 = 0.90 meets; B 210/300 = 0.70 near; province 300/400 = 0.75 near.
2026Q2: a1p 400 of 400 clean again, b1m 300 of 300 → province 700/700, target
  (400 + 210)/700; county A 400/400, county B 300/300.
The year 2026 takes each village's latest inspection: province (400+60+200+20+300+90+120+100)
  = 1290 of 1450.
"""

from datetime import date

from app.extensions import db
from app.geography import county as county_seed
from app.models import County, Township, Village
from tests.factories import add_user
from tests.rollup_helpers import add_inspection, judge_any_coverage

PROVINCE = "140000"
A, B = "140101", "140102"
A1, A2, B1, B2 = "140101001", "140101002", "140102001", "140102002"
VILLAGES = {  # code → (township, zone)
    "a1p": (A1, "plain"),
    "a1m": (A1, "mountain"),
    "a1q": (A1, "plain"),
    "a2p": (A2, "plain"),
    "a2u": (A2, "unknown"),
    "b1m": (B1, "mountain"),
    "b1c": (B1, "county_town"),
    "b2m": (B2, "mountain"),
    "b2p": (B2, "plain"),
    "b2q": (B2, "mountain"),
}
HEATING_Q1 = {  # village → (households, clean)
    "a1p": (400, 300),
    "a1m": (100, 60),
    "a2p": (200, 200),
    "a2u": (50, 20),
    "b1m": (300, 240),
    "b1c": (100, 90),
    "b2m": (200, 120),
    "b2p": (100, 100),
}


def code(key: str) -> str:
    """The village's 12-digit code: its township's code and a 3-digit number."""
    township = VILLAGES[key][0]
    number = [k for k in VILLAGES if VILLAGES[k][0] == township].index(key)
    return f"{township}{200 + number}"


def build_geography(app) -> None:
    """The counties, townships and villages, and the targets of forms/indicators.json."""
    with app.app_context():
        counties = {A: County(code=A, name="甲县"), B: County(code=B, name="乙县")}
        names = {A1: "甲一镇", A2: "甲二乡", B1: "乙一镇", B2: "乙二乡"}
        townships = {
            t: Township(code=t, name=name, kind="town", county=counties[t[:6]])
            for t, name in names.items()
        }
        for key, (township, zone) in VILLAGES.items():
            db.session.add(
                Village(code=code(key), name=f"{key}村", township=townships[township], zone=zone)
            )
        county_seed.seed_targets()
        db.session.commit()


def build(app) -> int:
    """The geography and the inspections; answers the inspecting admin's id."""
    build_geography(app)
    admin = add_user(app, "county_admin", username="province-builder")
    with app.app_context():
        for key, (households, clean) in HEATING_Q1.items():
            sections = {"heating": {"central": clean}}
            if key == "a1p":
                sections["manure"] = {"produced_t": 100, "utilised_t": 90}
            if key == "b2m":
                sections["manure"] = {"produced_t": 300, "utilised_t": 210}
            add_inspection(admin, code(key), date(2026, 2, 1), households, **sections)
        add_inspection(admin, code("a1p"), date(2026, 5, 1), 400, heating={"central": 400})
        add_inspection(admin, code("b1m"), date(2026, 5, 2), 300, heating={"central": 300})
        db.session.commit()
        judge_any_coverage()  # a few villages per county: the figures are judged all the same
    return admin
