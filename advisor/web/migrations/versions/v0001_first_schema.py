"""The first schema: users, wings, drafts, results, sessions, sign-in failures, audit.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), primary_key=True)


def _user(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"),
                     nullable=True)


def upgrade() -> None:
    op.create_table(
        "users", _id(),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False))
    op.create_table(
        "wings", _id(),
        sa.Column("prison", sa.String(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _user("created_by"),
        sa.UniqueConstraint("prison", "name"))
    op.create_table(
        "user_wings",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("wing_id", sa.Integer(), sa.ForeignKey("wings.id", ondelete="CASCADE"),
                  primary_key=True))
    op.create_table(
        "drafts", _id(),
        sa.Column("wing_id", sa.Integer(), sa.ForeignKey("wings.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        _user("created_by"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True))
    op.create_table(
        "results", _id(),
        sa.Column("wing_id", sa.Integer(), sa.ForeignKey("wings.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("draft_id", sa.Integer(), sa.ForeignKey("drafts.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("profile_yaml", sa.Text(), nullable=False),
        sa.Column("rulebook_version", sa.String(40), nullable=False),
        sa.Column("result_json", sa.Text(), nullable=False),
        _user("created_by"),
        sa.Column("created_at", sa.DateTime(), nullable=False))
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False))
    op.create_table(
        "sign_in_failures", _id(),
        sa.Column("email", sa.String(254), nullable=False, index=True),
        sa.Column("address", sa.String(64), nullable=False, index=True),
        sa.Column("at", sa.DateTime(), nullable=False))
    op.create_table(
        "audit", _id(),
        sa.Column("at", sa.DateTime(), nullable=False),
        _user("user_id"),
        sa.Column("who", sa.String(254), nullable=False),
        sa.Column("what", sa.Text(), nullable=False))


def downgrade() -> None:
    for table in ("audit", "sign_in_failures", "sessions", "results", "drafts",
                  "user_wings", "wings", "users"):
        op.drop_table(table)
