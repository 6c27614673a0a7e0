"""An inspection saved on a phone under a form version the county has since replaced is
accepted under THAT version (issue 22): checked against its rules, stored with it and shown
with its labels; a version the county never published is refused with its own error.

film 2026.3 is the shipped version; the county publishes 2026.4 with the label of film
recovered changed to 农膜回收总量 and a new REQUIRED question 回收袋数 (bags_collected). An entry
answered under 2026.3 has no answer to it, which 2026.4 alone would refuse.
"""

import pytest

from app.extensions import db
from app.formdefs import county_forms
from app.formdefs.registry import current_forms
from app.models import Inspection, User
from tests.api_payloads import INSPECTOR_TOWNSHIP, OWN_VILLAGE, add_user, bearer, valid_payload
from tests.xlsform_helpers import NEW_QUESTION, add_question, edit, exported, set_cell

OLD, NEW = "2026.3", "2026.4"
PASSWORD = "correct horse battery"
NEVER_ZH = "不是本县发布过的版本：请在当前表单中重新填写"
NEVER_EN = ": fill in the current form again"


def publish_required_question(app):
    def change(book):
        set_cell(book, "survey", "recovered_t", "label::中文 (zh)", "农膜回收总量")
        add_question(book, "recovered_t", {**NEW_QUESTION, "required": "yes"})

    with app.test_request_context("/"):
        outcome = county_forms.check_workbook(
            current_forms(),
            app.config["FORMS_DIR"],
            edit(exported("film"), change),
            "film.xlsx",
            "film",
        )
        assert county_forms.publish(outcome, "county-admin") == NEW
        db.session.commit()


@pytest.fixture
def inspector(seeded):
    """A client signed in (pages) with the inspector's bearer header (API)."""
    user_id = add_user(seeded, "inspector", INSPECTOR_TOWNSHIP, password=PASSWORD)
    with seeded.app_context():
        username = db.session.get(User, user_id).username
    client = seeded.test_client()
    client.post("/login", data={"username": username, "password": PASSWORD})
    return client, bearer(seeded, user_id)


def post(client, head, body, lang="zh"):
    return client.post("/api/v1/inspections", json=body, headers={**head, "Accept-Language": lang})


def test_an_entry_answered_under_the_old_version_is_stored_with_it(seeded, inspector):
    client, head = inspector
    publish_required_question(seeded)
    body = valid_payload()  # film: used 10 t, recovered 4.5 t, no bags_collected

    under_new = post(client, head, {**body, "form_versions": {"film": NEW}})
    assert under_new.status_code == 422
    assert list(under_new.get_json()["errors"]) == ["sections.film.bags_collected"]

    sent = post(client, head, {**body, "form_versions": {"film": OLD}})
    assert sent.status_code == 201, sent.get_json()
    stored = sent.get_json()
    assert stored["form_versions"]["film"] == OLD
    assert stored["form_versions"]["sewage"] == current_versions(seeded)["sewage"]
    again = post(client, head, {**body, "form_versions": {"film": OLD}})  # a lost answer's retry
    assert (again.status_code, again.get_json()["id"]) == (200, stored["id"])
    with seeded.app_context():
        rows = db.session.scalars(
            db.select(Inspection).where(Inspection.client_uuid == body["client_uuid"])
        )
        assert [r.form_versions["film"] for r in rows] == [OLD]  # stored once

    # shown with 2026.3's labels: 农膜回收量, not 2026.4's 农膜回收总量 nor its new question
    page = client.get(f"/inspect/saved/{stored['id']}").get_data(as_text=True)
    assert "<dt>农膜回收量</dt>" in page
    assert "农膜回收总量" not in page and "回收袋数" not in page


def current_versions(app):
    with app.app_context():
        return dict(current_forms().form_set.versions)


@pytest.mark.parametrize(
    ("versions", "lang", "message"),
    [
        (
            {"film": "2099.1"},
            "zh",
            "表单 film 的版本 2099.1 不是本县发布过的版本：请在当前表单中重新填写",
        ),
        (
            {"film": "2099.1"},
            "en",
            "form film has no published version 2099.1: fill in the current form again",
        ),
        (
            {"nope": "1"},
            "en",
            "form nope has no published version 1: fill in the current form again",
        ),
        ("film=2026.3", "en", 'form_versions must be an object {"form": "version"}'),
        ({"film": 2026.3}, "zh", '表单版本格式不对：应为 {"表单": "版本"}'),
    ],
)
def test_a_version_never_published_is_refused(seeded, inspector, versions, lang, message):
    client, head = inspector
    publish_required_question(seeded)
    body = {**valid_payload(), "form_versions": versions}
    refused = post(client, head, body, lang)
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {"form_versions": [message]}
    with seeded.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Inspection)) == 0


def test_the_form_page_carries_its_versions(seeded, inspector):
    client, _head = inspector
    page = client.get(f"/inspect/{OWN_VILLAGE}").get_data(as_text=True)
    assert f"&#34;film&#34;: &#34;{OLD}&#34;" in page
    publish_required_question(seeded)
    # ?plain=1: the page with its body written in (a new inspection's page names the data file)
    now = client.get(f"/inspect/{OWN_VILLAGE}?plain=1").get_data(as_text=True)
    assert f"&#34;film&#34;: &#34;{NEW}&#34;" in now and "回收袋数" in now


def test_a_page_built_before_the_publish_posts_under_its_own_version(seeded, inspector):
    """The plain post (online) of a page that was open when 2026.4 came out."""
    client, _head = inspector
    publish_required_question(seeded)
    values = {
        "client_uuid": "5b0e3c1e-8a7e-4c55-9a55-0f2d9c8f2a01",
        "inspected_on": "2026-11-02",
        "households": "300",
        "sections.film.used_t": "10",
        "sections.film.recovered_t": "4.5",
    }
    refused = client.post(f"/inspect/{OWN_VILLAGE}", data=values)
    assert refused.status_code == 422  # the current page's rules: 回收袋数 is required
    stored = client.post(
        f"/inspect/{OWN_VILLAGE}", data={**values, "form_versions": f'{{"film": "{OLD}"}}'}
    )
    assert stored.status_code == 303
    with seeded.app_context():
        row = db.session.scalar(db.select(Inspection))
        assert (row.client_uuid, row.form_versions["film"]) == (values["client_uuid"], OLD)
