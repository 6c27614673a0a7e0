"""/map and /map/boundaries through the real app on SQLite and PostgreSQL (scenario in
tests/map_helpers.py)."""

import io
import json
import re

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.extensions import db
from app.geography.geo import wgs84_to_gcj02
from app.maps.build import STATUS_COLOURS
from app.models import TownshipBoundary, TownshipBoundaryUpload
from app.views.maps.routes import tile_settings
from tests.map_helpers import (
    CODES,
    GPS_FIX,
    GPS_PLACED,
    HOSTILE,
    PERIOD,
    UNLOCATED,
    payload,
    seed_scenario,
    village_statuses,
    villages_of,
)
from tests.rollup_helpers import village

URL = f"/map?indicator=manure_utilisation&period={PERIOD}"


def login(client, make_user, role, township=None):
    uid = make_user(
        role,
        township=township,
        username=f"{role}-{township or 'county'}",
        password="correct horse battery",
    )
    response = client.post(
        "/login",
        data={"username": f"{role}-{township or 'county'}", "password": "correct horse battery"},
    )
    assert response.status_code == 302
    return uid


@pytest.fixture
def admin(seeded, client, make_user):
    uid = login(client, make_user, "county_admin")
    seed_scenario(seeded, uid)
    return uid


def test_each_seeded_village_gets_its_status_and_colour(admin, client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    statuses = village_statuses(html)
    for status, code in CODES.items():
        assert statuses[code] == status
    assert statuses[GPS_PLACED] == "meets"  # 95/100 ≥ 0.80, placed by its GPS fix
    data = payload(html)
    colours = data["colours"]
    assert colours[statuses[CODES["meets"]]] == "#1a9850"
    assert colours[statuses[CODES["behind"]]] == "#d73027"  # 0 % is red ...
    assert colours[statuses[CODES["no_data"]]] == "#8c8c8c"  # ... no data grey ...
    assert colours[statuses[CODES["not_reported"]]] == "#ffffff"  # ... not reported white
    rows = villages_of(data)
    # 许村: rate 0.75 = 75/100, target 0.80, as the roll-up gave them.
    near = rows[CODES["near"]]
    assert (near["rate"], near["num"], near["den"], near["target"]) == (0.75, 75, 100, 0.8)
    assert (rows[GPS_PLACED]["lat"], rows[GPS_PLACED]["lon"]) == GPS_FIX
    # 11 of 224 units have a stored point, plus the GPS-placed one = 12 on the map.
    assert len(rows) == 12
    # No asset from another host; the vendored Leaflet instead.
    assert "/static/vendor/leaflet-1.9.3/leaflet.js" in html
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html and "code.jquery" not in html
    # The legend, in Chinese by default.
    assert "图例" in html and "未报告该项" in html and STATUS_COLOURS["near"] in html


def test_villages_without_location_are_listed_with_their_status(admin, client):
    html = client.get(URL).get_data(as_text=True)
    assert f'<tr data-code="{UNLOCATED}">' in html
    row = html.split(f'<tr data-code="{UNLOCATED}">')[1].split("</tr>")[0]
    assert "落后于目标" in row and "40.0%" in row  # 40/100 behind
    # beside the rate: its own target, the gap to it and the zone (issue 15)
    assert 'data-col="target">80.0%<' in row and 'data-col="gap">-40.0<' in row
    assert 'data-col="zone">片区未定<' in row
    # 224 units − 11 communities (manure counts villages only) − 12 placed = 201 listed.
    assert html.count("<tr data-code=") == 201
    # sorted by gap, furthest behind first: the unlocated village (−40.0) leads
    assert re.findall(r'<tr data-code="(\d+)">', html)[0] == UNLOCATED


def test_gps_placed_villages_are_marked_and_a_chosen_township_is_the_focus(admin, client):
    data = payload(client.get(URL).get_data(as_text=True))
    codes = data["villages"]["code"]
    gps_codes = [codes[i] for i in data["gps"]]
    assert len(gps_codes) == 1 and str(gps_codes[0]) in GPS_PLACED
    assert data["focus"] is None
    township = GPS_PLACED[:9]
    focused = payload(client.get(URL + f"&township={township}").get_data(as_text=True))
    assert focused["townshipCodes"][focused["focus"]] == township


def test_english_legend_with_lang_en(admin, client):
    html = client.get(URL + "&lang=en").get_data(as_text=True)
    assert "Legend" in html and "Section not reported" in html
    assert payload(html)["labels"]["status"]["no_data"] == "No data (nothing to measure)"


def test_lagging_only_keeps_near_and_behind(admin, client):
    html = client.get(URL + "&lagging=1").get_data(as_text=True)
    assert village_statuses(html) == {CODES["near"]: "near", CODES["behind"]: "behind"}
    assert html.count("<tr data-code=") == 1  # 140225100200, behind


def test_township_filter(admin, client):
    html = client.get(URL + "&township=140225102").get_data(as_text=True)
    assert set(village_statuses(html)) == {CODES["behind"]}  # 文家庄, 蔡村镇's only point
    assert html.count("<tr data-code=") == 7  # 蔡村镇 has 8 villages, 1 located


def test_township_circles_carry_the_township_rollup(admin, client):
    data = payload(client.get(URL).get_data(as_text=True))
    names = {t["name"]: t for t in data["townships"]}
    assert len(names) == 16
    yongan = names["永安镇"]
    # 永安镇: 90+75+40+95 = 300 of 100·4 = 400 → 0.75, 5 points below 0.80 → near; of its 36
    # units manure counts the 25 villages, not the 11 communities (the dashboard's "4 / 25").
    assert (yongan["num"], yongan["den"], yongan["rate"]) == (300, 400, 0.75)
    assert data["statuses"][yongan["status"]] == "near"
    assert (yongan["total"], yongan["reported"]) == (25, 4)
    assert data["statuses"][names["官儿乡"]["status"]] == "not_reported"


def test_hostile_village_name_is_data_not_markup(seeded, client, make_user):
    uid = login(client, make_user, "county_admin")
    seed_scenario(seeded, uid, hostile=CODES["meets"])
    html = client.get(URL).get_data(as_text=True)
    assert "<img src=x" not in html and "<script>x</script>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" not in html  # not double-escaped either
    assert villages_of(payload(html))[CODES["meets"]]["name"] == HOSTILE


@pytest.mark.parametrize("query", ["indicator=nope", "period=2026Q5", "township=999999999"])
def test_bad_filters_are_refused(admin, client, query):
    assert client.get(f"/map?{query}").status_code == 400


def test_anonymous_is_sent_to_sign_in(seeded, client):
    response = client.get("/map")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["inspector", "township_lead"])
