"""app/geography/geo.py: the WGS-84 → GCJ-02 shift against published pairs, and point-in-polygon."""

import csv
import json

import pytest

from app.geography.geo import (
    out_of_china,
    point_in_geometry,
    shift_geometry,
    wgs84_to_gcj02,
)
from tests.paths import APP

DATA = APP / "data"

# Reference pairs (WGS-84 lat, lon → GCJ-02 lat, lon) published as the test vectors of
# googollee/eviltransform, go/transform_test.go (commit 1643645a), also used verbatim by its
# PHP port (larryli/eviltransform tests/EvilTransformTest.php).
EVILTRANSFORM_PAIRS = [
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),  # Shanghai
    ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),  # Shenzhen
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),  # Beijing
]


@pytest.mark.parametrize(("wgs", "gcj"), EVILTRANSFORM_PAIRS)
def test_wgs84_to_gcj02_matches_published_pairs(wgs, gcj):
    lat, lon = wgs84_to_gcj02(*wgs)
    assert abs(lat - gcj[0]) < 1e-6
    assert abs(lon - gcj[1]) < 1e-6


def test_hunyuan_source_points_round_trip_within_a_metre():
    """SOURCES.md: the county's GCJ-02 source points were turned into WGS-84 with an iterative
    inverse, published to 6 decimals. Shifting those back must give the source values to about
    1e-5° (≈1 m: the 6-decimal rounding plus the inverse's own tolerance)."""
    with (DATA / "hunyuan_coords_raw.csv").open(encoding="utf-8") as source:
        rows = [r for r in csv.DictReader(source) if r["crs"] == "GCJ-02"]
    assert len(rows) >= 25
    for row in rows:
        lat, lon = wgs84_to_gcj02(float(row["wgs84_lat"]), float(row["wgs84_lon"]))
        assert abs(lat - float(row["src_lat"])) < 1.5e-5, row["name"]
        assert abs(lon - float(row["src_lon"])) < 1.5e-5, row["name"]


def test_hunyuan_shift_is_about_590_metres_north_east():
    # 永安镇 seat: WGS-84 39.698086, 113.681357 → GCJ-02 in the source 39.69915, 113.688068,
    # i.e. +0.00106° lat (≈118 m) and +0.00671° lon (≈575 m at cos 39.7°): ≈590 m.
    lat, lon = wgs84_to_gcj02(39.698086, 113.681357)
    assert 0.0010 < lat - 39.698086 < 0.0011
    assert 0.0066 < lon - 113.681357 < 0.0068


def test_outside_china_is_not_shifted():
    assert out_of_china(51.5, -0.12)  # London
    assert wgs84_to_gcj02(51.5, -0.12) == (51.5, -0.12)
    assert wgs84_to_gcj02(-33.86, 151.2) == (-33.86, 151.2)  # Sydney
    assert not out_of_china(39.7, 113.7)


def test_shift_geometry_moves_every_vertex_and_leaves_the_input_alone():
    square = {
        "type": "Polygon",
        "coordinates": [[[113.6, 39.6], [113.7, 39.6], [113.7, 39.7], [113.6, 39.6]]],
    }
    shifted = shift_geometry(square, wgs84_to_gcj02)
    assert square["coordinates"][0][0] == [113.6, 39.6]
    lat, lon = wgs84_to_gcj02(39.6, 113.6)
    assert shifted["coordinates"][0][0] == [lon, lat]
    assert len(shifted["coordinates"][0]) == 4


def _outline():
    return json.loads((DATA / "hunyuan_county_boundary.geojson").read_text())["features"][0][
        "geometry"
    ]


def test_point_in_county_outline():
    outline = _outline()
    assert point_in_geometry(39.698086, 113.681357, outline)  # 永安镇, the county town
    assert not point_in_geometry(39.9, 116.4, outline)  # Beijing
    assert not point_in_geometry(39.30, 113.65, outline)  # south of the extent (39.369 N)


def test_point_in_polygon_respects_holes_and_multipolygons():
    ring = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]
    hole = [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]
    donut = {"type": "Polygon", "coordinates": [ring, hole]}
    assert point_in_geometry(2, 2, donut)
    assert not point_in_geometry(5, 5, donut)
    multi = {
        "type": "MultiPolygon",
        "coordinates": [[ring], [[[20, 20], [30, 20], [30, 30], [20, 20]]]],
    }
    assert point_in_geometry(21, 25, multi)  # lat 21, lon 25: inside the second triangle
    assert not point_in_geometry(15, 15, multi)
