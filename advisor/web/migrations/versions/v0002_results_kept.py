"""A stored assessment is kept as it was made, by the database itself: changing what it
holds is refused (the account or draft behind it may still be removed, which clears
only those links).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

KEPT = "wing_id, kind, source, profile_yaml, rulebook_version, result_json, created_at"
MESSAGE = "a stored assessment is never changed: re-assess to make a new one"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION results_kept() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$""")
        op.execute(f"""
            CREATE TRIGGER results_kept BEFORE UPDATE OF {KEPT} ON results
            FOR EACH ROW EXECUTE FUNCTION results_kept()""")
    else:
        op.execute(f"""
            CREATE TRIGGER results_kept BEFORE UPDATE OF {KEPT} ON results
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""")


def downgrade() -> None:
    op.execute("DROP TRIGGER results_kept" + (
        " ON results" if op.get_bind().dialect.name == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION results_kept()")
