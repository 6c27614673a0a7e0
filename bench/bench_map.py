"""What the village map costs: time to build it (folium objects + HTML) and the HTML's size, raw
and gzip-compressed (level 6), for the county (213 villages, 16 townships) and a province
(25,000 villages, 1,200 townships), from synthetic records with Chinese names. Pure builder, no
database: the roll-up's own cost is measured by the roll-up bench.

For scale it also builds the naive alternative, one folium CircleMarker + Popup + Tooltip per
village, at 2,500 villages, against the single-array layer at the same size (ratio in the same
run). Aim: county < 300 ms and < 100 KB gzipped; province < 1 s and < 600 KB gzipped.
"""

import gzip
import json
import random
import statistics
import time
from pathlib import Path

import folium

from app.mapbuild import STATUSES, MapSettings, TownshipMark, VillageMark, build_map, render_parts

OUTLINE = json.loads(
    (
        Path(__file__).resolve().parent.parent / "app" / "data" / "hunyuan_county_boundary.geojson"
    ).read_text(encoding="utf-8")
)["features"][0]["geometry"]
SYLLABLES = "东西南北上下大小王李张刘陈杨赵黄周吴徐孙马胡朱郭何罗高林郑梁谢宋唐许韩冯邓曹彭曾"
SETTINGS = MapSettings(
    leaflet_js="/static/vendor/leaflet-1.9.3/leaflet.js?v=5819285cec",
    leaflet_css="/static/vendor/leaflet-1.9.3/leaflet.css?v=90b693d863",
    draw_js="/static/js/map.js?v=0000000000",
    village_url_prefix="/dashboard/village/",
    labels={"status": {s: s for s in STATUSES}},
)


def synthetic(villages: int, townships: int, seed: int = 4):
    rng = random.Random(seed)
    marks = []
    for i in range(villages):
        t = i % townships
        num = rng.randint(0, 120)
        den = rng.randint(1, 120)
        rate = num / den  # synthetic stand-in for the roll-up's figure
        marks.append(
            VillageMark(
                code=f"14{t:07d}{i % 1000:03d}",
                name="".join(rng.choices(SYLLABLES, k=3)) + "村委会",
                township_code=f"14{t:07d}",
                township_name=f"{SYLLABLES[t % 40]}{t}乡",
                lat=round(rng.uniform(34.6, 40.7), 6),
                lon=round(rng.uniform(110.3, 114.5), 6),
                status=rng.choice(STATUSES),
                rate=rate,
                numerator=num,
                denominator=den,
                target=0.8,
            )
        )
    towns = [
        TownshipMark(
            code=f"14{t:07d}",
            name=f"{SYLLABLES[t % 40]}{t}乡",
            lat=rng.uniform(34.6, 40.7),
            lon=rng.uniform(110.3, 114.5),
            status=rng.choice(STATUSES),
            rate=0.5,
            numerator=50,
            denominator=100,
            target=0.8,
            villages_total=villages // townships,
            villages_reported=3,
        )
        for t in range(townships)
    ]
    return marks, towns


def build_html(marks, towns) -> str:
    parts = render_parts(build_map(marks, towns, OUTLINE, SETTINGS))
    return parts["links"] + parts["html"] + parts["data"] + parts["script"]


def naive_html(marks) -> str:
    fmap = folium.Map(tiles=None)
    for m in marks:
        folium.CircleMarker(
            [m.lat, m.lon], radius=6, fill=True, popup=folium.Popup(m.name), tooltip=m.name
        ).add_to(fmap)
    return fmap.get_root().render()


def timed(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def report(label, seconds, html, budget_ms, budget_kb):
    raw = len(html.encode())
    packed = len(gzip.compress(html.encode(), compresslevel=6, mtime=0))
    ok = seconds * 1000 < budget_ms and packed / 1024 < budget_kb
    print(
        f"{label:<28} build {seconds * 1000:8.1f} ms   HTML {raw / 1024:8.1f} KB raw "
        f"{packed / 1024:7.1f} KB gzip   aim <{budget_ms} ms, <{budget_kb} KB: "
        f"{'met' if ok else 'MISSED'}"
    )
    return seconds, packed


def county_page() -> tuple[float, bytes]:
    """The whole /map request on the seeded county (roll-up included), in-process over SQLite."""
    import tempfile

    from app import county, create_app
    from app.extensions import db
    from app.models import User

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{folder}/b.sqlite3",
                "SECRET_KEY": "b" * 40,
                "WTF_CSRF_ENABLED": False,
            }
        )
        app.instance_path = folder
        with app.app_context():
            db.create_all()
            county.seed()
            user = User(username="bench", role="county_admin")
            user.set_password("bench password 1")
            db.session.add(user)
            db.session.commit()
        client = app.test_client()
        client.post("/login", data={"username": "bench", "password": "bench password 1"})
        seconds, body = timed(lambda: client.get("/map?period=2026Q4").data, 5)
        with app.app_context():
            db.engine.dispose()
    return seconds, body


def main() -> None:
    county = synthetic(213, 16)
    province = synthetic(25_000, 1_200)
    c_time, c_html = timed(lambda: build_html(*county), 5)
    p_time, p_html = timed(lambda: build_html(*province), 3)
    c = report("county (213 villages)", c_time, c_html, 300, 100)
    p = report("province (25,000 villages)", p_time, p_html, 1000, 600)
    print(
        f"province / county: build time ×{p[0] / c[0]:.1f}, gzip size ×{p[1] / c[1]:.1f} "
        f"for ×{25_000 / 213:.0f} villages; {p[1] / 25_000:.1f} gzip bytes per village"
    )
    page_time, page = county_page()
    report("/map page, real county", page_time, page.decode(), 300, 100)
    sample = synthetic(2_500, 120)
    ours, _ = timed(lambda: build_html(*sample), 3)
    naive, html = timed(lambda: naive_html(sample[0]), 1)
    print(
        f"2,500 villages: one JSON layer {ours * 1000:.0f} ms vs one folium object per marker "
        f"{naive * 1000:.0f} ms (×{naive / ours:.0f}), naive HTML "
        f"{len(gzip.compress(html.encode(), 6, mtime=0)) / 1024:.0f} KB gzip"
    )


if __name__ == "__main__":
    main()
