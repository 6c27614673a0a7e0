"""0020 rounds the estimates stored before estimates were rounded at storage (issue 20,
finding 14): an estimated 0.7649999999999999 t becomes 0.765; a measured answer is left as
typed, however many decimals it has."""

from app.extensions import db
from tests.house.test_migrations import empty_database, migrated_app  # noqa: F401 (fixtures)

INSERT_INSPECTION = (
    "INSERT INTO inspections (client_uuid, village_id, inspector_id, inspected_on, quarter, year,"
    " notes, content_hash, form_versions, is_demo, created_at, updated_at, status) VALUES"
    " ('6f1c2a52-5d7e-4c8e-9b1a-2d3e4f5a6b7c', :village, :user, '2026-11-20', '2026Q4', 2026,"
    " '', 'h', '{}', false, '2026-11-20 04:00:00', '2026-11-20 04:00:00', 'submitted')"
)


def test_0020_rounds_estimated_answers_only(migrated_app):  # noqa: F811
    runner = migrated_app.test_cli_runner()
    assert runner.invoke(args=["seed"]).exit_code == 0
    down = runner.invoke(args=["db", "downgrade", "0019_county_forms"])
    assert down.exit_code == 0, down.output
    with migrated_app.app_context():
        run = db.session.execute
        run(
            db.text(
                "INSERT INTO users (username, password_hash, role, active) "
                "VALUES ('old', '!', 'county_admin', true)"
            )
        )
        user = run(db.text("SELECT id FROM users WHERE username = 'old'")).scalar_one()
        village = run(db.text("SELECT min(id) FROM villages")).scalar_one()
        run(db.text(INSERT_INSPECTION), {"village": village, "user": user})
        inspection = run(db.text("SELECT id FROM inspections")).scalar_one()
        for field, value, basis in (
            ("used_t", 0.7649999999999999, "estimated"),
            ("mulched_mu", 150.12345, None),
            ("recovered_t", 0.1234567, "measured"),
        ):
            run(
                db.text(
                    "INSERT INTO answers (inspection_id, section, field, value_num, basis) "
                    "VALUES (:i, 'film', :f, :v, :b)"
                ),
                {"i": inspection, "f": field, "v": value, "b": basis},
            )
        db.session.commit()
    up = runner.invoke(args=["db", "upgrade"])
    assert up.exit_code == 0, up.output
    with migrated_app.app_context():
        values = dict(db.session.execute(db.text("SELECT field, value_num FROM answers")).all())
    assert values == {"used_t": 0.765, "mulched_mu": 150.12345, "recovered_t": 0.1234567}
