"""The web service's storage: accounts, wings, drafts, stored results, sessions and the
audit log, over SQLAlchemy (SQLite or PostgreSQL alike).

Every change goes through a `Store` method that records it in the audit log in the same
transaction: a change is stored with its record, or neither is. Who may do what is the
app's business (`advisor.web.app`); the store only keeps things.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import sessionmaker

from advisor.web.models import (
    KINDS,
    ROLE_TITLES,
    ROLES,
    SOURCE_TITLES,
    STATUS_TITLES,
    STATUSES,
    ActionTracking,
    Audit,
    Draft,
    Result,
    Session,
    SignInFailure,
    User,
    Wing,
    assessed_on,
)

T = TypeVar("T")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10


class StoreError(ValueError):
    """A change the store refuses, with a message for a person (and the form field it is
    about, when it is about one)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _controls(text: str) -> bool:
    """Whether text holds control characters (NUL and the like) no name may hold:
    PostgreSQL refuses NUL outright, and the others only hide what a name says."""
    return any(ord(c) < 32 or 0x7f <= ord(c) < 0xa0 for c in text)


def check_email(email: str) -> str:
    email = email.strip().lower()
    if not _EMAIL.match(email) or len(email) > 254 or _controls(email):
        raise StoreError("give an email address, like name@example.org", "email")
    return email


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise StoreError(f"a password needs at least {MIN_PASSWORD} characters", "password")
    if len(password) > 1000:
        raise StoreError("a password may be at most 1000 characters", "password")
    if "\x00" in password:
        raise StoreError("a password may not hold a NUL character", "password")


def check_text(value: str, field: str, what: str) -> str:
    text = " ".join(value.split())
    if not text:
        raise StoreError(f"give the {what}", field)
    if _controls(text):
        raise StoreError(f"the {what} may not hold control characters", field)
    if len(text) > 200:
        raise StoreError(f"the {what} may be at most 200 characters", field)
    return text


@dataclass
class Signed:
    """A signed-in browser: its user and its form token."""

    user: User
    csrf: str
    token_hash: str


