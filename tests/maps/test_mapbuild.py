"""app/maps/build.py with hand-made records: colours, no CDN links, escaping, GCJ-02 shift."""

from app.geography.geo import wgs84_to_gcj02
from app.maps.build import (
    STATUS_COLOURS,
    MapSettings,
    TownshipMark,
    VillageMark,
    build_map,
    render_parts,
    script_json,
)
from tests.map_helpers import payload, villages_of

OUTLINE = {
    "type": "Polygon",
    "coordinates": [[[113.4, 39.4], [113.9, 39.4], [113.9, 39.85], [113.4, 39.85], [113.4, 39.4]]],
}
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(1)>`${alert(1)}`"


def settings(**overrides):
    values = dict(
        leaflet_js="/static/vendor/leaflet-1.9.3/leaflet.js",
        leaflet_css="/static/vendor/leaflet-1.9.3/leaflet.css",
        draw_js="/static/js/map.js",
        village_url_prefix="/dashboard/village/",
        labels={"status": {}},
    )
    values.update(overrides)
    return MapSettings(**values)


def village(code, status, lat=39.7, lon=113.68, name="村", **kw):
    return VillageMark(
        code=code,
        name=name,
        township_code="140225100",
        township_name="永安镇",
        lat=lat,
        lon=lon,
        status=status,
        rate=kw.get("rate"),
        numerator=kw.get("numerator"),
        denominator=kw.get("denominator"),
        target=kw.get("target"),
    )


def township(**kw):
    values = dict(
        code="140225100",
        name="永安镇",
        lat=39.698086,
        lon=113.681357,
        status="behind",
        rate=0.5,
        numerator=5,
        denominator=10,
        target=0.75,
        villages_total=25,
        villages_reported=2,
    )
    values.update(kw)
    return TownshipMark(**values)


def payload_of(parts) -> dict:
    return payload(parts["data"])


def test_only_the_apps_own_assets_are_linked():
    parts = render_parts(build_map([], [township()], OUTLINE, settings()))
    everything = parts["links"] + parts["html"] + parts["script"]
    assert "/static/vendor/leaflet-1.9.3/leaflet.js" in parts["links"]
    assert "/static/vendor/leaflet-1.9.3/leaflet.css" in parts["links"]
    assert "/static/js/map.js" in parts["links"]
    assert "http://" not in everything and "https://" not in everything
    for dropped in ("jquery", "bootstrap", "font", "awesome"):
        assert dropped not in parts["links"].lower()
    # No tile layer configured: a blank background, no L.tileLayer at all.
    assert "tileLayer" not in parts["script"]


def test_village_rows_carry_the_rollups_figures_and_status():
    marks = [
        village("140225100201", "meets", rate=0.8, numerator=8, denominator=10, target=0.75),
        village("140225100202", "no_data"),
        village("140225100203", "not_reported"),
    ]
    data = payload_of(render_parts(build_map(marks, [township()], OUTLINE, settings())))
    rows = villages_of(data)
    first = rows["140225100201"]
    assert first["status"] == "meets"
    assert (first["rate"], first["num"], first["den"], first["target"]) == (0.8, 8, 10, 0.75)
    assert rows["140225100202"]["status"] == "no_data"
    assert rows["140225100203"]["status"] == "not_reported"
    assert data["villages"]["code"] == [201, 202, 203]  # suffixes of 140225100
    assert data["colours"]["meets"] == STATUS_COLOURS["meets"] == "#1a9850"
    # "no data", "not reported" and 0 % (behind) are three different colours.
    assert len({STATUS_COLOURS[s] for s in ("no_data", "not_reported", "behind")}) == 3
    assert data["townships"][0]["total"] == 25 and data["boundaries"] is None


