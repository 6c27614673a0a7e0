"""Estimates are stored at the field's precision from the form (`decimals`: 3 for tonnes, to
the kg), never as a product's binary tail (issue 20, finding 14): 150 亩 mulched × 5.1 kg/亩 ÷
1000 is 0.001 × 150 × 5.1 = 0.7649999999999999 in doubles, stored and answered as 0.765."""

import re

from app.extensions import db
from app.formdefs.registry import current_forms
from app.models import Answer
from tests.inspections.test_estimates import answer, inspector, submit  # noqa: F401 (fixture)
from tests.review_world import make_world, sign_in


def test_the_estimate_is_stored_and_answered_rounded(seeded, client, inspector):  # noqa: F811
    assert 0.001 * 150 * 5.1 == 0.7649999999999999  # what was stored before
    with seeded.app_context():
        assert current_forms().form_set.field_at("film.used_t").decimals == 3
    _user, headers = inspector
    response = submit(client, headers, {"film": {"mulched_mu": 150, "recovered_t": 0.1}})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["sections"]["film"]["used_t"] == 0.765
    value, _text, basis, _used = answer(seeded, body["id"], "film", "used_t")
    assert (value, basis) == (0.765, "estimated")
    again = client.get(f"/api/v1/inspections/{body['id']}", headers=headers).get_json()
    assert again["sections"]["film"]["used_t"] == 0.765


def test_the_pages_show_an_estimate_rounded_and_marked_估算(seeded, client, inspector):  # noqa: F811
    """The village page shows a tail stored before rounding as 0.765; the review page marks the
    estimated tonnage 估算 where the lead decides."""
    make_world(seeded)  # the township's lead ("lead") and a county admin ("admin")
    _user, headers = inspector
    response = submit(client, headers, {"film": {"mulched_mu": 150, "recovered_t": 0.1}})
    inspection_id = response.get_json()["id"]
    with seeded.app_context():
        row = db.session.execute(
            db.select(Answer).where(Answer.inspection_id == inspection_id, Answer.field == "used_t")
        ).scalar_one()
        row.value_num = 0.7649999999999999  # as stored before estimates were rounded
        db.session.commit()
    admin = sign_in(seeded, "admin")
    village = admin.get("/dashboard/village/140225101200").get_data(as_text=True)
    assert "0.7649999999999999" not in village
    assert "0.765" in village
    review = sign_in(seeded, "lead").get(f"/review/{inspection_id}").get_data(as_text=True)
    used = re.search(r'<dd id="answer-film-used_t"[^>]*>(.*?)</dd>', review, re.S).group(1)
    assert re.sub(r"<[^>]+>|\s+", " ", used).split() == ["0.765", "吨", "估算"]