def test_township_roles_see_only_their_township(seeded, client, make_user, role):
    uid = login(client, make_user, role, township="140225100")
    seed_scenario(seeded, uid)
    # Asking for another township is ignored: the scope is the user's own township.
    html = client.get(URL + "&township=140225102").get_data(as_text=True)
    assert set(village_statuses(html)) == {CODES["meets"], CODES["near"], GPS_PLACED}
    assert [t["name"] for t in payload(html)["townships"]] == ["永安镇"]
    assert "文家庄" not in html and "蔡村镇" not in html
    assert html.count("<tr data-code=") == 25 - 3  # 永安镇's villages (no community), 3 placed


def test_viewer_reads_the_whole_county(seeded, client, make_user):
    uid = login(client, make_user, "viewer")
    seed_scenario(seeded, uid)
    assert len(village_statuses(client.get(URL).get_data(as_text=True))) == 12


def boundary_file(features) -> dict:
    return {
        "file": (
            io.BytesIO(json.dumps({"type": "FeatureCollection", "features": features}).encode()),
            "b.geojson",
        )
    }


def square(code, lon=113.6, lat=39.6, size=0.1):
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {
        "type": "Feature",
        "properties": {"code": code},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


@pytest.mark.parametrize("role", ["inspector", "township_lead", "viewer"])
def test_only_a_county_admin_uploads_boundaries(seeded, client, make_user, role):
    login(client, make_user, role, township=None if role == "viewer" else "140225100")
    assert client.get("/map/boundaries").status_code == 403
    response = client.post(
        "/map/boundaries",
        data=boundary_file([square("140225100")]),
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    with seeded.app_context():
        assert db.session.query(TownshipBoundary).count() == 0


def test_uploaded_boundaries_turn_the_township_layer_into_a_choropleth(admin, client, seeded):
    response = client.post(
        "/map/boundaries",
        data=boundary_file(
            [square("140225100", 113.62, 39.68), square("140225102", 113.62, 39.75)]
        ),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    data = payload(client.get(URL).get_data(as_text=True))
    features = data["boundaries"]["features"]
    assert len(features) == 2
    first = data["townships"][features[0]["properties"]["i"]]
    assert first["name"] == "永安镇" and data["statuses"][first["status"]] == "near"
    # A second upload replaces what is drawn but keeps the first in the table.
    client.post(
        "/map/boundaries",
        data=boundary_file([square("140225201", 113.8, 39.6)]),
        content_type="multipart/form-data",
    )
    data = payload(client.get(URL).get_data(as_text=True))
    assert len(data["boundaries"]["features"]) == 1
    with seeded.app_context():
        assert db.session.query(TownshipBoundaryUpload).count() == 2
        assert db.session.query(TownshipBoundary).count() == 3


BAD_FILES = [
    (b"not json", "不是有效的 GeoJSON"),
    (json.dumps({"type": "Feature"}).encode(), "FeatureCollection"),
    (json.dumps({"type": "FeatureCollection", "features": []}).encode(), "没有要素"),
    (
        json.dumps({"type": "FeatureCollection", "features": [square("999999999")]}).encode(),
        "没有代码为 999999999 的乡镇",
    ),
    (
        json.dumps(
            {"type": "FeatureCollection", "features": [{**square("140225100"), "properties": {}}]}
        ).encode(),
        "缺少乡镇代码属性",
    ),
    (
        json.dumps(
            {"type": "FeatureCollection", "features": [square("140225100", 116.4, 39.9)]}
        ).encode(),
        "超出本县范围",
    ),
    (
        json.dumps(
            {"type": "FeatureCollection", "features": [square("140225100"), square("140225100")]}
        ).encode(),
        "出现了两次",
    ),
    (
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        **square("140225100"),
                        "geometry": {"type": "Point", "coordinates": [113.6, 39.6]},
                    }
                ],
            }
        ).encode(),
        "Polygon 或 MultiPolygon",
    ),
    (b'{"type": "FeatureCollection", "features": [' + b" " * 1_500_000 + b"]}", "大于"),
]


