"""answers indexed by (section, field, value_num): the copied-answers check probes the values
(issue 21: it read every answer of the quarter per submission); replaces (section, field), a
prefix of it

Revision ID: 0024_answer_values
Revises: 0023_reference_marker
"""

from alembic import op

revision = "0024_answer_values"
down_revision = "0023_reference_marker"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_answers_section_field_value", "answers", ["section", "field", "value_num"]
    )
    op.drop_index("ix_answers_section_field", table_name="answers")


def downgrade() -> None:
    op.create_index("ix_answers_section_field", "answers", ["section", "field"])
    op.drop_index("ix_answers_section_field_value", table_name="answers")
