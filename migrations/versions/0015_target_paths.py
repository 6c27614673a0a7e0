"""targets on a path: a target row's baseline (value, date) and deadline

The plan's rows already seeded get the plan's baseline and deadline (forms/indicators.json);
rows an admin set keep a flat path until the admin sets one (a new row).

Revision ID: 0015_target_paths
Revises: 0014_security_review
"""

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0015_target_paths"
down_revision = "0014_security_review"
branch_labels = None
depends_on = None

HEATING_BASELINE = (0.339, date(2020, 12, 31))
# (indicator, zone, applies_from): (baseline value, baseline date, deadline), as seeded
PLAN_PATHS = {
    ("clean_heating", "plain", date(2021, 1, 1)): (*HEATING_BASELINE, date(2023, 12, 31)),
    ("clean_heating", "county_town", date(2021, 1, 1)): (*HEATING_BASELINE, date(2022, 12, 31)),
    ("clean_heating", "mountain", date(2021, 1, 1)): (*HEATING_BASELINE, date(2023, 12, 31)),
    ("clean_heating", "*", date(2021, 1, 1)): (*HEATING_BASELINE, date(2023, 12, 31)),
    ("manure_utilisation", "*", date(2025, 1, 1)): (0.75, date(2024, 12, 31), date(2025, 12, 31)),
    ("straw_utilisation", "*", date(2021, 1, 1)): (None, None, date(2025, 12, 31)),
    ("film_recovery", "*", date(2021, 1, 1)): (None, None, date(2025, 12, 31)),
}


def upgrade():
    with op.batch_alter_table("targets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("baseline_value", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("baseline_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("deadline", sa.Date(), nullable=True))
        batch_op.create_check_constraint(
            "baseline_value",
            "baseline_value IS NULL OR (baseline_value >= 0 AND baseline_value <= 1)",
        )
    targets = sa.table(
        "targets",
        sa.column("indicator", sa.String),
        sa.column("zone", sa.String),
        sa.column("applies_from", sa.Date),
        sa.column("set_by_id", sa.Integer),
        sa.column("baseline_value", sa.Float),
        sa.column("baseline_date", sa.Date),
        sa.column("deadline", sa.Date),
    )
    for (indicator, zone, applies_from), (value, day, deadline) in PLAN_PATHS.items():
        op.execute(
            targets.update()
            .where(
                targets.c.indicator == indicator,
                targets.c.zone == zone,
                targets.c.applies_from == applies_from,
                targets.c.set_by_id.is_(None),  # seeded, not set by an admin
            )
            .values(baseline_value=value, baseline_date=day, deadline=deadline)
        )


def downgrade():
    with op.batch_alter_table("targets", schema=None) as batch_op:
        batch_op.drop_constraint("baseline_value", type_="check")
        batch_op.drop_column("deadline")
        batch_op.drop_column("baseline_date")
        batch_op.drop_column("baseline_value")
