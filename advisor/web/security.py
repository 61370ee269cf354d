"""Who may use which page: sign-in sessions, roles, wings, and the form token.

Every route of the app declares who may use it with one dependency, `need(...)` (or
`PUBLIC` for the few pages anyone may open: signing in, the style sheet, the first-run
set-up). `tests/test_web_authz.py` walks the app's route table and fails on a route that
declares neither, then tries every route as every role with another wing's ids.

- a role may use a route only if `need` names it; others get 403, a browser not signed
  in is sent to sign in;
- the wing behind a path's id is then checked with `readable`/`writable`: a delivery team
  sees and changes only its own wings, a commissioner sees every wing and changes none,
  an administrator sees and changes every wing, a trainer sees none (only the worked
  examples). What a user may not see is "not found" (404): its existence is not told;
- every POST carries the session's form token (`csrf`), compared in constant time.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import HTTPException, Request

from advisor.web.models import Wing
from advisor.web.store import Signed, Store

COOKIE = "advisor_session"
SIGNIN_COOKIE = "advisor_signin"  # the sign-in form's token, before there is a session
READERS = ("admin", "commissioner", "delivery")
WRITERS = ("admin", "delivery")
EVERYONE = ("admin", "commissioner", "delivery", "trainer")


@dataclass(frozen=True)
class Settings:
    idle: dt.timedelta = dt.timedelta(hours=2)       # signed out after this long unused
    lifetime: dt.timedelta = dt.timedelta(hours=12)  # and this long after signing in
    window: dt.timedelta = dt.timedelta(minutes=15)  # sign-in failures counted over this
    per_email: int = 5      # failures for one account within the window, then refused
    per_address: int = 20   # failures from one address within the window, then refused
    setup_token: str | None = None  # the first-run link's token, while there is no account


class SignInNeeded(Exception):
    """Not signed in (or the session ended): the browser is sent to sign in."""


PUBLIC = "public"


class Need:
    """The dependency that admits the roles it names, and checks a POST's form token."""

    def __init__(self, roles: tuple[str, ...]) -> None:
        self.roles = roles

    async def __call__(self, request: Request) -> Signed:
        signed = current(request)
        if signed is None:
            raise SignInNeeded
        if signed.user.role not in self.roles:
            raise HTTPException(403, "Your account's role does not give access to this page.")
        if request.method == "POST":
            form = await request.form()
            token = form.get("csrf")
            if not isinstance(token, str) or not hmac.compare_digest(token, signed.csrf):
                raise HTTPException(400, "This form had expired. Go back, reload the page "
                                         "and send it again.")
        return signed


def need(*roles: str) -> Callable[[Request], Awaitable[Signed]]:
    return Need(roles)


def current(request: Request) -> Signed | None:
    """The signed-in session the request's cookie names, if it is still valid."""
    if hasattr(request.state, "signed"):
        found: Signed | None = request.state.signed
        return found
    token = request.cookies.get(COOKIE)
    store: Store = request.app.state.store
    settings: Settings = request.app.state.settings
    signed = None
    if token and len(token) < 200:
        signed = store.session(token, idle=settings.idle, lifetime=settings.lifetime)
    request.state.signed = signed
    return signed


def readable(signed: Signed, wing: Wing | None) -> Wing:
    if wing is None or not can_read(signed, wing.id):
        raise HTTPException(404, "There is no such page, or it is not yours to see.")
    return wing


def writable(signed: Signed, wing: Wing | None) -> Wing:
    wing = readable(signed, wing)
    if not can_write(signed, wing.id):
        raise HTTPException(403, "Your account can see this wing but not change it.")
    return wing


def can_read(signed: Signed, wing_id: int) -> bool:
    role = signed.user.role
    if role in ("admin", "commissioner"):
        return True
    return role == "delivery" and wing_id in {w.id for w in signed.user.wings}


def can_write(signed: Signed, wing_id: int) -> bool:
    role = signed.user.role
    return role == "admin" or (role == "delivery"
                               and wing_id in {w.id for w in signed.user.wings})


def visible_wing_ids(signed: Signed) -> list[int] | None:
    """The wings a user sees (None: all of them)."""
    role = signed.user.role
    if role in ("admin", "commissioner"):
        return None
    if role == "delivery":
        return [w.id for w in signed.user.wings]
    return []


def address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


__all__ = ["COOKIE", "EVERYONE", "PUBLIC", "READERS", "SIGNIN_COOKIE", "WRITERS", "Need",
           "Settings", "SignInNeeded", "address", "can_read", "can_write", "current", "need",
           "readable", "visible_wing_ids", "writable"]
