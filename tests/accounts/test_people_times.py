"""人员管理 shows people by their names and their last sign-in on the county's clock (issue 20,
finding 12): wang (王明) last signed in at 18:30 UTC on 27 Nov 2026, which is 02:30 on 28 Nov in
Hunyuan (UTC+8); li has no display name and shows as li."""

from datetime import UTC, datetime

from app.extensions import db
from app.models import User
from tests.review_world import make_world, sign_in


def test_people_by_name_and_county_time(seeded, make_user):
    world = make_world(seeded, make_user)
    with seeded.app_context():
        wang = db.session.get(User, world.users["inspector"])
        wang.display_name = "王明"
        wang.last_login_at = datetime(2026, 11, 27, 18, 30, tzinfo=UTC)
        db.session.commit()
    page = sign_in(seeded, "admin").get("/admin/people").get_data(as_text=True)
    row = page[page.index(f'id="person-{world.users["inspector"]}"') :]
    row = row[: row.index("</tr>")]
    assert '>王明</a> <span class="muted">insp</span>' in row
    assert "<td>2026-11-28 02:30</td>" in row
    assert "UTC" not in page and "最近登录（县时间）" in page
    lead_row = page[page.index(f'id="person-{world.users["township_lead"]}"') :]
    assert lead_row[: lead_row.index("</td>")].endswith(">lead</a>")