def test_bad_boundary_files_are_refused_and_nothing_is_stored(seeded, client, make_user):
    login(client, make_user, "county_admin")
    for raw, message in BAD_FILES:
        # Encoded in memory: the test client would spill the 1.5 MB file into a temporary file
        # that nothing closes when the app refuses it unread (a ResourceWarning).
        boundary, body = encode_multipart(
            {"file": FileStorage(io.BytesIO(raw), filename="b.geojson")}
        )
        response = client.post(
            "/map/boundaries",
            data=body,
            content_type=f"multipart/form-data; boundary={boundary}",
        )
        assert response.status_code == 422, message
        assert message in response.get_data(as_text=True)
    response = client.post("/map/boundaries", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "请选择要上传的 GeoJSON 文件" in response.get_data(
        as_text=True
    )
    with seeded.app_context():
        assert db.session.query(TownshipBoundaryUpload).count() == 0


def test_gcj02_tiles_shift_the_drawn_points_but_not_the_stored_ones(admin, client, seeded):
    seeded.config.update(
        MAP_TILE_URL="https://tiles.example/{z}/{x}/{y}.png",
        MAP_TILE_ATTRIBUTION="example",
        MAP_TILE_CRS="gcj02",
    )
    html = client.get(URL).get_data(as_text=True)
    drawn = villages_of(payload(html))[CODES["meets"]]
    # 海村 is stored at WGS-84 39.735722, 113.664907; drawn where GCJ-02 tiles put it.
    lat, lon = wgs84_to_gcj02(39.735722, 113.664907)
    assert (drawn["lat"], drawn["lon"]) == (round(lat * 1e5) / 1e5, round(lon * 1e5) / 1e5)
    assert 0.006 < drawn["lon"] - 113.664907 < 0.007  # ≈ 575 m east
    assert "https://tiles.example/{z}/{x}/{y}.png" in html
    with seeded.app_context():
        assert village(CODES["meets"]).lat == 39.735722  # nothing converted is stored


def test_tile_settings_from_config():
    base = {
        "MAP_TILE_URL": "",
        "MAP_TILE_ATTRIBUTION": "",
        "MAP_TILE_CRS": "WGS84",
        "MAP_TILE_SUBDOMAINS": "abc",
        "MAP_TIANDITU_KEY": "",
    }
    assert tile_settings(base) == {}  # blank background
    tianditu = tile_settings({**base, "MAP_TIANDITU_KEY": "k&y"})
    assert "vec_w/wmts" in tianditu["tile_url"] and "LAYER=vec" in tianditu["tile_url"]
    assert "cva_w/wmts" in tianditu["overlay_url"] and tianditu["tile_url"].endswith("tk=k%26y")
    assert tianditu["tile_crs"] == "WGS84" and tianditu["subdomains"] == "01234567"
    own = tile_settings(
        {
            **base,
            "MAP_TILE_URL": "/tiles/{z}/{x}/{y}.png",
            "MAP_TILE_CRS": "gcj02",
            "MAP_TIANDITU_KEY": "ignored",
        }
    )
    assert own["tile_url"] == "/tiles/{z}/{x}/{y}.png" and own["tile_crs"] == "GCJ02"


def test_admin_confirms_a_gps_placed_village_and_it_is_stored(admin, client, seeded):
    url = f"/map/villages/{GPS_PLACED}/location"
    page = client.get(url).get_data(as_text=True)
    assert 'value="39.7"' in page and 'value="113.69"' in page  # prefilled with the GPS fix
    assert client.post(url, data={"lat": "39.70", "lon": "113.69"}).status_code == 302
    with seeded.app_context():
        stored = village(GPS_PLACED)
        assert (stored.lat, stored.lon) == GPS_FIX
        assert stored.location_source.startswith("set by county_admin-county on ")
    html = client.get(URL).get_data(as_text=True)
    assert "按首次检查的 GPS 定位显示" not in html  # no longer an unconfirmed fix


def test_a_location_outside_the_county_or_not_a_number_is_refused(admin, client, seeded):
    url = f"/map/villages/{UNLOCATED}/location"
    outside = client.post(url, data={"lat": "39.9", "lon": "116.4"})  # Beijing
    assert outside.status_code == 422 and "该点位于县界以外" in outside.get_data(as_text=True)
    nan = client.post(url, data={"lat": "nan", "lon": "113.7"})
    assert nan.status_code == 422 and "请输入数字" in nan.get_data(as_text=True)
    with seeded.app_context():
        assert village(UNLOCATED).lat is None
    assert client.get("/map/villages/999999999999/location").status_code == 404


@pytest.mark.parametrize("role", ["township_lead", "viewer"])
def test_only_a_county_admin_sets_locations(seeded, client, make_user, role):
    login(client, make_user, role, township=None if role == "viewer" else "140225100")
    url = f"/map/villages/{UNLOCATED}/location"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"lat": "39.7", "lon": "113.7"}).status_code == 403