class Store:
    def __init__(self, engine: Engine, *, now: Callable[[], dt.datetime] = utcnow) -> None:
        self.engine = engine
        self.now = now
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def begin(self) -> Iterator[DbSession]:
        with self._sessions.begin() as db:
            yield db

    @staticmethod
    def audit(db: DbSession, who: User | None, what: str, at: dt.datetime) -> None:
        db.add(Audit(at=at, user_id=who.id if who else None,
                     who=who.email if who else "advisor (command line)", what=what))

    # -- accounts -----------------------------------------------------------------------

    def add_user(self, email: str, password: str, role: str, *, wings: tuple[int, ...] = (),
                 by: User | None = None) -> User:
        from advisor.web.passwords import hash_password

        email = check_email(email)
        if role not in ROLES:
            raise StoreError(f"the role is one of {', '.join(ROLES)}", "role")
        check_password(password)
        if wings and role != "delivery":
            raise StoreError("only a delivery team account works on given wings", "wings")
        now = self.now()
        with self.begin() as db:
            if db.scalar(select(User).where(User.email == email)) is not None:
                raise StoreError(f"there is already an account for {email}", "email")
            found = [db.get(Wing, w) for w in wings]
            if any(w is None for w in found):
                raise StoreError("no such wing", "wings")
            user = User(email=email, password_hash=hash_password(password), role=role,
                        created_at=now, wings=[w for w in found if w is not None])
            db.add(user)
            db.flush()
            where = "".join(f", wing {w.prison} {w.name}" for w in user.wings)
            self.audit(db, by, f"added account {email} ({ROLE_TITLES[role]}{where})", now)
        return user

    def user_count(self) -> int:
        with self.begin() as db:
            return int(db.scalar(select(func.count()).select_from(User)) or 0)

    def users(self) -> list[User]:
        from sqlalchemy.orm import selectinload

        with self.begin() as db:
            return list(db.scalars(select(User).options(selectinload(User.wings))
                                   .order_by(User.email)))

    def user(self, user_id: int) -> User | None:
        from sqlalchemy.orm import selectinload

        with self.begin() as db:
            return db.scalar(select(User).options(selectinload(User.wings))
                             .where(User.id == user_id))

    def user_by_email(self, email: str) -> User | None:
        with self.begin() as db:
            return db.scalar(select(User).where(User.email == email.strip().lower()))

    def grant_wing(self, user_id: int, wing_id: int, *, by: User | None) -> None:
        now = self.now()
        with self.begin() as db:
            user, wing = db.get(User, user_id), db.get(Wing, wing_id)
            if user is None or wing is None:
                raise StoreError("no such account or wing")
            if user.role != "delivery":
                raise StoreError("only a delivery team account works on given wings", "wing")
            if wing not in user.wings:
                user.wings.append(wing)
                self.audit(db, by, f"gave {user.email} wing {wing.prison} {wing.name}", now)

    def take_wing(self, user_id: int, wing_id: int, *, by: User | None) -> None:
        now = self.now()
        with self.begin() as db:
            user, wing = db.get(User, user_id), db.get(Wing, wing_id)
            if user is None or wing is None:
                raise StoreError("no such account or wing")
            if wing in user.wings:
                user.wings.remove(wing)
                self.audit(db, by, f"took wing {wing.prison} {wing.name} from {user.email}",
                           now)

    def set_role(self, user_id: int, role: str, *, by: User | None) -> None:
        if role not in ROLES:
            raise StoreError(f"the role is one of {', '.join(ROLES)}", "role")
        now = self.now()
        with self.begin() as db:
            user = db.get(User, user_id)
            if user is None:
                raise StoreError("no such account")
            if user.role == role:
                return
            if user.role == "admin" and self._admins(db) == 1:
                raise StoreError("this is the only administrator; make another first", "role")
            old, user.role = user.role, role
            if role != "delivery":
                user.wings = []
            db.execute(delete(Session).where(Session.user_id == user.id))  # sign them out
            self.audit(db, by, f"changed {user.email} from {ROLE_TITLES[old]} to "
                               f"{ROLE_TITLES[role]}", now)

    def remove_user(self, user_id: int, *, by: User | None) -> None:
        now = self.now()
        with self.begin() as db:
            user = db.get(User, user_id)
            if user is None:
                raise StoreError("no such account")
            if user.role == "admin" and self._admins(db) == 1:
                raise StoreError("this is the only administrator; make another first")
            self.audit(db, by, f"removed account {user.email} ({ROLE_TITLES[user.role]})",
                       now)
            db.delete(user)

    @staticmethod
    def _admins(db: DbSession) -> int:
        return int(db.scalar(select(func.count()).select_from(User)
                             .where(User.role == "admin")) or 0)

    # -- sessions and sign-in -----------------------------------------------------------

    def sign_in(self, user: User, *, replacing: str | None = None) -> str:
        """A new session for `user` (a fresh random token: never one the browser held
        before), ending the one it replaces; the token for the cookie."""
        token = secrets.token_urlsafe(32)
        now = self.now()
        with self.begin() as db:
            if replacing:
                db.execute(delete(Session).where(Session.token_hash == _hash_token(replacing)))
            db.add(Session(token_hash=_hash_token(token), user_id=user.id,
                           csrf=secrets.token_urlsafe(32), created_at=now, last_seen=now))
            db.execute(delete(SignInFailure).where(SignInFailure.email == user.email))
            self.audit(db, user, "signed in", now)
        return token

    def session(self, token: str, *, idle: dt.timedelta, lifetime: dt.timedelta) -> Signed | None:
        """The signed-in browser holding `token`, or None when there is none or it has
        expired (idle too long, or older than its lifetime: then it is ended)."""
        from sqlalchemy.orm import selectinload

        now = self.now()
        with self.begin() as db:
            found = db.scalar(select(Session).options(
                selectinload(Session.user).selectinload(User.wings))
                .where(Session.token_hash == _hash_token(token)))
            if found is None:
                return None
            if now - found.last_seen > idle or now - found.created_at > lifetime:
                db.delete(found)
                return None
            if now - found.last_seen > dt.timedelta(minutes=1):
                found.last_seen = now
            return Signed(found.user, found.csrf, found.token_hash)

    def sign_out(self, signed: Signed) -> None:
        now = self.now()
        with self.begin() as db:
            db.execute(delete(Session).where(Session.token_hash == signed.token_hash))
            self.audit(db, signed.user, "signed out", now)

    def failures(self, email: str, address: str, since: dt.timedelta) -> tuple[int, int]:
        """Failed sign-ins within `since`: for this email, and from this address."""
        start = self.now() - since
        with self.begin() as db:
            by_email = db.scalar(select(func.count()).select_from(SignInFailure).where(
                SignInFailure.email == email, SignInFailure.at >= start)) or 0
            by_address = db.scalar(select(func.count()).select_from(SignInFailure).where(
                SignInFailure.address == address, SignInFailure.at >= start)) or 0
            return int(by_email), int(by_address)

    def record_failure(self, email: str, address: str) -> None:
        now = self.now()
        with self.begin() as db:
            db.add(SignInFailure(email=email[:254], address=address[:64], at=now))
            db.execute(delete(SignInFailure).where(
                SignInFailure.at < now - dt.timedelta(days=1)))

    # -- wings --------------------------------------------------------------------------

    def add_wing(self, prison: str, name: str, *, by: User | None) -> Wing:
        prison = check_text(prison, "prison", "prison's name")
        name = check_text(name, "name", "wing's name")
        now = self.now()
        try:
            with self.begin() as db:
                wing = Wing(prison=prison, name=name, created_at=now,
                            created_by=by.id if by else None)
                db.add(wing)
                db.flush()
                if by is not None and by.role == "delivery":  # a team's own new wing
                    owner = db.get(User, by.id)
                    assert owner is not None
                    owner.wings.append(wing)
                self.audit(db, by, f"added wing {prison} {name}", now)
        except IntegrityError:
            raise StoreError(f"{prison} already has a wing called {name}", "name") from None
        return wing

    def wings(self, ids: list[int] | None = None) -> list[Wing]:
        with self.begin() as db:
            query = select(Wing).order_by(Wing.prison, Wing.name)
            if ids is not None:
                query = query.where(Wing.id.in_(ids))
            return list(db.scalars(query))

    def wing(self, wing_id: int) -> Wing | None:
        with self.begin() as db:
            return db.get(Wing, wing_id)

    # -- drafts -------------------------------------------------------------------------

    def start_draft(self, wing: Wing, kind: str, state: dict[str, Any], *, by: User) -> Draft:
        if kind not in KINDS:
            raise StoreError("choose a self-audit or a proposal", "kind")
        now = self.now()
        with self.begin() as db:
            draft = Draft(wing_id=wing.id, kind=kind, state=json.dumps(state),
                          created_by=by.id, created_at=now, updated_at=now)
            db.add(draft)
            db.flush()
            self.audit(db, by, f"started a {kind} of {wing.prison} {wing.name} "
                               f"(draft {draft.id})", now)
        return draft

    def drafts(self, wing_id: int) -> list[Draft]:
        with self.begin() as db:
            return list(db.scalars(select(Draft).where(Draft.wing_id == wing_id,
                                                       Draft.finished_at.is_(None))
                                   .order_by(Draft.id)))

    def draft(self, draft_id: int) -> Draft | None:
        with self.begin() as db:
            return db.get(Draft, draft_id)

    def update_draft(self, draft_id: int, change: Callable[[dict[str, Any]], T], what: str,
                     *, by: User) -> tuple[T, dict[str, Any]]:
        """Change a draft's state with `change` (its answer, and the state after), the row
        locked meanwhile: two pages sent at once from two tabs each keep their answers."""
        now = self.now()
        with self.begin() as db:
            row = db.scalar(select(Draft).where(Draft.id == draft_id).with_for_update())
            if row is None or row.finished_at is not None:
                raise StoreError("this assessment is finished; start a new one to change it")
            state: dict[str, Any] = json.loads(row.state)
            answer = change(state)
            text = json.dumps(state)
            if text != row.state:
                row.state = text
                row.updated_at = now
                self.audit(db, by, f"draft {draft_id}: {what}", now)
        return answer, state

    # -- results ------------------------------------------------------------------------

    def add_result(self, wing: Wing, *, kind: str, source: str, profile_yaml: str,
                   rulebook_version: str, result_json: str, by: User,
                   draft: Draft | None = None) -> Result:
        """Store a finished assessment (and finish its draft) in one transaction."""
        now = self.now()
        with self.begin() as db:
            if draft is not None:
                row = db.get(Draft, draft.id)
                if row is None or row.finished_at is not None:
                    raise StoreError("this assessment was already finished")
                row.finished_at = now
            result = Result(wing_id=wing.id, kind=kind, source=source,
                            profile_yaml=profile_yaml, rulebook_version=rulebook_version,
                            result_json=result_json, created_by=by.id, created_at=now,
                            draft_id=draft.id if draft else None,
                            assessed_on=assessed_on(json.loads(result_json)))
            db.add(result)
            db.flush()
            self.audit(db, by, f"stored assessment {result.id} of {wing.prison} {wing.name} "
                               f"({SOURCE_TITLES[source]}, rulebook {rulebook_version})", now)
        return result

    def results(self, wing_id: int) -> list[Result]:
        with self.begin() as db:
            return list(db.scalars(select(Result).where(Result.wing_id == wing_id)
                                   .order_by(Result.id.desc())))

    def results_in(self, wing_id: int, ids: Sequence[int]) -> list[Result]:
        """Those of a wing's stored assessments given by id."""
        with self.begin() as db:
            return list(db.scalars(select(Result).where(Result.wing_id == wing_id,
                                                        Result.id.in_(list(ids)))))

    def result_ids(self, wing_id: int) -> list[int]:
        """The ids of a wing's stored assessments, oldest first: what changes when one is
        added, read without the assessments themselves."""
        with self.begin() as db:
            return list(db.scalars(select(Result.id).where(Result.wing_id == wing_id)
                                   .order_by(Result.id)))

    def result(self, result_id: int) -> Result | None:
        with self.begin() as db:
            return db.get(Result, result_id)

    # -- the work on a wing's plan ------------------------------------------------------

    def trackings(self, wing_ids: list[int] | None = None) -> list[ActionTracking]:
        """The work recorded on actions, of the wings given (or of every wing)."""
        with self.begin() as db:
            query = select(ActionTracking).order_by(ActionTracking.wing_id,
                                                    ActionTracking.action_id)
            if wing_ids is not None:
                query = query.where(ActionTracking.wing_id.in_(wing_ids))
            return list(db.scalars(query))

    def track(self, wing: Wing, action_id: str, *, lead: str, due: dt.date | None,
              status: str, reason: str, notes: str, by: User,
              version: int | None = None) -> ActionTracking:
        """Record the work on one action of `wing`'s plan. `version` is the one the form
        was made from: if someone saved in between, their change is not overwritten (a
        StoreError on the field `version` says so, and nothing is saved)."""
        if status not in STATUSES:
            raise StoreError("choose where the action stands", "status")
        lead = lead.strip()
        reason, notes = reason.strip(), notes.strip()
        if status == "dropped" and not reason:
            raise StoreError("say why the action was dropped", "reason")
        for value, field, most in ((lead, "lead", 200), (reason, "reason", 2000),
                                   (notes, "notes", 4000)):
            if len(value) > most:
                raise StoreError(f"at most {most} characters, please", field)
            if any(ord(c) < 32 and c not in "\n\t" for c in value):
                raise StoreError("remove the control characters", field)
        now = self.now()
        with self.begin() as db:
            row = db.scalar(select(ActionTracking).where(
                ActionTracking.wing_id == wing.id, ActionTracking.action_id == action_id)
                .with_for_update())
            if row is not None and version is not None and row.version != version:
                raise StoreError("someone else saved this action while you were editing it: "
                                 "their change is shown; make yours again", "version")
            if row is None:
                row = ActionTracking(wing_id=wing.id, action_id=action_id, version=0)
                db.add(row)
            row.lead, row.due, row.status = lead, due, status
            row.reason = reason if status == "dropped" else ""
            row.notes = notes
            row.version += 1
            row.updated_at, row.updated_by = now, by.id
            self.audit(db, by, f"action {action_id} of {wing.prison} {wing.name}: "
                               f"{STATUS_TITLES[status]}"
                               + (f", lead {lead}" if lead else "")
                               + (f", due {due.isoformat()}" if due else ""), now)
        return row

    def audit_log(self, limit: int = 500) -> list[Audit]:
        with self.begin() as db:
            return list(db.scalars(select(Audit).order_by(Audit.id.desc()).limit(limit)))


__all__ = ["MIN_PASSWORD", "Signed", "Store", "StoreError", "check_email", "check_password",
           "utcnow"]