def test_hostile_names_never_appear_as_markup():
    parts = render_parts(
        build_map(
            [village("140225100201", "behind", name=HOSTILE)],
            [township(name=HOSTILE)],
            OUTLINE,
            settings(),
        )
    )
    assert "alert" not in parts["script"]  # names never enter folium's script at all
    data = parts["data"]
    assert data.count("</script") == 1 and "<img" not in data and "<script>" not in data
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in data
    # Decoded, the JSON gives back exactly the text, to be shown with textContent.
    assert payload_of(parts)["villages"]["name"] == [HOSTILE]


def test_jinja_syntax_in_a_name_is_not_evaluated():
    """branca re-compiles a MacroElement's rendered script as a Jinja template, so a village
    name in folium's script would be evaluated on the server ({{ 7*7 }} → 49). Names travel
    in the separate data block, which no template engine reads."""
    name = "{{ 7*7 }}{% for x in range(2) %}X{% endfor %}"
    parts = render_parts(
        build_map(
            [village("140225100201", "meets", name=name)],
            [township(name=name)],
            OUTLINE,
            settings(),
        )
    )
    data = payload_of(parts)
    assert data["villages"]["name"] == [name] and data["townships"][0]["name"] == name
    assert "49" not in parts["data"]


def test_script_json_escapes_line_separators_and_ampersands():
    assert script_json({"a": "x&y\u2028</script>"}) == (
        '{"a":"x\\u0026y\\u2028\\u003c/script\\u003e"}'
    )


def test_gcj02_tiles_shift_points_outlines_and_boundaries_at_render_time():
    mark = village("140225100201", "meets", lat=39.698086, lon=113.681357)
    square = {
        "type": "Polygon",
        "coordinates": [[[113.6, 39.6], [113.7, 39.6], [113.7, 39.7], [113.6, 39.6]]],
    }
    gcj = settings(tile_url="https://tiles.example/{z}/{x}/{y}.png", tile_crs="GCJ02")
    data = payload_of(render_parts(build_map([mark], [township(boundary=square)], OUTLINE, gcj)))
    lat, lon = wgs84_to_gcj02(39.698086, 113.681357)
    cols = data["villages"]
    assert (cols["lat"], cols["lon"]) == ([round(lat * 1e5)], [round(lon * 1e5)])
    assert (cols["lat"], cols["lon"]) == ([3969915], [11368807])  # the AMap source point
    assert data["townships"][0]["seat"] == [lat, lon]
    b_lat, b_lon = wgs84_to_gcj02(39.6, 113.6)
    assert data["boundaries"]["features"][0]["geometry"]["coordinates"][0][0] == [b_lon, b_lat]
    assert mark.lat == 39.698086 and square["coordinates"][0][0] == [113.6, 39.6]  # untouched
    wgs = payload_of(render_parts(build_map([mark], [township()], OUTLINE, settings())))
    assert (wgs["villages"]["lat"], wgs["villages"]["lon"]) == ([3969809], [11368136])


def test_tile_layer_and_escaped_attribution_come_from_settings():
    parts = render_parts(
        build_map(
            [],
            [],
            OUTLINE,
            settings(
                tile_url="https://t{s}.tianditu.gov.cn/vec_w/wmts?tk=K",
                subdomains="01234567",
                overlay_url="https://t{s}.tianditu.gov.cn/cva_w/wmts?tk=K",
                tile_attribution="天地图 <b>x</b>",
            ),
        )
    )
    assert parts["script"].count("L.tileLayer") == 2
    assert "vec_w" in parts["script"] and "cva_w" in parts["script"]
    # folium JSON-encodes the already HTML-escaped text: & becomes \u0026.
    assert "<b>" not in parts["script"] and "\\u0026lt;b\\u0026gt;" in parts["script"]


def test_demo_villages_are_flagged_for_their_own_layer():
    real = village("140225100201", "meets")
    demo = VillageMark(**{**real.__dict__, "code": "140225100299", "is_demo": True})
    data = payload_of(render_parts(build_map([real, demo], [township()], OUTLINE, settings())))
    rows = villages_of(data)
    assert (rows["140225100201"]["demo"], rows["140225100299"]["demo"]) == (False, True)
    assert data["demo"] == [1]
