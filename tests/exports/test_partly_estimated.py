"""The villages export and the report data say when a figure rests partly on estimates (issue
20, finding 14). 西坊城村委会 (140225101200) reports 1,200 pigs turned off and no manure
produced: (2.0 + 3.3) kg × 199 d × 1,200 ÷ 1000 = 1,265.64 t, all of it estimated; its manure
utilisation rate (utilised ÷ produced) therefore rests 100 % on an estimate. A second village
of the township reports its tonnage measured: no note."""

import csv
import io

from app.extensions import db
from app.models import Township
from app.rollups.estimated_shares import partly_estimated
from tests.api_payloads import OWN_VILLAGE
from tests.inspections.test_estimates import inspector, submit  # noqa: F401 (fixture)
from tests.review_world import make_world, sign_in

MEASURED_VILLAGE = "140225101201"


def test_the_villages_export_and_the_report_say_partly_estimated(
    seeded,
    client,
    inspector,  # noqa: F811
):
    make_world(seeded)
    _user, headers = inspector
    estimated = submit(client, headers, {"manure": {"pigs_turnoff": 1200, "utilised_t": 600}})
    assert estimated.status_code == 201, estimated.get_json()
    body = {
        "client_uuid": "0b6f3f4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
        "village_code": MEASURED_VILLAGE,
        "inspected_on": "2026-11-20",
        "households": 100,
        "sections": {"manure": {"produced_t": 50.0, "utilised_t": 40.0}},
    }
    assert client.post("/api/v1/inspections", json=body, headers=headers).status_code == 201

    admin = sign_in(seeded, "admin")
    answer = admin.get("/dashboard/export/villages.csv?period=2026Q4&township=140225101")
    assert answer.status_code == 200
    rows = list(csv.reader(io.StringIO(answer.get_data().decode("utf-8-sig"))))
    header, by_code = rows[0], {r[0]: r for r in rows[1:]}
    column = header.index("部分为估算（估算占比）")
    assert column == len(header) - 1
    assert by_code[OWN_VILLAGE][column] == "粪污产生量 估算 100.0%"
    assert by_code[MEASURED_VILLAGE][column] == ""

    with seeded.test_request_context():
        township = db.session.execute(
            db.select(Township.id).where(Township.code == "140225101")
        ).scalar_one()
        # 1,265.64 estimated of 1,265.64 + 50 t produced in the township: 96.2 % estimated
        shares = partly_estimated("2026Q4", ("township", township), approved_only=False)
    assert set(shares) == {"manure_utilisation"}
    assert round(shares["manure_utilisation"], 4) == round(1265.64 / 1315.64, 4)
