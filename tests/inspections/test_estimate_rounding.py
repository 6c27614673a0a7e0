"""Estimates are stored at the field's precision from the form (`decimals`: 3 for tonnes, to
the kg), never as a product's binary tail (issue 20, finding 14): 150 亩 mulched × 5.1 kg/亩 ÷
1000 is 0.001 × 150 × 5.1 = 0.7649999999999999 in doubles, stored and answered as 0.765."""

from app.formdefs.registry import current_forms
from tests.inspections.test_estimates import answer, inspector, submit  # noqa: F401 (fixture)


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
