"""The web service's tables, as SQLAlchemy 2 models (the migrations in
`advisor/web/migrations` make them; `tests/test_web_store.py` checks the two agree).

- `users`: an account, its role and, for a delivery user, the wings it works on
  (`user_wings`);
- `wings`: a prison's wing, as created on the web;
- `drafts`: a guided assessment in progress: the answers so far, saved page by page;
- `results`: a finished assessment, kept for ever as it was made: the profile as YAML,
  the rulebook version and the assessment JSON. Rows are never updated (the ORM refuses
  to), so re-assessing makes a new row;
- `sessions`: signed-in browsers, by a SHA-256 of the cookie's random token, so a copy of
  the database holds no live session;
- `sign_in_failures`: failed sign-ins, counted to slow down password guessing;
- `audit`: every change, who made it, when and what;
- `action_tracking`: the team's work on an action of a wing's plan (lead, due date,
  status, notes), kept by the wing and the action's id, so it follows the action from one
  assessment of the wing to the next.

Times are stored as UTC without a zone (SQLite has none) and read back as aware UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column, relationship

ROLES = ("admin", "commissioner", "delivery", "trainer")
ROLE_TITLES = {"admin": "Administrator", "commissioner": "Commissioner",
               "delivery": "Delivery team", "trainer": "Trainer"}
KINDS = ("self-audit", "proposal")
SOURCE_TITLES = {"guided": "answered on the web", "upload": "uploaded profile",
                 "reassessed": "re-assessed"}


class UTC(TypeDecorator[dt.datetime]):
    """An aware UTC datetime, stored without its zone."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("times are stored in UTC: give an aware datetime")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None,
                             dialect: Any) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    pass


user_wings = Table(
    "user_wings", Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("wing_id", ForeignKey("wings.id", ondelete="CASCADE"), primary_key=True),
)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(UTC)
    wings: Mapped[list[Wing]] = relationship(secondary=user_wings, order_by="Wing.id")


class Wing(Base):
    __tablename__ = "wings"
    __table_args__ = (UniqueConstraint("prison", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    prison: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTC)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Draft(Base):
    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    wing_id: Mapped[int] = mapped_column(ForeignKey("wings.id", ondelete="CASCADE"),
                                         index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # {"answers": {path: value}, "evidence": {path: text}, "voices": {path: {...}},
    #  "seen": [section keys submitted]}
    state: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTC)
    updated_at: Mapped[dt.datetime] = mapped_column(UTC)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTC)
    wing: Mapped[Wing] = relationship()


class Result(Base):
    __tablename__ = "results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    wing_id: Mapped[int] = mapped_column(ForeignKey("wings.id", ondelete="CASCADE"),
                                         index=True)
    kind: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))  # guided, upload, reassessed
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id", ondelete="SET NULL"))
    profile_yaml: Mapped[str] = mapped_column(Text)
    rulebook_version: Mapped[str] = mapped_column(String(40))
    result_json: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTC)
    # the date the assessment says it was made (`assessed.on` in result_json), kept beside
    # it so a wing's latest assessment is found without reading every stored one
    assessed_on: Mapped[dt.date | None] = mapped_column(Date)
    wing: Mapped[Wing] = relationship()


@event.listens_for(Result, "before_update")
def _results_are_kept_as_made(mapper: Mapper[Any], connection: Any, target: Result) -> None:
    raise ValueError("a stored assessment is never changed: re-assess to make a new one")


class Session(Base):
    __tablename__ = "sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTC)
    last_seen: Mapped[dt.datetime] = mapped_column(UTC)
    user: Mapped[User] = relationship()


class SignInFailure(Base):
    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTC)


class Audit(Base):
    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTC)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    who: Mapped[str] = mapped_column(String(254))  # the email then, kept if the user goes
    what: Mapped[str] = mapped_column(Text)


def assessed_on(data: Mapping[str, Any]) -> dt.date | None:
    """The date a stored assessment's JSON says it was made (`assessed.on`), if any."""
    on = (data.get("assessed") or {}).get("on")
    if on in (None, "unknown"):
        return None
    try:
        return dt.date.fromisoformat(str(on))
    except ValueError:
        return None


def latest_of(results: Iterable[tuple[int, dt.date | None]]) -> int | None:
    """Which of a wing's stored assessments, given as (id, `assessed.on`), is its latest:
    the last in the order they were made. That is by date, ties in the order stored, when
    every one has a date; in the order stored when any has none (an undated assessment
    has no place in time). `advisor compare` orders a wing's assessments the same way."""
    found = list(results)
    if not found:
        return None
    if all(on is not None for _, on in found):
        return max(found, key=lambda r: (r[1], r[0]))[0]
    return max(r[0] for r in found)


#: where the work on an action stands, and its words
STATUSES = ("not-started", "in-progress", "done", "dropped")
STATUS_TITLES = {"not-started": "Not started", "in-progress": "In progress", "done": "Done",
                 "dropped": "Dropped"}


class ActionTracking(Base):
    """The team's work on one action of a wing's plan. Keyed by the wing and the action's
    id (as the rulebook names it), not by an assessment, so a re-assessment that still
    proposes the action finds its lead, due date and status where they were."""

    __tablename__ = "action_tracking"

    wing_id: Mapped[int] = mapped_column(ForeignKey("wings.id", ondelete="CASCADE"),
                                         primary_key=True)
    action_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    lead: Mapped[str] = mapped_column(String(200), default="")
    due: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="not-started")
    reason: Mapped[str] = mapped_column(Text, default="")  # why it was dropped
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)  # bumped at every change
    updated_at: Mapped[dt.datetime] = mapped_column(UTC)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def overdue(self, today: dt.date) -> bool:
        """Past its due date and neither done nor dropped."""
        return self.due is not None and self.due < today and self.status in (
            "not-started", "in-progress")


__all__ = [
    "KINDS",
    "ROLES",
    "ROLE_TITLES",
    "SOURCE_TITLES",
    "STATUSES",
    "STATUS_TITLES",
    "ActionTracking",
    "Audit",
    "Base",
    "Draft",
    "Result",
    "Session",
    "SignInFailure",
    "User",
    "Wing",
    "assessed_on",
    "latest_of",
    "user_wings",
]
