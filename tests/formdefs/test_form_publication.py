"""Form versions are immutable (app/formdefs/publication.py): the first write publishes the loaded
definitions; a form whose content changed under a version already published is refused, loudly
and before anything is stored, until it gets a new version; every version stays readable."""

import json
import shutil
from pathlib import Path

import pytest

from app import create_app
from app.extensions import db
from app.formdefs import load_forms
from app.geography import county
from app.models import Inspection, PublishedForm
from tests.api_payloads import OWN_VILLAGE, bearer, dispose, valid_payload
from tests.factories import add_user
from tests.paths import FORMS

SECTIONS = len(load_forms(FORMS).forms)  # every form in forms/, the profile included


def make_app(database_url, tmp_path, forms_dir):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key-not-for-production-" + "x" * 16,
            "WTF_CSRF_ENABLED": False,
            "FORMS_DIR": str(forms_dir),
        }
    )
    app.instance_path = str(tmp_path / "instance")
    return app


def copy_forms(tmp_path, name) -> Path:
    target = tmp_path / name
    shutil.copytree(FORMS, target)
    return target


def edit_form(forms_dir: Path, form_id: str, label_zh: str, version: str | None = None) -> None:
    path = forms_dir / f"{form_id}.json"
    form = json.loads(path.read_text(encoding="utf-8"))
    form["survey"][0]["label"]["zh"] = label_zh
    if version:
        form["settings"]["version"] = version
    path.write_text(json.dumps(form, ensure_ascii=False, indent=4), encoding="utf-8")


def published(app):
    with app.app_context():
        return {
            (row.form_id, row.version): row.sha256
            for row in db.session.execute(db.select(PublishedForm)).scalars()
        }


def post(app, user_id):
    payload = valid_payload()
    return app.test_client().post(
        "/api/v1/inspections", json=payload, headers=bearer(app, user_id)
    ), payload


@pytest.fixture
def first(database_url, tmp_path):
    """The county on the shipped forms (a copy), seeded, with an inspector."""
    app = make_app(database_url, tmp_path, copy_forms(tmp_path, "forms_v1"))
    with app.app_context():
        if database_url.startswith("sqlite"):
            db.create_all()
        county.seed()
        db.session.commit()
    user_id = add_user(app, "inspector", OWN_VILLAGE[:9])
    yield app, user_id
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def restart(database_url, tmp_path):
    """Start the county's app again on other forms. Each app's engine is disposed afterwards:
    one left to the garbage collector leaves its PostgreSQL connection open."""
    apps = []

    def start(forms_dir: Path):
        apps.append(make_app(database_url, tmp_path, forms_dir))
        return apps[-1]

    yield start
    for app in apps:
        dispose(app)


def test_the_first_inspection_publishes_every_form_once(first):
    app, user_id = first
    assert published(app) == {}
    response, _payload = post(app, user_id)
    assert response.status_code == 201, response.get_json()
    versions = published(app)
    assert len(versions) == SECTIONS
    with app.app_context():
        inspection = db.session.execute(db.select(Inspection)).scalar_one()
        assert set(inspection.form_versions.items()) == set(versions)  # what it refers to exists
    assert post(app, user_id)[0].status_code == 201
    assert published(app) == versions  # once, not per inspection


def test_a_form_changed_under_its_old_version_is_refused_and_nothing_is_stored(
    first, restart, tmp_path
):
    app, user_id = first
    assert post(app, user_id)[0].status_code == 201
    before = published(app)
    changed = copy_forms(tmp_path, "forms_edited")
    edit_form(changed, "sewage", "改过的标签")  # same version
    restarted = restart(changed)
    response, payload = post(restarted, user_id)
    assert response.status_code == 503
    assert "sewage" in response.get_json()["error"]["message"]
    with restarted.app_context():
        uuids = db.session.execute(db.select(Inspection.client_uuid)).scalars().all()
    assert payload["client_uuid"] not in uuids and len(uuids) == 1
    assert published(restarted) == before
    seeded = restarted.test_cli_runner().invoke(args=["seed"])
    assert seeded.exit_code != 0 and "sewage" in seeded.output  # caught at deploy time too


def test_a_changed_form_with_a_new_version_is_published_beside_the_old(first, restart, tmp_path):
    app, user_id = first
    assert post(app, user_id)[0].status_code == 201
    changed = copy_forms(tmp_path, "forms_v2")
    edit_form(changed, "sewage", "改过的标签", version="2027.1")
    restarted = restart(changed)
    assert post(restarted, user_id)[0].status_code == 201
    versions = published(restarted)
    assert len(versions) == SECTIONS + 1
    sewage = sorted(version for form_id, version in versions if form_id == "sewage")
    assert len(sewage) == 2 and sewage[-1] == "2027.1"
    with restarted.app_context():
        old, new = (
            db.session.execute(
                db.select(PublishedForm.definition)
                .where(PublishedForm.form_id == "sewage")
                .order_by(PublishedForm.published_at, PublishedForm.version)
            )
            .scalars()
            .all()
        )
    assert "改过的标签" in new and "改过的标签" not in old  # the old definition stays readable


def test_reindenting_a_form_is_not_a_change(first, restart, tmp_path):
    app, user_id = first
    assert post(app, user_id)[0].status_code == 201
    reindented = copy_forms(tmp_path, "forms_reindented")
    path = reindented / "straw.json"
    path.write_text(
        json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False),
        encoding="utf-8",
    )
    restarted = restart(reindented)
    assert post(restarted, user_id)[0].status_code == 201
