"""A count's basis (存栏 or 出栏) is data: a county that counts dairy cows by turnoff, and has
sheep counted by turnoff unless it says otherwise, edits forms/ alone (a fixture copy here), and
the admin page, the stored answers and the audit follow with no code change."""

import json
import shutil
import uuid

import pytest

from app.extensions import db
from app.formdefs.loader import load_form
from app.geography import county as county_seed
from app.models import Answer, AuditEvent
from tests.factories import add_user
from tests.formdefs.test_forms_as_data import PASSWORD, make_app, token_for
from tests.paths import FORMS

TOWNSHIP, VILLAGE = "140225101", "140225101200"
DAIRY_BASIS = {
    "type": "select_one count_basis",
    "name": "dairy_basis",
    "label": {"zh": "奶牛计数口径", "en": "Dairy cows counted as"},
    "required": False,
    "qualifies": "dairy",
    "default": "turnoff",
}


def forms_with_dairy_basis(tmp_path):
    folder = tmp_path / "forms"
    shutil.copytree(FORMS, folder)
    manure = json.loads((folder / "manure.json").read_text())
    manure["settings"]["version"] = "2026.3-dairy"
    survey = manure["survey"]
    survey.insert(next(i for i, f in enumerate(survey) if f["name"] == "dairy") + 1, DAIRY_BASIS)
    next(f for f in survey if f["name"] == "sheep_basis")["default"] = "turnoff"
    (folder / "manure.json").write_text(json.dumps(manure, ensure_ascii=False))
    return folder


def stored_bases(app, inspection_id) -> dict:
    with app.app_context():
        rows = db.session.execute(
            db.select(Answer.field, Answer.value_text).where(
                Answer.inspection_id == inspection_id, Answer.field.like("%_basis")
            )
        )
        return dict(rows.all())


def submit(client, headers, manure: dict):
    body = {
        "client_uuid": str(uuid.uuid4()),
        "village_code": VILLAGE,
        "inspected_on": "2026-03-10",
        "households": 100,
        "sections": {"manure": {**manure, "utilised_t": 0}},
    }
    response = client.post("/api/v1/inspections", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_a_county_adds_a_count_basis_and_changes_a_default_with_no_code(database_url, tmp_path):
    app = make_app(database_url, tmp_path, forms_with_dairy_basis(tmp_path))
    with app.app_context():
        county_seed.seed()
        db.session.commit()
    inspector = token_for(app, add_user(app, "inspector", TOWNSHIP, "wang", PASSWORD))
    add_user(app, "county_admin", None, "admin", PASSWORD)
    client = app.test_client()

    # Nothing chosen yet: each count is stored with its form's default basis.
    first = submit(client, inspector, {"dairy": 60, "sheep": 300, "beef_cattle": 10})
    assert stored_bases(app, first) == {
        "dairy_basis": "turnoff",
        "sheep_basis": "turnoff",
        "beef_basis": "stock",
    }

    admin = app.test_client()
    admin.post("/login", data={"username": "admin", "password": PASSWORD})
    page = admin.get("/admin/coefficients?lang=en").get_data(as_text=True)
    assert 'name="manure.dairy_basis" value="turnoff" checked' in page
    assert "Dairy cows counted as" in page
    saved = admin.post(
        "/admin/coefficients/count-basis",
        data={"manure.dairy_basis": "stock", "manure.sheep_basis": "turnoff", "x": "stock"},
    )
    assert saved.status_code == 303

    second = submit(client, inspector, {"dairy": 60, "sheep": 300})
    assert stored_bases(app, second) == {"dairy_basis": "stock", "sheep_basis": "turnoff"}
    with app.app_context():
        changes = db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.action == "settings.change")
        ).all()
        # sheep stays at its default: only dairy's change is recorded
        assert [(e.object_id, e.details) for e in changes] == [
            ("manure.dairy_basis", {"before": "turnoff", "after": "stock"})
        ]
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize(
    "change, error",
    [
        ({"default": "weighed"}, "default 'weighed' is not one of its choices"),
        ({"qualifies": "produced_t_typo"}, "qualifies no count of this form"),
        ({"qualifies": "sheep_basis"}, "qualifies no count of this form"),
        ({"default": None}, "qualifies and default go together"),
    ],
)
def test_a_basis_must_name_a_count_and_default_to_one_of_its_choices(tmp_path, change, error):
    folder = forms_with_dairy_basis(tmp_path)
    manure = json.loads((folder / "manure.json").read_text())
    field = next(f for f in manure["survey"] if f["name"] == "dairy_basis")
    field.update(change)
    if field["default"] is None:
        del field["default"]
    (folder / "manure.json").write_text(json.dumps(manure, ensure_ascii=False))
    with pytest.raises(ValueError, match=error):
        load_form(folder / "manure.json")
