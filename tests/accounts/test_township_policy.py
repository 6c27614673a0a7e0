"""One policy for township figures (issue 16, finding 8): every official of the county sees all
its townships' aggregates, on the county page, in the townships export and through
/api/v1/rollup?level=township alike; villages' figures and inspections stay within the
township."""

import csv
import io
import re

from tests.review_world import OTHER_TOWNSHIP, TOWNSHIP, make_world, sign_in

COUNTY = "140225"


def test_a_township_role_sees_the_same_townships_everywhere(seeded, make_user, auth_headers):
    world = make_world(seeded, make_user)
    browser = sign_in(seeded, "insp")
    page = browser.get("/dashboard/?period=2026Q4").get_data(as_text=True)
    on_page = set(re.findall(r"\b(1402251\d\d)\b", page))  # township codes in links
    export = browser.get("/dashboard/export/townships.csv?period=2026Q4")
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    exported = {row[0] for row in rows[1:]}
    api = seeded.test_client().get(
        "/api/v1/rollup?level=township&period=2026Q4",
        headers=auth_headers(world.users["inspector"]),
    )
    from_api = {unit["code"] for unit in api.get_json()["units"]}
    assert len(from_api) == 16 and from_api == exported
    assert {TOWNSHIP, OTHER_TOWNSHIP} <= on_page <= from_api
    # Another township's villages stay closed, on the page, in the export and in the API.
    assert browser.get(f"/dashboard/township/{OTHER_TOWNSHIP}").status_code == 403
    villages = browser.get(
        f"/dashboard/export/villages.csv?township={OTHER_TOWNSHIP}&period=2026Q4"
    )
    assert villages.status_code == 403
    closed = seeded.test_client().get(
        f"/api/v1/rollup?level=village&period=2026Q4&township={OTHER_TOWNSHIP}",
        headers=auth_headers(world.users["inspector"]),
    )
    assert closed.status_code == 403
