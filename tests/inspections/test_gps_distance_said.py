"""The GPS check says what it found, everywhere (issue 20, finding 9): the review page always
gives the distance (not only when flagged), says "村庄无位置，未核验" where the village has no
known location, and the saved page warns of a fix far from the village (never refusing it).

海村 is at 39.735722 N, 113.664907 E. 0.001° of latitude north of it is
R × 0.001 × π/180 = 6,371,008.8 × 1.7453e-5 = 111.2 m → "0.1 公里"; 0.02° north is 2,223.9 m →
"2.2 公里", over the 2 km limit.
"""

import re

from app.extensions import db
from app.models import Village
from tests.offline_helpers import HAICUN, HAICUN_LAT, HAICUN_LON, YONGAN, payload
from tests.review_world import make_world, sign_in


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _stored(seeded, auth_headers, inspector_id, village, lat, lon):
    body = payload(village, location={"lat": lat, "lon": lon})
    answer = seeded.test_client().post(
        "/api/v1/inspections", json=body, headers=auth_headers(inspector_id)
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["id"]


def _unlocated_village(app) -> str:
    with app.app_context():
        return db.session.scalar(
            db.select(Village.code)
            .where(Village.code.startswith(YONGAN), Village.lat.is_(None))
            .order_by(Village.code)
        )


def test_the_review_page_always_gives_the_distance_or_says_why_not(seeded, make_user, auth_headers):
    make_world(seeded)
    inspector = make_user("inspector", township=YONGAN, username="wang")
    make_user("township_lead", township=YONGAN, username="lead_y")
    lead = sign_in(seeded, "lead_y")

    near = _stored(seeded, auth_headers, inspector, HAICUN, HAICUN_LAT + 0.001, HAICUN_LON)
    page = lead.get(f"/review/{near}").get_data(as_text=True)
    said = _text(re.search(r'<p id="gps-distance">(.*?)</p>', page, re.S).group(1))
    assert said == f"距村庄 0.1 公里（限 2.0 公里） ({HAICUN_LAT + 0.001:.6f}, {HAICUN_LON})"

    unlocated = _unlocated_village(seeded)
    assert unlocated is not None  # 209 of the county's villages have no known location
    other = _stored(seeded, auth_headers, inspector, unlocated, HAICUN_LAT, HAICUN_LON)
    page = lead.get(f"/review/{other}").get_data(as_text=True)
    said = _text(re.search(r'<p id="gps-distance">(.*?)</p>', page, re.S).group(1))
    assert said.startswith("村庄无位置，未核验")
    assert "无定位标记" not in page


def test_the_saved_page_warns_of_a_far_fix_and_stores_it(seeded, make_user, auth_headers):
    make_world(seeded)
    wang = make_user("inspector", township=YONGAN, username="wang")
    browser = sign_in(seeded, "wang")
    far = _stored(seeded, auth_headers, wang, HAICUN, HAICUN_LAT + 0.02, HAICUN_LON)
    page = browser.get(f"/inspect/saved/{far}").get_data(as_text=True)
    warning = _text(re.search(r'<p class="flag" id="far-fix"[^>]*>(.*?)</p>', page, re.S).group(1))
    assert warning == "⚠ 定位距村庄 2.2 公里，超过 2.0 公里：可以保存，审核人将核实此位置"
    near = _stored(seeded, auth_headers, wang, HAICUN, HAICUN_LAT, HAICUN_LON)
    assert 'id="far-fix"' not in browser.get(f"/inspect/saved/{near}").get_data(as_text=True)
    # the form carries the same words and threshold for the phone, with the village's location
    # (?plain=1: the page with its body written in; the page of a new inspection gives its body
    # the same location from its data-body, test_form_weight.py)
    form = browser.get(f"/inspect/{HAICUN}?plain=1").get_data(as_text=True)
    tag = re.search(r'<p class="flag" id="far-fix"[^>]*>', form).group(0)
    assert 'data-text="⚠ 定位距村庄 {km} 公里，超过 2.0 公里：可以保存，审核人将核实此位置"' in tag
    assert 'data-limit-m="2000"' in tag
    assert f'data-village-lat="{HAICUN_LAT}"' in tag
