"""Fixtures for the web service's tests: a fresh database (SQLite, or PostgreSQL when
$ADVISOR_TEST_DATABASE_URL names a server), the app over it with a clock the test moves,
and signed-in clients for each role.

The PostgreSQL tests skip when no server is given, except in CI (CI=1), where .ci/run
starts a throwaway one: there a missing server fails them."""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from advisor.web import db, passwords
from advisor.web.app import create_app
from advisor.web.security import Settings
from advisor.web.store import Store
from tests.web.browsing import free_port

with warnings.catch_warnings():  # starlette would like httpx2; httpx is what we have
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

PASSWORD = "a long enough password"
POSTGRES_ENV = "ADVISOR_TEST_DATABASE_URL"


class Clock:
    """A clock the test moves on."""

    def __init__(self) -> None:
        self.at = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += dt.timedelta(**delta)


REAL_HASHER = passwords._hasher


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 with its cheapest parameters: the real ones take half a second a password
    on purpose (tests/web/test_store.py checks those)."""
    from argon2 import PasswordHasher
    from argon2.profiles import CHEAPEST

    cheap = PasswordHasher.from_parameters(CHEAPEST)
    monkeypatch.setattr(passwords, "_hasher", lambda: cheap)
    monkeypatch.setattr(passwords, "_dummy", lambda: cheap.hash("a password no one has"))


def postgres_url() -> str | None:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"${POSTGRES_ENV} is not set in CI: .ci/run must start PostgreSQL")
        pytest.skip(f"no PostgreSQL to test on (set ${POSTGRES_ENV}; .ci/run does)")
    return url


def _fresh_postgres(base: str) -> Iterator[str]:
    """A database of its own on the server `base` names, dropped afterwards."""
    import psycopg

    url = make_url(db.database_url(None, base))
    name = f"advisor_test_{secrets.token_hex(6)}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def any_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield db.database_url(tmp_path / "data", None)
        return
    base = postgres_url()
    assert base is not None
    yield from _fresh_postgres(base)


@pytest.fixture
def any_engine(any_url: str) -> Iterator[Engine]:
    engine = db.engine_for(any_url)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite database the migrations made, once a run: each test gets a copy."""
    folder = tmp_path_factory.mktemp("migrated")
    engine = db.engine_for(db.database_url(folder, None))
    db.upgrade(engine)
    engine.dispose()
    return folder / db.DB_FILE


@pytest.fixture
def store(tmp_path: Path, clock: Clock, migrated: Path) -> Iterator[Store]:
    """A store over a migrated SQLite database of the test's own."""
    import shutil

    (tmp_path / "data").mkdir()
    shutil.copy(migrated, tmp_path / "data" / db.DB_FILE)
    engine = db.engine_for(db.database_url(tmp_path / "data", None))
    db.check(engine)
    yield Store(engine, now=clock)
    engine.dispose()


@dataclass
class World:
    """Two wings, an account of each role (the delivery team's is wing A's), a draft and
    a stored result on wing B: what the authorization tests reach for."""

    store: Store
    app: Any
    clock: Clock
    wing_a: int = 0
    wing_b: int = 0
    draft_b: int = 0
    result_b: int = 0
    users: dict[str, int] = field(default_factory=dict)

    def client(self, role: str | None = None) -> Client:
        client = browser(self.app)
        if role is not None:
            client.sign_in(f"{role}@example.org")
        return client


def browser(app: Any, base_url: str = "http://testserver") -> Client:
    """A browser on `app` that does not follow redirects (tests look at each)."""
    return Client(TestClient(app, base_url=base_url, follow_redirects=False))


class Client:
    """A browser: a test client that keeps the last page's form token."""

    def __init__(self, http: Any) -> None:
        self.http = http
        self.csrf = ""

    def get(self, url: str, **kw: Any) -> Any:
        response = self.http.get(url, **kw)
        self._token(response)
        return response

    def post(self, url: str, data: dict[str, Any] | None = None, *, csrf: bool = True,
             **kw: Any) -> Any:
        form = dict(data or {})
        if csrf:
            form.setdefault("csrf", self.csrf)
        response = self.http.post(url, data=form, **kw)
        self._token(response)
        return response

    def _token(self, response: Any) -> None:
        if "text/html" in response.headers.get("content-type", ""):
            found = re.search(r'name="csrf" value="([^"]*)"', response.text)
            if found and found[1]:
                self.csrf = found[1]

    def sign_in(self, email: str, password: str = PASSWORD) -> Any:
        form = signin_token(self.get("/signin").text)
        response = self.post("/signin", {"email": email, "password": password,
                                         "next": "/", "csrf": form})
        assert response.status_code == 303, response.text
        self.get("/examples")  # a page with the session's form token
        return response


def signin_token(html: str) -> str:
    """The sign-in form's own token (a signed-in page also has the session's)."""
    found = re.search(r'action="/signin">\s*<input type="hidden" name="csrf" value="([^"]+)"',
                      html)
    assert found is not None, html
    return found[1]


def make_world(store: Store, clock: Clock, **settings: Any) -> World:
    from advisor.web import guided

    app = create_app(store, settings=Settings(**settings))
    world = World(store, app, clock)
    a = store.add_wing("HMP High Down", "Community Living Unit (CLU)", by=None)
    b = store.add_wing("HMP Elsewhere", "B wing", by=None)
    world.wing_a, world.wing_b = a.id, b.id
    for role in ("admin", "commissioner", "delivery", "trainer"):
        wings = (a.id,) if role == "delivery" else ()
        world.users[role] = store.add_user(f"{role}@example.org", PASSWORD, role,
                                           wings=wings).id
    other = store.add_user("other@example.org", PASSWORD, "delivery", wings=(b.id,))
    draft = store.start_draft(b, "proposal", guided.new_state("proposal", b.prison, b.name),
                              by=other)
    world.draft_b = draft.id
    from advisor.render import to_json
    from tests.web.helpers import assess_text

    text = guided.profile_yaml(guided.new_state("proposal", b.prison, b.name))
    world.result_b = store.add_result(b, kind="proposal", source="guided", profile_yaml=text,
                                      rulebook_version="x", result_json=to_json(
                                          assess_text(text)), by=other).id
    return world


@pytest.fixture
def world(store: Store, clock: Clock) -> World:
    return make_world(store, clock)


@pytest.fixture
def served(store: Store, clock: Clock) -> Iterator[tuple[str, Any]]:
    """The app under uvicorn on a free local port, in a thread; its base URL and world."""
    import uvicorn

    world = make_world(store, clock)
    world.app = create_app(store)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(world.app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", world
    server.should_exit = True
    thread.join(timeout=10)
