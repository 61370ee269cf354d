"""Each stored assessment's own date (`assessed.on`) in a column of its own, filled in
for those already stored, so a wing's latest assessment is found in one small query.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("results", sa.Column("assessed_on", sa.Date, nullable=True))
    results = sa.table("results", sa.column("id", sa.Integer), sa.column("result_json", sa.Text),
                       sa.column("assessed_on", sa.Date))
    bind = op.get_bind()
    for row in bind.execute(sa.select(results.c.id, results.c.result_json)).all():
        on = assessed_on(row.result_json)
        if on is not None:  # the column is not one the results_kept trigger guards
            bind.execute(results.update().where(results.c.id == row.id)
                         .values(assessed_on=on))


def downgrade() -> None:
    # not batch mode: on SQLite that rebuilds the table and loses the results_kept trigger
    op.drop_column("results", "assessed_on")


def assessed_on(result_json: str) -> dt.date | None:
    """The date an assessment's JSON says it was made, if it says one."""
    try:
        on = (json.loads(result_json).get("assessed") or {}).get("on")
        return dt.date.fromisoformat(str(on)) if on not in (None, "unknown") else None
    except (ValueError, AttributeError):
        return None
