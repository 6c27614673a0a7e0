"""Seeding the county: the real counts from app/data, and a second run changes nothing."""

import json

from app.extensions import db
from app.formdefs.coefficients import SEED_FILE
from app.formdefs.registry import current_forms
from app.geography import county
from app.models import Coefficient, County, Target, Township, Village


def counts():
    return {
        "townships": db.session.scalar(db.select(db.func.count()).select_from(Township)),
        "villages": db.session.scalar(
            db.select(db.func.count()).select_from(Village).where(Village.kind == "village")
        ),
        "communities": db.session.scalar(
            db.select(db.func.count()).select_from(Village).where(Village.kind == "community")
        ),
        "located": db.session.scalar(
            db.select(db.func.count()).select_from(Village).where(Village.lat.is_not(None))
        ),
        "targets": db.session.scalar(db.select(db.func.count()).select_from(Target)),
        "coefficients": db.session.scalar(db.select(db.func.count()).select_from(Coefficient)),
    }


def test_seed_loads_the_county_and_is_idempotent(app, runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        first = counts()
        # 16 townships; 213 villages + 11 communities; 11 real points; one target row per
        # target in indicators.json and one coefficient per row of app/data/coefficients.json.
        seeded_targets = sum(len(i.targets) for i in current_forms().indicators)
        seeded_coefficients = len(json.loads(SEED_FILE.read_text())["coefficients"])
        assert first == {
            "townships": 16,
            "villages": 213,
            "communities": 11,
            "located": 11,
            "targets": seeded_targets,
            "coefficients": seeded_coefficients,
        }
        assert seeded_targets >= 9  # manure 2, straw, film, heating 4, waste sorting
        communities = (
            db.session.execute(db.select(Village).where(Village.kind == "community"))
            .scalars()
            .all()
        )
        assert {v.zone for v in communities} == {"county_town"}
        assert {v.township.code for v in communities} == {"140225100"}
        hunyuan = db.session.execute(db.select(County)).scalar_one()
        assert (hunyuan.code, hunyuan.name, len(hunyuan.townships)) == ("140225", "浑源县", 16)
    again = runner.invoke(args=["seed"])
    assert again.exit_code == 0
    assert "villages +0" in again.output
    with app.app_context():
        assert counts() == first


def test_seed_keeps_what_an_admin_changed(seeded):
    with seeded.app_context():
        village = db.session.execute(
            db.select(Village).where(Village.code == "140225101200")
        ).scalar_one()
        village.zone, village.households = "plain", 412
        db.session.commit()
        county.seed()
        db.session.commit()
        village = db.session.execute(
            db.select(Village).where(Village.code == "140225101200")
        ).scalar_one()
        assert (village.zone, village.households) == ("plain", 412)


def test_seed_names_a_county_the_migration_made_but_keeps_an_admins_name(seeded):
    with seeded.app_context():
        hunyuan = db.session.execute(db.select(County)).scalar_one()
        hunyuan.name = "140225"  # as migration 0008 leaves an upgraded county
        db.session.commit()
        county.seed()
        db.session.commit()
        assert db.session.execute(db.select(County.name)).scalar_one() == "浑源县"
        db.session.execute(db.update(County).values(name="浑源"))
        db.session.commit()
        county.seed()
        db.session.commit()
        assert db.session.execute(db.select(County.name)).scalar_one() == "浑源"


def test_township_village_counts_match_the_source(seeded):
    with seeded.app_context():
        rows = dict(
            db.session.execute(
                db.select(Township.code, db.func.count(Village.id))
                .join(Village)
                .where(Village.kind == "village")
                .group_by(Township.code)
            ).all()
        )
    assert rows["140225100"] == 25  # 永安镇: 25 村委会 (its 11 communities are not counted)
    assert sum(rows.values()) == 213
