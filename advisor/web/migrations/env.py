"""Alembic's entry point for the web service's migrations: run on the engine
`advisor.web.db` hands over (never from an alembic.ini)."""

from __future__ import annotations

from alembic import context

from advisor.web.models import Base

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=True)
    context.run_migrations()
