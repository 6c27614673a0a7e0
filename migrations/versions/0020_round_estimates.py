"""round the estimates stored before they were rounded at storage (issue 20, finding 14)

Every calculated field of the forms at this revision is a tonnage with `decimals: 3` (to the
kg), and estimates are now stored rounded so; those stored before are rounded the same way here,
so the API and the pages never answer 0.7649999999999999. Measured answers are left as typed.

Revision ID: 0020_round_estimates
Revises: 0019_county_forms
"""

from alembic import op

revision = "0020_round_estimates"
down_revision = "0019_county_forms"
branch_labels = None
depends_on = None


def upgrade():
    # NUMERIC: PostgreSQL rounds numerics (not doubles) to a number of places; SQLite accepts it.
    op.execute(
        "UPDATE answers SET value_num = ROUND(CAST(value_num AS NUMERIC), 3) "
        "WHERE basis = 'estimated' AND value_num IS NOT NULL"
    )


def downgrade():
    pass  # the unrounded tails are not worth restoring
