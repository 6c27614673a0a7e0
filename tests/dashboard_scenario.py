"""A small seeded scenario for the dashboard tests, with every figure worked out by hand.

Three inspections in 2026Q4 (the county clock is set to 20 Nov 2026):
  A 当巷村 (永安镇, 140225100201): manure 60 of 100 t used; film 4 of 10 t recovered
  B 道巷村 (永安镇, 140225100202): manure 270 of 300 t;       film 6 of 30 t
  C 西坊城村 (西坊城镇, 140225101200): manure 90 of 100 t
County manure: (60+270+90)/(100+300+100) = 420/500 = 84.0 %, target 80 % (plan §5.4, from 2025)
  → meets, gap +4.0 points, 3 of 224 villages reported.
County film: (4+6)/(10+30) = 10/40 = 25.0 %, target 40 % → behind, gap −15.0, 2 of 224.
永安镇 manure: 330/400 = 82.5 % (meets); film 10/40 = 25.0 % (behind); 2 of its 36 units reported.
西坊城镇 manure: 90/100 = 90.0 %; film no data.
Behind target: A (manure 60.0 % < 80 %), B (film 20.0 % < 40 %); C is not.
"""

from datetime import UTC, date, datetime

from app.extensions import db
from tests.factories import add_user
from tests.rollup_helpers import add_inspection, judge_any_coverage

CLOCK = lambda: datetime(2026, 11, 20, 4, 0, tzinfo=UTC)  # noqa: E731
PERIOD = "2026Q4"
A, B, C = "140225100201", "140225100202", "140225101200"
YONGAN, XIFANGCHENG = "140225100", "140225101"


PASSWORD = "correct horse battery"


def quick_user(app, role: str, township: str | None = None, username: str | None = None) -> int:
    """A dashboard user who signs in with PASSWORD."""
    return add_user(app, role, township, username or f"{role}-dash", PASSWORD)


def login(client, role, township=None, username=None) -> int:
    """Sign `client` in as a new dashboard user with `role`; the user's id."""
    username = username or f"{role}-dash"
    user_id = quick_user(client.application, role, township=township, username=username)
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return user_id


def build(app, inspector_id: int) -> None:
    app.config["CLOCK"] = CLOCK
    with app.app_context():
        add_inspection(
            inspector_id,
            A,
            date(2026, 10, 8),
            200,
            manure={"produced_t": 100, "utilised_t": 60},
            film={"used_t": 10, "recovered_t": 4},
        )
        add_inspection(
            inspector_id,
            B,
            date(2026, 10, 9),
            300,
            manure={"produced_t": 300, "utilised_t": 270},
            film={"used_t": 30, "recovered_t": 6},
        )
        add_inspection(
            inspector_id, C, date(2026, 11, 2), 100, manure={"produced_t": 100, "utilised_t": 90}
        )
        db.session.commit()
        judge_any_coverage()  # three villages of 224: the figures are judged all the same
