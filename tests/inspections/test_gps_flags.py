"""GPS checks: the pure geometry, the flags stored with an inspection, the flags page, and the
rule that a phone's fix never becomes a village's location by itself."""

import pytest

from app.extensions import db
from app.geography import geo
from app.geography.county import OUTLINE_FILE as OUTLINE
from app.models import Inspection, Village
from tests.offline_helpers import HAICUN_LAT, HAICUN_LON, YONGAN, payload


def test_haversine_against_hand_worked_values():
    # 0.02° of latitude on a sphere of R = 6,371,008.8 m: R × 0.02 × π/180 = 2223.9 m.
    assert geo.haversine_m(39.0, 113.0, 39.02, 113.0) == pytest.approx(2223.9, abs=0.1)
    # One degree of longitude at 60° N is half of one at the equator: 111,195 m × cos 60°.
    assert geo.haversine_m(60.0, 0.0, 60.0, 1.0) == pytest.approx(55_597.5, rel=1e-3)
    assert geo.haversine_m(39.7, 113.6, 39.7, 113.6) == 0.0


def test_point_in_polygon_with_a_hole():
    square = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]
    hole = [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]

    def polygon(*rings):
        return {"type": "Polygon", "coordinates": list(rings)}

    # point_in_geometry takes (lat, lon); the rings are GeoJSON [lon, lat]
    assert geo.point_in_geometry(1, 1, polygon(square))
    assert not geo.point_in_geometry(5, 11, polygon(square))
    assert not geo.point_in_geometry(5, 5, polygon(square, hole))
    assert geo.point_in_geometry(5, 3, polygon(square, hole))
    county = geo.load_outline(OUTLINE)
    assert any(geo.point_in_geometry(HAICUN_LAT, HAICUN_LON, g) for g in county)
    assert not any(geo.point_in_geometry(39.909, 116.397, g) for g in county)  # Beijing


def flags_of(app, client_uuid):
    with app.app_context():
        inspection = db.session.execute(
            db.select(Inspection).where(Inspection.client_uuid == client_uuid)
        ).scalar_one()
        return {f.kind: f.distance_m for f in inspection.flags}


@pytest.fixture
def inspector(seeded, make_user, auth_headers):
    return auth_headers(make_user("inspector", township=YONGAN))


def post(client, headers, **kwargs):
    body = payload(**kwargs)
    answer = client.post("/api/v1/inspections", json=body, headers=headers)
    assert answer.status_code == 201, answer.json
    return body["client_uuid"]


def test_far_and_outside_fixes_are_flagged(seeded, client, inspector, make_user, auth_headers):
    # 0.01° north of 海村 is 1112 m away: within the 2000 m default, no flag.
    near = post(client, inspector, location={"lat": HAICUN_LAT + 0.01, "lon": HAICUN_LON})
    # 0.02° north is 2223.9 m away: flagged, with the distance.
    far = post(
        client, inspector, location={"lat": HAICUN_LAT + 0.02, "lon": HAICUN_LON, "accuracy_m": 12}
    )
    # Beijing: outside the county, and ~230 km from the village.
    beijing = post(client, inspector, location={"lat": 39.909, "lon": 116.397})
    nofix = post(client, inspector)
    assert flags_of(seeded, near) == {}
    assert flags_of(seeded, far) == {"far_from_village": pytest.approx(2223.9, abs=0.2)}
    beijing_flags = flags_of(seeded, beijing)
    assert set(beijing_flags) == {"far_from_village", "outside_county"}
    assert beijing_flags["far_from_village"] == pytest.approx(
        geo.haversine_m(39.909, 116.397, HAICUN_LAT, HAICUN_LON), abs=0.2
    )
    assert flags_of(seeded, nofix) == {}

    seeded.config["GPS_FLAG_DISTANCE_M"] = 1000  # the limit is configurable
    now_far = post(client, inspector, location={"lat": HAICUN_LAT + 0.01, "lon": HAICUN_LON})
    assert set(flags_of(seeded, now_far)) == {"far_from_village"}

    lead = make_user("township_lead", township=YONGAN, username="lead", password="pw-lead-123")
    assert lead
    client.post("/login", data={"username": "lead", "password": "pw-lead-123"})
    page = client.get("/inspect/flags?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('data-kind="far_from_village"') == 3
    assert html.count('data-kind="outside_county"') == 1
    assert f'data-uuid="{far}"' in html and f'data-uuid="{near}"' not in html


def test_flags_page_is_for_reviewers_only(seeded, client, make_user):
    make_user("inspector", township=YONGAN, username="insp", password="pw-insp-123")
    client.post("/login", data={"username": "insp", "password": "pw-insp-123"})
    assert client.get("/inspect/flags").status_code == 403


def test_other_townships_flags_are_not_listed(seeded, client, inspector, make_user):
    post(client, inspector, location={"lat": 39.909, "lon": 116.397})
    make_user("township_lead", township="140225101", username="lead2", password="pw-lead-123")
    client.post("/login", data={"username": "lead2", "password": "pw-lead-123"})
    assert "data-kind" not in client.get("/inspect/flags").get_data(as_text=True)


def test_a_fix_never_becomes_the_village_location_until_confirmed(seeded, client, inspector):
    with seeded.app_context():
        village = (
            db.session.execute(
                db.select(Village)
                .where(
                    Village.township.has(code=YONGAN),
                    Village.lat.is_(None),
                    Village.kind == "village",
                )
                .order_by(Village.code)
            )
            .scalars()
            .first()
        )
        code = village.code
    outside = post(client, inspector, village=code, location={"lat": 39.909, "lon": 116.397})
    assert flags_of(seeded, outside) == {"outside_county": None}
    first = post(
        client, inspector, village=code, location={"lat": 39.70, "lon": 113.70, "accuracy_m": 8}
    )
    second = post(client, inspector, village=code, location={"lat": 39.75, "lon": 113.70})
    with seeded.app_context():
        village = db.session.execute(db.select(Village).where(Village.code == code)).scalar_one()
        # the map draws it at the first in-county fix, unconfirmed; nothing is stored
        assert (village.lat, village.lon, village.location_source) == (None, None, None)
        village.lat, village.lon = 39.70, 113.70  # an admin confirms the first fix
        db.session.commit()
    # with no confirmed location then, there was nothing to be far from
    assert flags_of(seeded, first) == {} and flags_of(seeded, second) == {}
    third = post(client, inspector, village=code, location={"lat": 39.75, "lon": 113.70})
    # 0.05° north of the confirmed location, R × 0.05 × π/180 = 5559.8 m: flagged against it.
    assert flags_of(seeded, third) == {"far_from_village": pytest.approx(5559.8, abs=0.2)}
