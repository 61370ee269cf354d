"""`advisor db`, `advisor users` and `advisor serve`, as a person runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from advisor.cli import main
from advisor.web import db
from advisor.web.store import Store
from tests.web.conftest import PASSWORD


def advisor(*args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(main, list(args), input=stdin)


def test_db_upgrade_makes_the_schema_once_and_says_so(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    behind = advisor("db", "current", "--data", data)
    assert behind.exit_code == 1  # a script can tell: upgrade before serving
    assert behind.output.endswith(f": schema none, needs 'advisor db upgrade' (newest "
                                  f"{db.head()}).\n")
    first = advisor("db", "upgrade", "--data", data)
    assert first.exit_code == 0, first.output
    sqlite = tmp_path / "data" / "advisor.sqlite3"
    assert first.output == f"{sqlite}: schema none -> {db.head()}.\n"
    again = advisor("db", "upgrade", "--data", data)
    assert again.output == f"{sqlite} is up to date (schema {db.head()}).\n"
    current = advisor("db", "current", "--data", data)
    assert current.output == f"{sqlite}: schema {db.head()}, up to date.\n"
    assert current.exit_code == 0


def test_users_add_makes_an_account_its_wings_and_refuses_bad_input(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    advisor("db", "upgrade", "--data", data)
    added = advisor("users", "add", "Team@Example.org", "--role", "delivery", "--wing",
                    "HMP High Down/Community Living Unit", "--password-stdin", "--data", data,
                    stdin=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    assert added.output == "Added team@example.org (delivery).\n"
    listed = advisor("users", "list", "--data", data)
    assert listed.output == "team@example.org\tdelivery\tHMP High Down/Community Living Unit\n"
    twice = advisor("users", "add", "team@example.org", "--role", "admin", "--password-stdin",
                    "--data", data, stdin=PASSWORD + "\n")
    assert twice.exit_code == 2
    assert twice.output == ("advisor: email: there is already an account for "
                            "team@example.org\n")
    short = advisor("users", "add", "new@example.org", "--role", "admin", "--password-stdin",
                    "--data", data, stdin="short\n")
    assert (short.exit_code, short.output) == (
        2, "advisor: password: a password needs at least 10 characters\n")
    bad_wing = advisor("users", "add", "new@example.org", "--role", "delivery", "--wing",
                       "no slash", "--password-stdin", "--data", data, stdin=PASSWORD + "\n")
    assert bad_wing.output == "advisor: --wing 'no slash': give it as 'Prison/Wing'\n"
    role = advisor("users", "add", "new@example.org", "--role", "governor", "--data", data)
    assert role.exit_code == 2
    assert "'governor' is not one of 'admin', 'commissioner', 'delivery', 'trainer'" \
        in role.output
    # the password is asked for twice when not piped in
    asked = advisor("users", "add", "admin@example.org", "--role", "admin", "--data", data,
                    stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert asked.exit_code == 0, asked.output
    engine = db.engine_for(db.database_url(tmp_path / "data", None))
    try:
        assert [(u.email, u.role) for u in Store(engine).users()] == [
            ("admin@example.org", "admin"), ("team@example.org", "delivery")]
    finally:
        engine.dispose()  # Python 3.13 warns of a SQLite connection left to the collector


def test_serve_refuses_a_database_that_is_not_upgraded(tmp_path: Path) -> None:
    result = advisor("serve", "--data", str(tmp_path / "data"))
    sqlite = tmp_path / "data" / "advisor.sqlite3"
    assert result.exit_code == 2
    assert result.output == (f"advisor: the database {sqlite} has no tables yet: run "
                             "'advisor db upgrade' with the same --data or --database "
                             "first\n")


def test_serve_runs_uvicorn_on_localhost_and_prints_a_first_run_link(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    ran: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: ran.update(app=app, **kw))
    data = str(tmp_path / "data")
    advisor("db", "upgrade", "--data", data)
    result = advisor("serve", "--data", data)
    assert result.exit_code == 0, result.output
    assert (ran["host"], ran["port"]) == ("127.0.0.1", 8000)
    token = ran["app"].state.settings.setup_token
    assert token and f"http://localhost:8000/setup?token={token}" in result.output
    advisor("users", "add", "a@example.org", "--role", "admin", "--password-stdin",
            "--data", data, stdin=PASSWORD + "\n")
    again = advisor("serve", "--data", data, "--port", "8123")
    assert "setup" not in again.output  # accounts exist: no first-run link
    assert ran["port"] == 8123
    assert ran["app"].state.settings.setup_token is None


def test_a_database_url_that_is_not_postgresql_is_refused(tmp_path: Path) -> None:
    result = advisor("db", "upgrade", "--database", "mysql://x@localhost/db")
    assert result.exit_code == 2
    assert result.output == ("advisor: --database: mysql is not supported; give a "
                             "postgresql:// URL\n")
    nonsense = advisor("db", "upgrade", "--database", "not a url")
    assert nonsense.output == ("advisor: --database 'not a url' is not a database URL "
                               "(give one like postgresql://user@host/dbname)\n")


def test_assess_does_not_import_the_web_service() -> None:
    code = ("import sys; from advisor.cli import main; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('fastapi', 'sqlalchemy', 'alembic', 'uvicorn', 'argon2', 'psycopg')))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout
    assert out == "[]\n"
