"""The demo fills every section from the form definitions, whatever sections there are: every
section shipped in forms/, and a fixture section a county might add (a copy of forms/ with
`demo_fixture_lamps`, a name no county uses, and a required profile field) with each kind of
field, bounds below the demo's usual amounts, and two Σ ≤ limit rules, one on the profile."""

import json
import shutil
from datetime import date

from sqlalchemy import func, select

from app.demo.plan import VillagePlan
from app.extensions import db
from app.formdefs.build import build_inspection_schema
from app.formdefs.loader import load_forms
from app.geography import county as county_seed
from app.models import Answer, Inspection
from app.periods import previous_quarters
from tests.formdefs.test_forms_as_data import make_app
from tests.paths import FORMS

TODAY = date(2026, 11, 20)
QUARTERS = previous_quarters("2026Q4", 8)
LAMPS = "demo_fixture_lamps"


def text(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


def field(kind: str, name: str, required=True, **extra) -> dict:
    return {"type": kind, "name": name, "label": text(name, name), "required": required, **extra}


LAMPS_FORM = {
    "settings": {"form_id": LAMPS, "version": "1", "form_title": text("路灯", "Lamps")},
    "survey": [
        field("integer", "lamps_total", min=0, max=100000),
        field("integer", "lamps_working", min=0, max=100000),
        field("decimal", "power_kw", min=0.5, max=5),
        field("select_one lamp_kind", "lamp_kind"),
        field("boolean", "night_patrol"),
        field("text", "remark", required=False),
    ],
    "choices": {
        "lamp_kind": [
            {"name": "solar", "label": text("太阳能", "Solar")},
            {"name": "grid", "label": text("市电", "Grid")},
        ]
    },
    "constraints": [
        {
            "name": "total_within_households",
            "sum": ["lamps_total"],
            "lte": "profile.households",
            "path": "lamps_total",
            "message": text("不超过户数（{limit}）", "At most the households ({limit})"),
        },
        {
            "name": "working_within_total",
            "sum": ["lamps_working"],
            "lte": "lamps_total",
            "path": "lamps_working",
            "message": text("不超过总数（{limit}）", "At most the lamps ({limit})"),
        },
    ],
}


def forms_with_lamps(tmp_path):
    folder = tmp_path / "forms"
    shutil.copytree(FORMS, folder)
    (folder / f"{LAMPS}.json").write_text(json.dumps(LAMPS_FORM, ensure_ascii=False))
    profile = json.loads((folder / "profile.json").read_text())
    profile["settings"]["version"] += "-residents"
    profile["survey"].append(field("integer", "residents", min=1, max=1000000))
    (folder / "profile.json").write_text(json.dumps(profile, ensure_ascii=False))
    return folder


def plans(form_set, code="140225100201", zone="mountain", households=300) -> list[dict]:
    plan = VillagePlan(code, zone, households)
    return [plan.submission(q, i / 7, TODAY, form_set) for i, q in enumerate(QUARTERS)]


def test_every_section_on_main_is_filled_and_passes_the_schema():
    form_set = load_forms(FORMS)
    schema = build_inspection_schema(form_set, "en")(today=TODAY)
    submissions = plans(form_set) + plans(form_set, "140225001001", "county_town", 1200)
    names = {form.form_id for form in form_set.sections}
    assert names == {"sewage", "manure", "straw", "film", "heating", "waste"}
    for submission in submissions:
        assert set(submission["sections"]) == names
        schema.load(submission)  # raises on any broken rule


def test_a_section_a_county_adds_is_filled_within_its_rules(tmp_path):
    form_set = load_forms(forms_with_lamps(tmp_path))
    schema = build_inspection_schema(form_set, "en")(today=TODAY)
    first, again = plans(form_set), plans(form_set)
    assert first == again  # seeded: the same every run
    shipped = plans(load_forms(FORMS))
    for submission, before in zip(first, shipped, strict=True):
        schema.load(submission)
        lamps = submission["sections"][LAMPS]
        assert set(lamps) == {f["name"] for f in LAMPS_FORM["survey"]}
        assert lamps["lamps_working"] <= lamps["lamps_total"] <= 300
        assert 0.5 <= lamps["power_kw"] <= 5
        assert lamps["lamp_kind"] in ("solar", "grid")
        assert isinstance(lamps["night_patrol"], bool)
        assert submission["residents"] >= 1
        # a new section changes no other section's answers
        assert {k: v for k, v in submission["sections"].items() if k != LAMPS} == before["sections"]


def test_the_demo_command_fills_the_added_section(database_url, tmp_path):
    app = make_app(database_url, tmp_path, forms_with_lamps(tmp_path))
    with app.app_context():
        county_seed.seed()
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        loaded = db.session.scalar(select(func.count()).select_from(Inspection))
        with_lamps = db.session.scalar(
            select(func.count(func.distinct(Answer.inspection_id))).where(Answer.section == LAMPS)
        )
        residents = db.session.scalar(
            select(func.count()).select_from(Answer).where(Answer.field == "residents")
        )
        assert loaded > 1500
        assert with_lamps == residents == loaded
        db.session.remove()
        db.engine.dispose()
