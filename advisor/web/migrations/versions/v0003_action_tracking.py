"""The team's work on each action of a wing's plan: lead, due date, status and notes,
kept by wing and action id so that it carries over to the wing's next assessment.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "action_tracking",
        sa.Column("wing_id", sa.Integer, sa.ForeignKey("wings.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("action_id", sa.String(80), primary_key=True),
        sa.Column("lead", sa.String(200), nullable=False),
        sa.Column("due", sa.Date, nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("updated_by", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"),
                  nullable=True),
    )


def downgrade() -> None:
    op.drop_table("action_tracking")
